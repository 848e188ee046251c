import { AbortedError } from '../errors.js';

/**
 * `promise`, or an AbortedError as soon as `signal` fires; the listener is removed either way,
 * so one long-lived signal can serve many calls. The work itself is not cancelled (a running
 * ORT session cannot be); its result is dropped.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new AbortedError());
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new AbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
