// `<facekit-verify>` in Svelte 5 templates, types only: `import type {} from 'facekit/svelte'` once
// in the app (or "types": ["facekit/svelte"]). Svelte 5 sets `config`/`messages`/`kit` as
// properties, the rest as attributes, and `onfacekit-verified={(e) => e.detail.verified}` listens
// for the 'facekit-verified' event.
import type { HTMLAttributes } from 'svelte/elements';
import type { FaceKitVerifyAttributes, FaceKitVerifyElement, FaceKitVerifyOnEvents, FaceKitVerifyProperties } from './element-props.js';

export type FaceKitVerifySvelteProps = HTMLAttributes<FaceKitVerifyElement> & FaceKitVerifyAttributes & FaceKitVerifyProperties & FaceKitVerifyOnEvents;

declare module 'svelte/elements' {
  interface SvelteHTMLElements {
    'facekit-verify': FaceKitVerifySvelteProps;
  }
}
