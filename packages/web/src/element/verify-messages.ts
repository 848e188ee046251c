// The words facekit's UI shows: one sentence per hint code and per state. English by default;
// `<facekit-verify>` takes a partial replacement (its `messages` property or attribute).
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

/** Everything `<facekit-verify>` writes, by key. `{n}`-style fields are filled in. */
export interface FaceKitVerifyMessages extends Record<VerifierHint, string> {
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
  /** An error: `{message}`. */
  error: string;
  start: string;
  stop: string;
  /** The region's accessible name. */
  label: string;
}

export const DEFAULT_VERIFY_MESSAGES: Readonly<FaceKitVerifyMessages> = {
  ...DEFAULT_HINT_MESSAGES,
  idle: 'Press Start to use your camera. Nothing leaves this device.',
  loading: 'Loading face models… {percent}',
  camera: 'Starting the camera…',
  enrolled: 'Enrolled as {id}.',
  match: 'Verified: this is {id}.',
  noMatch: 'Not verified: this does not look like {id}.',
  notLive: 'Not verified: this does not look like a live face.',
  error: '{message}',
  start: 'Start',
  stop: 'Stop',
  label: 'Face verification',
};

/** The message `key` with its `{fields}` filled in. */
export function formatMessage(messages: Readonly<FaceKitVerifyMessages>, key: keyof FaceKitVerifyMessages, fields: Record<string, string> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (m, name: string) => fields[name] ?? m);
}
