/** What the worker draws from: a decoded bitmap or a camera VideoFrame, with its display size. */
export interface FrameImage {
  readonly source: ImageBitmap | VideoFrame;
  readonly width: number;
  readonly height: number;
}

export function frameImage(source: ImageBitmap | VideoFrame): FrameImage {
  return 'displayWidth' in source
    ? { source, width: source.displayWidth, height: source.displayHeight }
    : { source, width: source.width, height: source.height };
}
