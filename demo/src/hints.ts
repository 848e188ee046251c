// Plain sentences for what facekit reports: hint codes (quality gate, liveness, progress) and errors.
import { DEFAULT_HINT_MESSAGES, FaceKitError, LivenessError, NotEnrolledError, VerificationTimeoutError, type VerifierHint } from 'facekit';

const HINTS: Readonly<Record<VerifierHint, string>> = DEFAULT_HINT_MESSAGES;

/** The sentence for a hint code; `null` (a good frame) reads as ready. Unknown codes are shown as they are. */
export function hintSentence(code: string | null): string {
  if (code === null) return 'Good. Ready when you are.';
  return (HINTS as Record<string, string>)[code] ?? `(${code})`;
}

/** What blocked a timed-out enroll / verify, as one sentence listing the hints, most frequent first. */
function timeoutSentence(e: VerificationTimeoutError): string {
  const seconds = Math.round(e.timeoutMs / 1000);
  if (e.hints.length === 0) return `Gave up after ${seconds} s: no camera frames were processed.`;
  const what = e.hints.slice(0, 4).map((h) => `“${hintSentence(h.code).replace(/[.…]$/, '')}” (${h.frames} frame${h.frames === 1 ? '' : 's'})`);
  return `Gave up after ${seconds} s. What got in the way: ${what.join(', ')}.`;
}

/** One plain sentence for any error a page can meet. */
export function errorSentence(e: unknown): string {
  if (e instanceof VerificationTimeoutError) return timeoutSentence(e);
  if (e instanceof LivenessError) {
    return `This does not look like a live face (liveness ${e.score.toFixed(2)}, needs ${e.threshold.toFixed(2)}): a photo or a screen? Nothing was enrolled.`;
  }
  if (e instanceof NotEnrolledError) return `Nobody is enrolled as “${e.id}”. Enroll first.`;
  if (!(e instanceof FaceKitError)) return `Something went wrong: ${e instanceof Error ? e.message : String(e)}`;
  switch (e.code) {
    case 'CAMERA_DENIED': return 'Camera access was denied. Allow the camera for this site (address bar → site settings), then try again.';
    case 'NO_CAMERA': return 'No camera was found. Connect a camera, then try again.';
    case 'CAMERA_IN_USE': return 'The camera is busy: another app or tab is probably using it. Close it, then try again.';
    case 'UNSUPPORTED_BROWSER': return `This browser cannot run the demo: ${e.message} Try a recent Chrome, Edge, Firefox or Safari.`;
    case 'MODEL_FETCH': return 'The face models could not be downloaded. Check the connection, then reload the page.';
    case 'MODEL_INTEGRITY': return 'A downloaded face model was damaged, so it was not used. Reload the page to download it again.';
    case 'BACKEND': return `The browser could not start the face engine: ${e.message}`;
    case 'WORKER_CRASHED': return 'The face engine stopped unexpectedly (out of memory?). Try again.';
    case 'ABORTED': return 'Cancelled.';
    case 'TIMEOUT': return 'Gave up: no decision in time.';
    case 'NOT_LIVE': return 'This does not look like a live face (a photo or a screen?).';
    case 'NOT_ENROLLED': return 'Nobody is enrolled under that name. Enroll first.';
    case 'INVALID_INPUT': return `That image cannot be read: ${e.message}`;
    default: return e.message;
  }
}
