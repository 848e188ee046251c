import { checkImageSize } from '@facekit/core';
import { InvalidInputError, serializeError, WorkerCrashedError } from '../errors.js';
import type { Reply, WorkerImage } from '../worker/worker-protocol.js';

/** Everything `detect` accepts. */
export type ImageInput =
  | HTMLImageElement
  | HTMLVideoElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | ImageBitmap
  | ImageData
  | VideoFrame
  | Blob;

const ACCEPTED = 'HTMLImageElement, HTMLVideoElement, HTMLCanvasElement, OffscreenCanvas, ImageBitmap, ImageData, VideoFrame or Blob/File';

// Pixels as stored: InsightFace (OpenCV) ignores colour profiles, and so do we.
const BITMAP_OPTIONS: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' };

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] === 'function';
/** `value instanceof globalThis[name]`, false where the browser lacks that class (a worker has no HTMLImageElement). */
export const is = <T>(value: unknown, name: string): value is T =>
  has(name) && value instanceof ((globalThis as unknown as Record<string, new () => T>)[name]!);

function size(input: ImageInput): [number, number, string] {
  if (is<HTMLImageElement>(input, 'HTMLImageElement')) {
    if (!input.complete || input.naturalWidth === 0) {
      return [0, 0, 'The HTMLImageElement has not loaded (or failed to load) its image: await img.decode() before passing it.'];
    }
    return [input.naturalWidth, input.naturalHeight, ''];
  }
  if (is<HTMLVideoElement>(input, 'HTMLVideoElement')) {
    if (input.readyState < 2 || input.videoWidth === 0) {
      return [0, 0, 'The HTMLVideoElement has no current frame yet: wait for its "loadeddata" event.'];
    }
    return [input.videoWidth, input.videoHeight, ''];
  }
  if (is<VideoFrame>(input, 'VideoFrame')) {
    if (input.format === null && input.codedWidth === 0) return [0, 0, 'The VideoFrame is closed.'];
    return [input.displayWidth, input.displayHeight, ''];
  }
  if (is<ImageBitmap>(input, 'ImageBitmap')) {
    return [input.width, input.height, 'The ImageBitmap is 0×0: it is empty or has been closed.'];
  }
  if (is<ImageData>(input, 'ImageData') || is<HTMLCanvasElement>(input, 'HTMLCanvasElement') || is<OffscreenCanvas>(input, 'OffscreenCanvas')) {
    const c = input as { width: number; height: number };
    return [c.width, c.height, `The ${(input as object).constructor.name} is 0×0.`];
  }
  return [-1, -1, ''];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}

/**
 * Turns any accepted input into what crosses to a worker: an ImageBitmap (made here, then
 * transferred) or an encoded Blob (decoded in the worker, off the main thread). The caller's
 * own objects are never detached or closed.
 */
export async function toWorkerImage(input: ImageInput): Promise<WorkerImage> {
  if (is<Blob>(input, 'Blob')) {
    if (input.size === 0) throw new InvalidInputError('The Blob is empty (0 bytes); pass an encoded image (JPEG, PNG, WebP, …).');
    return { kind: 'blob', blob: input };
  }
  const [w, h, problem] = size(input);
  if (w < 0) throw new InvalidInputError(`Unsupported input type ${describe(input)}; pass an ${ACCEPTED}.`);
  if (w === 0 || h === 0) throw new InvalidInputError(problem);
  checkImageSize(w, h, `The ${describe(input)}`);
  const t0 = performance.now();
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(input as ImageBitmapSource, BITMAP_OPTIONS);
  } catch (e) {
    throw new InvalidInputError(`The ${describe(input)} could not be read as an image: ${(e as Error).message}`);
  }
  return { kind: 'bitmap', bitmap, decodeMs: performance.now() - t0 };
}

/** Transferables of a WorkerImage (the bitmap moves; a Blob is shared by reference). */
export function transferablesOf(image: WorkerImage): Transferable[] {
  return image.kind === 'bitmap' ? [image.bitmap] : [];
}

/**
 * Sends a request holding `image` unless the image was already transferred: the pool runs a call
 * again on a new worker when its worker lost the WebGPU device, and a bitmap or VideoFrame handed
 * to the dead worker went with it (posting it again would throw a raw DataCloneError). Such a
 * call fails with WorkerCrashedError instead, which says to call again (a live loop counts the
 * frame as lost and goes on).
 */
export function sendImage<T>(image: WorkerImage, send: () => Promise<Reply<T>>): Promise<Reply<T>> {
  const gone = image.kind === 'bitmap' ? image.bitmap.width === 0 && image.bitmap.height === 0
    : image.kind === 'frame' ? image.frame.format === null && image.frame.codedWidth === 0 : false;
  if (!gone) return send();
  const e = new WorkerCrashedError('The worker lost its WebGPU device, and the image handed to it; call again (on WASM now).');
  return Promise.resolve({ ok: false, error: serializeError(e) });
}
