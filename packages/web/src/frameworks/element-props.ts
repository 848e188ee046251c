// What <facekit-verify> takes in a framework's markup, shared by the React, Vue and Svelte
// typings beside this file (facekit/react, facekit/vue, facekit/svelte: types only, no code).
import type { FaceKitVerifyElement, FaceKitVerifyEventMap } from '../element/verify-element-types.js';
import type { LivenessMode } from '../verifier/verifier.js';

/** The element's attributes, as the element reads them at each start(). */
export interface FaceKitVerifyAttributes {
  /** What Start does. @defaultValue 'verify' */
  mode?: 'enroll' | 'verify';
  /** The name to enroll or verify (required before Start). */
  'subject-id'?: string;
  /** @defaultValue 'passive' */
  liveness?: LivenessMode;
  /** False-accept rate the match threshold is set for, between 0 and 1. */
  far?: number | string;
  /** 'user', 'environment' or a deviceId. @defaultValue 'user' */
  camera?: string;
  /** The folder `npx facekit assets` filled (models/ and ort/). */
  'asset-base-url'?: string;
  /** A model pack id (facekit_s, buffalo_s, …). */
  pack?: string;
}

/**
 * Its object properties. React 19, Vue 3 and Svelte 5 set a prop as a property when the element
 * has one (define the element before rendering), so these take objects, not JSON strings.
 */
export type FaceKitVerifyProperties = Partial<Pick<FaceKitVerifyElement, 'config' | 'messages' | 'kit'>>;

/** `onfacekit-verified` and the like: the event's exact name after `on`, as React 19 and Svelte 5 listen. */
export type FaceKitVerifyOnEvents = { [K in keyof FaceKitVerifyEventMap as `on${K}`]?: (event: FaceKitVerifyEventMap[K]) => void };

export type { FaceKitVerifyElement, FaceKitVerifyEventMap };
