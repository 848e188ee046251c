// Errors of the live verifier. The base class and the codes live in @facekit/core.
import { FaceKitError, type BlockingHint } from '@facekit/core';

/** A watch (enroll, verify, identify) ran out of time; `hints` says what blocked it, most frequent first. */
export class VerificationTimeoutError extends FaceKitError {
  readonly hints: BlockingHint[];
  readonly timeoutMs: number;
  constructor(timeoutMs: number, hints: BlockingHint[]) {
    const what = hints.length ? hints.map((h) => `${h.code} (${h.frames} frames)`).join(', ') : 'no frames were processed';
    super('TIMEOUT', `No decision within ${timeoutMs} ms; blocked by: ${what}.`);
    this.name = 'VerificationTimeoutError';
    this.hints = hints;
    this.timeoutMs = timeoutMs;
  }
}

/** Enrollment saw enough good frames, but passive liveness says they show a presentation attack (photo, screen). Nothing was stored. */
export class LivenessError extends FaceKitError {
  readonly score: number;
  readonly threshold: number;
  /** `outcome`: what did not happen because of it (enroll: 'Nothing was enrolled.'). */
  constructor(score: number, threshold: number, outcome = 'Nothing was enrolled.') {
    super('NOT_LIVE', `The face did not pass the liveness check (score ${score.toFixed(3)} < ${threshold}); it looks like a photo or a screen. ${outcome}`);
    this.name = 'LivenessError';
    this.score = score;
    this.threshold = threshold;
  }
}

/** `verify` was asked about an id that has no enrollment. */
export class NotEnrolledError extends FaceKitError {
  readonly id: string;
  constructor(id: string) {
    super('NOT_ENROLLED', `Nobody is enrolled as "${id}". Call enroll(source, { id }) first (list() shows who is).`);
    this.name = 'NotEnrolledError';
    this.id = id;
  }
}
