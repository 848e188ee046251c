// Camera or <video> frames, one at a time, latest wins: a single-slot mailbox between the
// browser (which produces frames at the camera's rate) and the pipeline (which takes one when
// it is ready). A frame that arrives while one is waiting replaces it, and the replaced frame is
// closed at once, so the queue never grows and the camera never stalls on unreleased frames.
import { InvalidInputError, UnsupportedBrowserError } from '../errors.js';
import { is } from '../media/input.js';

/** What `createVideoLoop` and the verifier watch. */
export type VideoSource = HTMLVideoElement | MediaStream | MediaStreamTrack;

/** One frame taken from the mailbox. The taker owns it: transfer it or call `close()`. */
export interface SourceFrame {
  readonly image: VideoFrame | ImageBitmap;
  /** The frame's own timestamp in ms (capture time, or display time on the page clock), increasing. */
  readonly timestamp: number;
  readonly width: number;
  readonly height: number;
  close(): void;
}

export interface FrameSourceStats {
  /** Frames the browser delivered. */
  received: number;
  /** Frames replaced by a newer one before the pipeline took them (closed unprocessed). */
  dropped: number;
  /** Frames closed unseen while the page was hidden. */
  hiddenDropped: number;
  /** Frames handed to the pipeline. */
  taken: number;
  /** Timestamp (ms) of the newest frame delivered so far. */
  newestTimestamp: number;
  /** Frames waiting in the mailbox: 0 or 1, never more. */
  pending: number;
  /** Which browser path delivers the frames. */
  path: 'track-processor' | 'video-frame-callback';
}

export interface FrameSource {
  /** The next frame newer than the last one taken; null once the source has ended or was closed. */
  next(): Promise<SourceFrame | null>;
  readonly stats: Readonly<FrameSourceStats>;
  /** Stops reading, closes any waiting frame and releases what this source opened. */
  close(): void;
}

type Producer = { stop(): void };

function wrap(image: VideoFrame | ImageBitmap, timestamp: number): SourceFrame {
  const isFrame = is<VideoFrame>(image, 'VideoFrame');
  return {
    image,
    timestamp,
    width: isFrame ? (image as VideoFrame).displayWidth : (image as ImageBitmap).width,
    height: isFrame ? (image as VideoFrame).displayHeight : (image as ImageBitmap).height,
    close: () => image.close(),
  };
}

/**
 * Opens a latest-frame-wins source on a camera track (via `MediaStreamTrackProcessor`, where the
 * browser has it: frames arrive as transferable `VideoFrame`s with no pixel copy on this thread)
 * or on a `<video>` element (`requestVideoFrameCallback`, one `VideoFrame` per presented frame).
 * While the page is hidden, frames are closed unseen (`pauseWhenHidden`).
 */
export function createFrameSource(source: VideoSource, options: { pauseWhenHidden?: boolean } = {}): FrameSource {
  const pauseWhenHidden = options.pauseWhenHidden ?? true;
  const stats: FrameSourceStats = { received: 0, dropped: 0, hiddenDropped: 0, taken: 0, newestTimestamp: -Infinity, pending: 0, path: 'track-processor' };
  let slot: SourceFrame | null = null;
  let ended = false;
  let lastTaken = -Infinity;
  let waiter: ((f: SourceFrame | null) => void) | null = null;
  const doc = (globalThis as { document?: Document }).document;
  const hidden = () => pauseWhenHidden && doc?.visibilityState === 'hidden';

  const deliver = (frame: SourceFrame) => {
    stats.received++;
    if (ended) { frame.close(); return; }
    if (hidden()) { stats.hiddenDropped++; frame.close(); return; }
    // Never go back in time (a stale frame after a newer one).
    if (frame.timestamp <= lastTaken || frame.timestamp <= (slot?.timestamp ?? -Infinity)) { stats.dropped++; frame.close(); return; }
    stats.newestTimestamp = Math.max(stats.newestTimestamp, frame.timestamp);
    if (waiter) {
      const w = waiter;
      waiter = null;
      take(frame);
      w(frame);
      return;
    }
    if (slot) { stats.dropped++; slot.close(); }
    slot = frame;
    stats.pending = 1;
  };
  const take = (frame: SourceFrame) => { stats.taken++; lastTaken = frame.timestamp; };
  /** Closes the waiting frame unseen. */
  const dropSlot = () => {
    slot?.close();
    slot = null;
    stats.pending = 0;
  };
  const end = () => {
    if (ended) return;
    ended = true;
    dropSlot();
    waiter?.(null);
    waiter = null;
  };

  const producer = startProducer(source, deliver, end, stats);

  return {
    stats,
    next() {
      // A frame that arrived before the page was hidden is as stale as the ones after it: only
      // the frame already in flight may still complete while hidden.
      if (slot && hidden()) {
        stats.hiddenDropped++;
        dropSlot();
      }
      if (slot) {
        const f = slot;
        slot = null;
        stats.pending = 0;
        take(f);
        return Promise.resolve(f);
      }
      if (ended) return Promise.resolve(null);
      if (waiter) return Promise.reject(new Error('FrameSource.next() is already waiting'));
      return new Promise((resolve) => { waiter = resolve; });
    },
    close() {
      producer.stop();
      end();
    },
  };
}

function trackOf(source: VideoSource): MediaStreamTrack | undefined {
  if (is<MediaStreamTrack>(source, 'MediaStreamTrack')) return source;
  if (is<MediaStream>(source, 'MediaStream')) return source.getVideoTracks()[0];
  if (is<HTMLVideoElement>(source, 'HTMLVideoElement') && is<MediaStream>(source.srcObject, 'MediaStream')) return source.srcObject.getVideoTracks()[0];
  return undefined;
}

function startProducer(source: VideoSource, deliver: (f: SourceFrame) => void, end: () => void, stats: FrameSourceStats): Producer {
  const isVideo = is<HTMLVideoElement>(source, 'HTMLVideoElement');
  if (!isVideo && !is<MediaStream>(source, 'MediaStream') && !is<MediaStreamTrack>(source, 'MediaStreamTrack')) {
    throw new InvalidInputError('A video source must be an HTMLVideoElement, a MediaStream or a MediaStreamTrack.');
  }
  const track = trackOf(source);
  if (!isVideo && !track) throw new InvalidInputError('The MediaStream has no video track.');
  if (track?.readyState === 'ended') throw new InvalidInputError('The video track has ended (its camera was stopped).');
  const Processor = (globalThis as { MediaStreamTrackProcessor?: new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> } }).MediaStreamTrackProcessor;
  if (track && Processor) {
    stats.path = 'track-processor';
    return fromTrackProcessor(track, Processor, deliver, end);
  }
  stats.path = 'video-frame-callback';
  return fromVideoElement(isVideo ? source : videoFor(track!), !isVideo, deliver, end);
}

function fromTrackProcessor(
  track: MediaStreamTrack,
  Processor: new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> },
  deliver: (f: SourceFrame) => void,
  end: () => void,
): Producer {
  // A clone of our own: stopping it never stops the caller's camera or preview.
  const own = track.clone();
  const reader = new Processor({ track: own, maxBufferSize: 1 }).readable.getReader();
  let stopped = false;
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (stopped) { value.close(); break; }
        deliver(wrap(value, value.timestamp / 1000));
      }
    } catch {
      // The track ended or the reader was cancelled: either way the source is over.
    }
    end();
  })();
  return {
    stop() {
      stopped = true;
      reader.cancel().catch(() => undefined);
      own.stop();
    },
  };
}

/** A muted, invisible <video> playing a camera track, for browsers without MediaStreamTrackProcessor. */
function videoFor(track: MediaStreamTrack): HTMLVideoElement {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) throw new UnsupportedBrowserError('Reading camera frames needs MediaStreamTrackProcessor or a page with <video>.');
  const video = doc.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track.clone()]);
  // Attached (browsers only present frames of rendered videos), but invisible.
  video.style.cssText = 'position:fixed;left:0;top:0;width:2px;height:2px;opacity:0;pointer-events:none';
  doc.body.appendChild(video);
  void video.play().catch(() => undefined);
  return video;
}

function fromVideoElement(video: HTMLVideoElement, owned: boolean, deliver: (f: SourceFrame) => void, end: () => void): Producer {
  if (typeof video.requestVideoFrameCallback !== 'function') {
    throw new UnsupportedBrowserError('This browser has neither MediaStreamTrackProcessor nor HTMLVideoElement.requestVideoFrameCallback; facekit cannot read video frames here.');
  }
  let stopped = false;
  let handle = 0;
  const hasVideoFrame = typeof (globalThis as { VideoFrame?: unknown }).VideoFrame === 'function';
  const onFrame = (now: number, meta: VideoFrameCallbackMetadata) => {
    if (stopped) return;
    handle = video.requestVideoFrameCallback(onFrame);
    if (video.videoWidth === 0) return;
    // The page clock (capture time for a camera, else when the frame is shown): it only grows,
    // where a file's mediaTime starts over when the video loops or is seeked back.
    const timestamp = meta.captureTime ?? meta.expectedDisplayTime ?? now;
    if (hasVideoFrame) {
      // References the decoded frame: no pixel copy here.
      deliver(wrap(new VideoFrame(video, { timestamp: Math.round(timestamp * 1000) }), timestamp));
    } else {
      createImageBitmap(video).then((b) => deliver(wrap(b, timestamp)), () => undefined);
    }
  };
  handle = video.requestVideoFrameCallback(onFrame);
  const onEnded = () => end();
  video.addEventListener('ended', onEnded);
  return {
    stop() {
      stopped = true;
      video.cancelVideoFrameCallback(handle);
      video.removeEventListener('ended', onEnded);
      if (owned) {
        for (const t of (video.srcObject as MediaStream | null)?.getTracks() ?? []) t.stop();
        video.srcObject = null;
        video.remove();
      }
    },
  };
}
