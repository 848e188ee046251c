// A request body, read up to a limit and within a time: a declared Content-Length over the limit
// is refused before a byte is read, a body that streams past it (chunked, or lying) is cut off
// there, and a body that has not all arrived within `timeoutMs` is given up on, so a client that
// trickles its upload cannot hold a slot of the server for long.
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is over the limit of ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

export class BodyTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The request body did not arrive within ${timeoutMs / 1000} s.`);
    this.name = 'BodyTimeoutError';
  }
}

/**
 * The body, or a typed error. On an error the request is paused, not destroyed, so the caller can
 * still answer (413, 408) before it closes the connection.
 */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const refuse = (e: Error): void => { stop(); req.pause(); fail(e); };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) return refuse(new BodyTooLargeError(limit));
      chunks.push(chunk);
    };
    const onEnd = (): void => { stop(); done(Buffer.concat(chunks, size)); };
    const onError = (e: Error): void => { stop(); fail(e); };
    const timer = setTimeout(() => refuse(new BodyTimeoutError(timeoutMs)), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
