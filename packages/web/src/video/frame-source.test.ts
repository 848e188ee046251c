// The frame mailbox over hand-written fakes of the browser classes it recognises by name
// (MediaStreamTrack, MediaStream, HTMLVideoElement, VideoFrame, MediaStreamTrackProcessor,
// document): the test decides when frames arrive and checks which ones the pipeline sees,
// which are closed, and what the source releases.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidInputError, UnsupportedBrowserError } from '../errors.js';
import { createFrameSource, type FrameSource, type SourceFrame } from './frame-source.js';

class FakeTrack {
  readyState: 'live' | 'ended' = 'live';
  readonly clones: FakeTrack[] = [];
  constructor(readonly label = 'camera') {}
  clone(): FakeTrack {
    const c = new FakeTrack(`${this.label} clone`);
    this.clones.push(c);
    return c;
  }
  stop(): void { this.readyState = 'ended'; }
}

class FakeStream {
  constructor(readonly tracks: FakeTrack[] = []) {}
  getVideoTracks(): FakeTrack[] { return this.tracks; }
  getTracks(): FakeTrack[] { return this.tracks; }
}

class FakeVideoFrame {
  closed = false;
  readonly timestamp: number;
  readonly displayWidth: number;
  readonly displayHeight: number;
  /** `source`: what it was made from (the <video> on the callback path). */
  constructor(readonly source: unknown, init: { timestamp: number; width?: number; height?: number }) {
    this.timestamp = init.timestamp;
    this.displayWidth = init.width ?? 640;
    this.displayHeight = init.height ?? 480;
  }
  close(): void { this.closed = true; }
}

/** A camera frame as MediaStreamTrackProcessor hands it out: timestamp in microseconds. */
const cameraFrame = (ms: number) => new FakeVideoFrame(null, { timestamp: ms * 1000 });

/** MediaStreamTrackProcessor whose readable the test feeds. */
class FakeProcessor {
  static last: FakeProcessor | undefined;
  readonly readable: ReadableStream<FakeVideoFrame>;
  controller!: ReadableStreamDefaultController<FakeVideoFrame>;
  cancelled = false;
  constructor(readonly init: { track: FakeTrack; maxBufferSize?: number }) {
    this.readable = new ReadableStream<FakeVideoFrame>({
      start: (c) => { this.controller = c; },
      cancel: () => { this.cancelled = true; },
    }, { highWaterMark: 0 });
    FakeProcessor.last = this;
  }
}

class FakeVideo {
  videoWidth = 640;
  srcObject: FakeStream | null = null;
  muted = false;
  playsInline = false;
  style = { cssText: '' };
  removed = false;
  played = false;
  private nextHandle = 1;
  /** The pending frame callback, as the browser holds it until the next presented frame. */
  pending: { handle: number; cb: (now: number, meta: Partial<VideoFrameCallbackMetadata>) => void } | undefined;
  readonly cancelled: number[] = [];
  readonly listeners = new Map<string, Set<() => void>>();

  requestVideoFrameCallback(cb: (now: number, meta: Partial<VideoFrameCallbackMetadata>) => void): number {
    this.pending = { handle: this.nextHandle++, cb };
    return this.pending.handle;
  }
  cancelVideoFrameCallback(handle: number): void {
    this.cancelled.push(handle);
    if (this.pending?.handle === handle) this.pending = undefined;
  }
  addEventListener(type: string, l: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
  }
  removeEventListener(type: string, l: () => void): void { this.listeners.get(type)?.delete(l); }
  dispatch(type: string): void { for (const l of [...(this.listeners.get(type) ?? [])]) l(); }
  play(): Promise<void> { this.played = true; return Promise.resolve(); }
  remove(): void { this.removed = true; }

  /** The browser presents a frame: runs the pending callback once. */
  present(meta: Partial<VideoFrameCallbackMetadata>, now = 0): void {
    const p = this.pending;
    if (!p) throw new Error('no frame callback pending');
    this.pending = undefined;
    p.cb(now, meta);
  }
}

/** A minimal `document`: visibility, and a body that <video> elements are appended to. */
function fakeDocument() {
  const appended: FakeVideo[] = [];
  const created: FakeVideo[] = [];
  const doc = {
    visibilityState: 'visible' as DocumentVisibilityState,
    createElement: (tag: string) => {
      if (tag !== 'video') throw new Error(`unexpected <${tag}>`);
      const v = new FakeVideo();
      created.push(v);
      return v;
    },
    body: { appendChild: (v: FakeVideo) => { appended.push(v); return v; } },
  };
  return { doc, appended, created };
}

/** Runs pending promise callbacks and stream reads. */
const flush = async () => { for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r)); };

/** The browser has everything: MediaStreamTrackProcessor and VideoFrame. */
function modernBrowser() {
  vi.stubGlobal('MediaStreamTrack', FakeTrack);
  vi.stubGlobal('MediaStream', FakeStream);
  vi.stubGlobal('HTMLVideoElement', FakeVideo);
  vi.stubGlobal('VideoFrame', FakeVideoFrame);
  vi.stubGlobal('MediaStreamTrackProcessor', FakeProcessor);
}

const asSource = (x: FakeTrack | FakeStream | FakeVideo) => x as unknown as MediaStreamTrack;

let sources: FrameSource[] = [];
const open = (x: FakeTrack | FakeStream | FakeVideo, options?: { pauseWhenHidden?: boolean }) => {
  const s = createFrameSource(asSource(x), options);
  sources.push(s);
  return s;
};

beforeEach(() => { FakeProcessor.last = undefined; });
afterEach(() => {
  for (const s of sources) s.close();
  sources = [];
  vi.unstubAllGlobals();
});

describe('createFrameSource: bad sources', () => {
  beforeEach(modernBrowser);

  it('refuses what is not a video, stream or track', () => {
    expect(() => open({} as FakeTrack)).toThrow(InvalidInputError);
    expect(() => open({} as FakeTrack)).toThrow('A video source must be an HTMLVideoElement, a MediaStream or a MediaStreamTrack.');
  });

  it('refuses a stream without a video track', () => {
    expect(() => open(new FakeStream([]))).toThrow(new InvalidInputError('The MediaStream has no video track.'));
  });

  it('refuses an ended track, alone, in a stream or behind a <video>', () => {
    const track = new FakeTrack();
    track.stop();
    const video = new FakeVideo();
    video.srcObject = new FakeStream([track]);
    for (const source of [track, new FakeStream([track]), video]) {
      expect(() => open(source)).toThrow(new InvalidInputError('The video track has ended (its camera was stopped).'));
    }
  });

  it('says so when the browser can read no frames from a <video>', () => {
    vi.stubGlobal('MediaStreamTrackProcessor', undefined);
    const video = new FakeVideo();
    Object.defineProperty(video, 'requestVideoFrameCallback', { value: undefined });
    expect(() => open(video)).toThrow(UnsupportedBrowserError);
    expect(() => open(video)).toThrow(/neither MediaStreamTrackProcessor nor HTMLVideoElement.requestVideoFrameCallback/);
  });

  it('says so when a bare track needs a <video> but there is no document (a worker without MediaStreamTrackProcessor)', () => {
    vi.stubGlobal('MediaStreamTrackProcessor', undefined);
    vi.stubGlobal('document', undefined);
    expect(() => open(new FakeTrack())).toThrow(UnsupportedBrowserError);
  });
});

describe('createFrameSource: MediaStreamTrackProcessor path', () => {
  beforeEach(modernBrowser);

  it("reads a clone of the caller's track, one buffered frame at most", () => {
    const track = new FakeTrack();
    const frames = open(new FakeStream([track]));
    expect(frames.stats.path).toBe('track-processor');
    expect(FakeProcessor.last!.init.track).toBe(track.clones[0]);
    expect(FakeProcessor.last!.init.maxBufferSize).toBe(1);
  });

  it("reads the track behind a <video>'s srcObject", () => {
    const track = new FakeTrack();
    const video = new FakeVideo();
    video.srcObject = new FakeStream([track]);
    const frames = open(video);
    expect(frames.stats.path).toBe('track-processor');
    expect(FakeProcessor.last!.init.track).toBe(track.clones[0]);
    expect(video.pending).toBeUndefined();
  });

  it('hands a waiting taker the next frame, in milliseconds, with its size', async () => {
    const frames = open(new FakeTrack());
    const next = frames.next();
    const f = new FakeVideoFrame(null, { timestamp: 1_500_000, width: 1280, height: 720 });
    FakeProcessor.last!.controller.enqueue(f);
    const got = (await next)!;
    expect(got.image).toBe(f);
    expect(got).toMatchObject({ timestamp: 1500, width: 1280, height: 720 });
    expect(frames.stats).toMatchObject({ received: 1, taken: 1, dropped: 0, pending: 0, newestTimestamp: 1500 });
    got.close();
    expect(f.closed).toBe(true);
  });

  it('keeps only the latest frame and closes the ones it replaces', async () => {
    const frames = open(new FakeTrack());
    const sent = [10, 20, 30].map(cameraFrame);
    for (const f of sent) FakeProcessor.last!.controller.enqueue(f);
    await flush();
    expect(frames.stats).toMatchObject({ received: 3, dropped: 2, pending: 1, taken: 0, newestTimestamp: 30 });
    // The camera never stalls on frames nobody will read.
    expect(sent.map((f) => f.closed)).toEqual([true, true, false]);
    const got = await frames.next();
    expect(got!.image).toBe(sent[2]);
    expect(frames.stats).toMatchObject({ pending: 0, taken: 1 });
  });

  it('never goes back in time: a frame older than the last taken or the waiting one is closed', async () => {
    const frames = open(new FakeTrack());
    const c = FakeProcessor.last!.controller;
    c.enqueue(cameraFrame(50));
    await flush();
    expect((await frames.next())!.timestamp).toBe(50);
    // Older than, or as old as, the frame taken last.
    const older = cameraFrame(40), same = cameraFrame(50);
    for (const f of [older, same]) c.enqueue(f);
    await flush();
    expect([older.closed, same.closed]).toEqual([true, true]);
    expect(frames.stats).toMatchObject({ received: 3, dropped: 2, pending: 0 });
    // Older than the frame waiting in the slot.
    const newer = cameraFrame(60), stale = cameraFrame(55), twin = cameraFrame(60);
    for (const f of [newer, stale, twin]) c.enqueue(f);
    await flush();
    expect([newer.closed, stale.closed, twin.closed]).toEqual([false, true, true]);
    expect(frames.stats).toMatchObject({ received: 6, dropped: 4, pending: 1 });
    expect((await frames.next())!.image).toBe(newer);
  });

  it('refuses a second taker while one waits', async () => {
    const frames = open(new FakeTrack());
    const first = frames.next();
    await expect(frames.next()).rejects.toThrow('FrameSource.next() is already waiting');
    FakeProcessor.last!.controller.enqueue(cameraFrame(1));
    expect((await first)!.timestamp).toBe(1);
  });

  it('ends with null when the track ends (the stream closes), and closes the waiting frame', async () => {
    const frames = open(new FakeTrack());
    const slotted = cameraFrame(1);
    FakeProcessor.last!.controller.enqueue(slotted);
    await flush();
    expect(frames.stats.pending).toBe(1);
    FakeProcessor.last!.controller.close();
    await flush();
    expect(slotted.closed).toBe(true);
    expect(frames.stats.pending).toBe(0);
    expect(await frames.next()).toBeNull();
    expect(await frames.next()).toBeNull();
  });

  it('wakes a waiting taker with null when the stream fails', async () => {
    const frames = open(new FakeTrack());
    const next = frames.next();
    FakeProcessor.last!.controller.error(new Error('track ended'));
    expect(await next).toBeNull();
  });

  it("close() stops its own clone, not the caller's camera, and releases everything", async () => {
    const track = new FakeTrack();
    const frames = open(track);
    const processor = FakeProcessor.last!;
    const slotted = cameraFrame(1);
    processor.controller.enqueue(slotted);
    await flush();
    frames.close();
    expect(slotted.closed).toBe(true);
    expect(track.clones[0]!.readyState).toBe('ended');
    expect(track.readyState).toBe('live');
    await flush();
    expect(processor.cancelled).toBe(true);
    expect(await frames.next()).toBeNull();
    expect(frames.stats.pending).toBe(0);
  });

  it('close() wakes a waiting taker with null', async () => {
    const frames = open(new FakeTrack());
    const next = frames.next();
    frames.close();
    expect(await next).toBeNull();
  });
});

describe('createFrameSource: hidden page', () => {
  let page: ReturnType<typeof fakeDocument>;
  beforeEach(() => {
    modernBrowser();
    page = fakeDocument();
    vi.stubGlobal('document', page.doc);
  });

  it('closes frames unseen while the page is hidden', async () => {
    const frames = open(new FakeTrack());
    page.doc.visibilityState = 'hidden';
    const f = cameraFrame(1);
    FakeProcessor.last!.controller.enqueue(f);
    await flush();
    expect(f.closed).toBe(true);
    expect(frames.stats).toMatchObject({ received: 1, hiddenDropped: 1, pending: 0, newestTimestamp: -Infinity });
    page.doc.visibilityState = 'visible';
    const g = cameraFrame(2);
    FakeProcessor.last!.controller.enqueue(g);
    await flush();
    expect((await frames.next())!.image).toBe(g);
  });

  it('drops the frame that waited from before the page hid, at the next take', async () => {
    const frames = open(new FakeTrack());
    const before = cameraFrame(1);
    FakeProcessor.last!.controller.enqueue(before);
    await flush();
    page.doc.visibilityState = 'hidden';
    const next = frames.next();
    expect(before.closed).toBe(true);
    expect(frames.stats).toMatchObject({ hiddenDropped: 1, pending: 0, taken: 0 });
    page.doc.visibilityState = 'visible';
    FakeProcessor.last!.controller.enqueue(cameraFrame(2));
    expect((await next)!.timestamp).toBe(2);
  });

  it('keeps frames while hidden with pauseWhenHidden: false', async () => {
    const frames = open(new FakeTrack(), { pauseWhenHidden: false });
    page.doc.visibilityState = 'hidden';
    FakeProcessor.last!.controller.enqueue(cameraFrame(1));
    await flush();
    expect((await frames.next())!.timestamp).toBe(1);
    expect(frames.stats.hiddenDropped).toBe(0);
  });
});

describe('createFrameSource: requestVideoFrameCallback path', () => {
  beforeEach(() => {
    modernBrowser();
    vi.stubGlobal('MediaStreamTrackProcessor', undefined);
  });

  it("wraps each presented frame of the caller's <video>, on the page clock", async () => {
    const video = new FakeVideo();
    const frames = open(video);
    expect(frames.stats.path).toBe('video-frame-callback');
    const next = frames.next();
    video.present({ captureTime: 1000.4, expectedDisplayTime: 1016 }, 1010);
    const got = (await next)! as SourceFrame & { image: FakeVideoFrame };
    // Capture time first; the VideoFrame's own timestamp is in microseconds.
    expect(got.timestamp).toBe(1000.4);
    expect(got.image.source).toBe(video);
    expect(got.image.timestamp).toBe(1_000_400);
    // Without a capture time: the display time, then the callback's `now`.
    video.present({ expectedDisplayTime: 2000 }, 1990);
    expect((await frames.next())!.timestamp).toBe(2000);
    video.present({}, 3000);
    expect((await frames.next())!.timestamp).toBe(3000);
  });

  it('asks for the next frame each time, and skips frames before the video has a size', async () => {
    const video = new FakeVideo();
    video.videoWidth = 0;
    const frames = open(video);
    video.present({ expectedDisplayTime: 1 });
    expect(video.pending).toBeDefined();
    expect(frames.stats.received).toBe(0);
    video.videoWidth = 640;
    video.present({ expectedDisplayTime: 2 });
    expect(frames.stats.received).toBe(1);
    expect(video.pending).toBeDefined();
  });

  it("ends on the video's 'ended' event", async () => {
    const video = new FakeVideo();
    const frames = open(video);
    const next = frames.next();
    video.dispatch('ended');
    expect(await next).toBeNull();
  });

  it("close() cancels the pending callback and leaves the caller's <video> alone", () => {
    const track = new FakeTrack();
    const video = new FakeVideo();
    video.srcObject = new FakeStream([track]);
    const frames = open(video);
    video.present({ expectedDisplayTime: 1 });
    const handle = video.pending!.handle;
    frames.close();
    expect(video.cancelled).toEqual([handle]);
    expect(video.listeners.get('ended')?.size ?? 0).toBe(0);
    expect(video.srcObject).not.toBeNull();
    expect(video.removed).toBe(false);
    expect(track.readyState).toBe('live');
  });

  it('ignores a frame callback that fires after close()', async () => {
    const video = new FakeVideo();
    const frames = open(video);
    const pending = video.pending!;
    frames.close();
    pending.cb(0, { expectedDisplayTime: 5 });
    expect(frames.stats.received).toBe(0);
    expect(video.pending).toBeUndefined();
  });

  it('uses createImageBitmap where there is no VideoFrame', async () => {
    vi.stubGlobal('VideoFrame', undefined);
    const bitmap = { width: 320, height: 240, closed: false, close() { this.closed = true; } };
    const createImageBitmap = vi.fn(async () => bitmap);
    vi.stubGlobal('createImageBitmap', createImageBitmap);
    const video = new FakeVideo();
    const frames = open(video);
    video.present({ expectedDisplayTime: 7 });
    const got = (await frames.next())!;
    expect(createImageBitmap).toHaveBeenCalledWith(video);
    expect(got).toMatchObject({ image: bitmap, timestamp: 7, width: 320, height: 240 });
    got.close();
    expect(bitmap.closed).toBe(true);
  });

  it('plays a bare track in a hidden <video> of its own, and removes it on close()', async () => {
    const page = fakeDocument();
    vi.stubGlobal('document', page.doc);
    const track = new FakeTrack();
    const frames = open(track);
    const video = page.created[0]!;
    expect(page.appended).toEqual([video]);
    expect(video).toMatchObject({ muted: true, playsInline: true, played: true });
    expect(video.style.cssText).toContain('opacity:0');
    // Its own clone: the caller's preview keeps running.
    expect(video.srcObject!.getTracks()).toEqual([track.clones[0]]);
    video.present({ captureTime: 3 });
    expect((await frames.next())!.timestamp).toBe(3);
    frames.close();
    expect(track.clones[0]!.readyState).toBe('ended');
    expect(track.readyState).toBe('live');
    expect(video.srcObject).toBeNull();
    expect(video.removed).toBe(true);
  });
});
