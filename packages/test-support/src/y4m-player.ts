// A y4m file played as a live camera track inside a page: a MediaStreamTrackGenerator fed the
// file's I420 frames at the file's rate, looping (the bytes Chromium's fake camera would deliver,
// without relaunching the browser for each file). For the eval scripts, which play many files in
// one page; the e2e tests use the real fake camera.
import type { Page } from '@playwright/test';

/** What `window.playY4m(url)` returns in the page. */
export interface PagePlayer {
  track: MediaStreamTrack;
  /** Frames written so far. */
  readonly written: number;
  stop(): void;
}

/** Defines `window.playY4m(url): Promise<PagePlayer>` in the page (Chromium only: it needs MediaStreamTrackGenerator). */
export async function installY4mPlayer(page: Page): Promise<void> {
  // tsx keeps function names with a `__name` helper, which the page does not have.
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    w.playY4m = async (url: string) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const headerEnd = bytes.indexOf(0x0a);
      const header = new TextDecoder().decode(bytes.subarray(0, headerEnd)).split(' ');
      const tag = (c: string) => header.find((t) => t.startsWith(c))!.slice(1);
      const width = Number(tag('W')), height = Number(tag('H'));
      const [num, den] = tag('F').split(':').map(Number);
      const frameBytes = width * height * 1.5;
      const frames: Uint8Array[] = [];
      for (let p = headerEnd + 1; p < bytes.length;) {
        const data = bytes.indexOf(0x0a, p) + 1;
        frames.push(bytes.subarray(data, data + frameBytes));
        p = data + frameBytes;
      }
      const Generator = (window as unknown as { MediaStreamTrackGenerator: new (o: { kind: string }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> } }).MediaStreamTrackGenerator;
      const track = new Generator({ kind: 'video' });
      const writer = track.writable.getWriter();
      const period = 1000 / (num! / (den ?? 1));
      const t0 = performance.now();
      let i = 0, stopped = false;
      const tick = () => {
        if (stopped) return;
        const frame = new VideoFrame(frames[i % frames.length]!, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: Math.round(i * period * 1000) });
        writer.write(frame).catch(() => frame.close());
        i++;
        setTimeout(tick, Math.max(0, t0 + i * period - performance.now()));
      };
      tick();
      return { track, get written() { return i; }, stop: () => { stopped = true; track.stop(); writer.close().catch(() => undefined); } };
    };
  });
}
