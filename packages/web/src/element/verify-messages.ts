// The words facekit's UI shows: one sentence per hint code, per state and per error code. English
// by default; `<facekit-verify>` takes a partial replacement (its `messages` property or
// attribute), or a whole locale (`facekit/locales/de` is the tested example).
import type { FaceKitErrorCode } from '@facekit/core';
import type { VerifierHint } from '../verifier/verifier.js';

export const DEFAULT_HINT_MESSAGES: Readonly<Record<VerifierHint, string>> = {
  'no-face': 'No face in view. Look at the camera.',
  'multiple-faces': 'Only one face, please.',
  'too-small': 'Move closer.',
  'too-close': 'Move back a little.',
  'off-center': 'Move your face to the middle of the picture.',
  'blurry': 'Too blurry. Hold still.',
  'too-dark': 'Too dark. Find more light.',
  'too-bright': 'Too bright. Move away from direct light.',
  'turn-left': 'Turn your head a little to your left, to face the camera.',
  'turn-right': 'Turn your head a little to your right, to face the camera.',
  'chin-up': 'Raise your chin a little and look at the camera.',
  'chin-down': 'Lower your chin a little and look at the camera.',
  'eyes-closed': 'Open your eyes.',
  'blink-now': 'Blink now.',
  'face-camera': 'Look straight at the camera.',
  'look-left': 'Slowly turn your head to your left.',
  'look-right': 'Slowly turn your head to your right.',
  'not-live': 'This does not look like a live face (a photo or a screen?).',
  'hold-still': 'Hold still…',
};

/**
 * One sentence per error code, for the person at the camera (the error's own `message` is for
 * the developer: it goes to the `facekit-error` event, never on screen). `error.TIMEOUT` may use
 * `{hint}`: the sentence of what blocked most frames.
 */
export const DEFAULT_ERROR_MESSAGES: Readonly<Record<`error.${FaceKitErrorCode}`, string>> = {
  'error.INVALID_INPUT': 'The picture could not be read. Try again.',
  'error.INVALID_OPTION': 'This page set up face verification wrongly. Tell its owner.',
  'error.MODEL_INTEGRITY': 'The face models did not download correctly. Reload the page to try again.',
  'error.MODEL_FETCH': 'The face models could not be downloaded. Check your connection and try again.',
  'error.BACKEND': 'This browser cannot run the face models.',
  'error.WORKER_CRASHED': 'Face processing stopped unexpectedly. Try again.',
  'error.DISPOSED': 'Face verification was shut down. Reload the page.',
  'error.ABORTED': 'Stopped.',
  'error.CAMERA_DENIED': 'The camera is blocked. Allow it in your browser settings and try again.',
  'error.NO_CAMERA': 'No camera was found. Connect one and try again.',
  'error.CAMERA_IN_USE': 'The camera is in use by another app. Close it and try again.',
  'error.UNSUPPORTED_BROWSER': 'This browser cannot use the camera here. Use a current browser on a secure (https) page.',
  'error.TIMEOUT': 'No decision in time. {hint}',
  'error.NOT_LIVE': 'This does not look like a live face.',
  'error.NOT_ENROLLED': 'Nobody is enrolled under this name yet. Enroll first.',
  'error.QUEUE_FULL': 'This device is too busy. Try again.',
  'error.STORAGE': 'The browser could not store the face data. Free some space and try again.',
  'error.INTERNAL': 'Something went wrong. Try again.',
};

/** Everything `<facekit-verify>` writes, by key. `{n}`-style fields are filled in. */
export interface FaceKitVerifyMessages extends Record<VerifierHint, string>, Record<`error.${FaceKitErrorCode}`, string> {
  /** Before start(). */
  idle: string;
  /** While models load: `{percent}`. */
  loading: string;
  camera: string;
  /** Enrolled: `{id}`. */
  enrolled: string;
  /** Verified as `{id}`. */
  match: string;
  /** Not `{id}`. */
  noMatch: string;
  notLive: string;
  /** An error: `{message}` (the code's `error.CODE` sentence) and `{code}`. */
  error: string;
  start: string;
  stop: string;
  /** The element's accessible name (unless the host page gives it an aria-label). */
  label: string;
  /** The camera preview's accessible name. */
  video: string;
  /** The camera picker's label (shown when there is more than one camera). */
  cameraPicker: string;
}

export const DEFAULT_VERIFY_MESSAGES: Readonly<FaceKitVerifyMessages> = {
  ...DEFAULT_HINT_MESSAGES,
  ...DEFAULT_ERROR_MESSAGES,
  idle: 'Press Start to use your camera. Nothing leaves this device.',
  loading: 'Loading face models… {percent}',
  camera: 'Starting the camera…',
  enrolled: 'Enrolled as {id}.',
  match: 'Verified: this is {id}.',
  noMatch: 'Not verified: this does not look like {id}.',
  notLive: 'Not verified: this does not look like a live face.',
  error: '{message} ({code})',
  start: 'Start',
  stop: 'Stop',
  label: 'Face verification',
  video: 'Camera preview',
  cameraPicker: 'Camera',
};

/** The message `key` with its `{fields}` filled in; a field not given is left out. */
export function formatMessage(messages: Readonly<FaceKitVerifyMessages>, key: keyof FaceKitVerifyMessages, fields: Record<string, string> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (_m, name: string) => fields[name] ?? '').trim();
}
