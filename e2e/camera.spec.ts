// The camera helper's typed errors and the video loop's lifecycle, in real Chromium.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { openCameraPage } from './fake-camera.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PORT } from '@facekit/test-support/config';
import { openHarness } from './harness-page.js';
import { makeStream } from '@facekit/test-support/streams';

test('no camera: openCamera rejects with NoCameraError, listCameras is empty', async ({ page }) => {
  // The default test browser has no fake device: this machine has no camera.
  await openHarness(page);
  const r = await page.evaluate(async () => {
    const cams = await window.facekit.listCameras();
    try {
      await window.facekit.openCamera();
      return { cams, error: null };
    } catch (e) {
      const err = e as InstanceType<typeof window.facekit.FaceKitError>;
      return { cams, error: { name: err.name, code: err.code, message: err.message, isFaceKit: e instanceof window.facekit.FaceKitError } };
    }
  });
  expect(r.cams).toEqual([]);
  expect(r.error).toMatchObject({ name: 'NoCameraError', code: 'NO_CAMERA', isFaceKit: true });
});

test('camera denied: openCamera rejects with CameraDeniedError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'facekit-denied-'));
  // A camera exists, but nobody grants it (no fake-ui flag, no permission): the prompt is dismissed.
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH, headless: true, baseURL: `http://127.0.0.1:${PORT}`,
    args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--deny-permission-prompts'],
  });
  try {
    const page = context.pages()[0] ?? await context.newPage();
    await openHarness(page);
    const r = await page.evaluate(async () => {
      try {
        await window.facekit.openCamera();
        return null;
      } catch (e) {
        const err = e as InstanceType<typeof window.facekit.FaceKitError>;
        return { name: err.name, code: err.code, message: err.message };
      }
    });
    expect(r).toMatchObject({ name: 'CameraDeniedError', code: 'CAMERA_DENIED' });
    expect(r!.message).toMatch(/Allow the camera/);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('video loop lifecycle: frames flow, pause while hidden, stop() ends it and the camera is still usable; bad sources are typed errors', async () => {
  test.setTimeout(120_000);
  const cam = await openCameraPage(makeStream({ kind: 'still', image: 'images/ppu_uniface/image-kevin1.png' }));
  try {
    const r = await cam.page.evaluate(async () => {
      const kit = await window.facekit.createFaceKit();
      const camera = await window.facekit.openCamera();
      const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));
      let processed = 0;
      const loop = await kit.createVideoLoop(camera.stream, { onFrame: () => { processed++; } });
      const info = { path: loop.stats.path, cameras: (await window.facekit.listCameras()).length };
      while (processed < 3) await wait(50);
      // Hidden page: the loop stops taking frames and closes them unseen.
      const setVisibility = (state: string) => {
        Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      };
      setVisibility('hidden');
      // Only the frame already in flight may still complete (however long a loaded machine takes).
      const atHide = processed;
      await wait(1900);
      const whileHidden = processed - atHide;
      const hiddenDropped = loop.stats.hiddenDropped;
      setVisibility('visible');
      const atShow = processed;
      while (processed < atShow + 3) await wait(50);
      const stats = await loop.stop();
      const afterStop = processed;
      await wait(500);
      const errors: string[] = [];
      for (const bad of [null, 'camera', document.createElement('canvas')]) {
        try {
          await kit.createVideoLoop(bad as unknown as MediaStream);
        } catch (e) {
          errors.push(`${(e as Error).name}: ${(e as Error).message}`);
        }
      }
      // Our camera track is untouched by the loop's own clone being stopped.
      const trackState = camera.track.readyState;
      camera.stop();
      await kit.dispose();
      return { info, whileHidden, hiddenDropped, stats, afterStop, processedLater: processed, errors, trackState, running: loop.running };
    });
    console.log(`loop: path ${r.info.path}, ${r.stats.processed} processed, ${r.stats.received} received, ${r.hiddenDropped} closed unseen while hidden`);
    expect(r.info.path).toBe('track-processor');
    expect(r.info.cameras).toBe(1);
    expect(r.whileHidden).toBeLessThanOrEqual(1);
    expect(r.hiddenDropped).toBeGreaterThan(5);
    expect(r.processedLater).toBe(r.afterStop);
    expect(r.running).toBe(false);
    expect(r.stats.pending).toBe(0);
    expect(r.trackState).toBe('live');
    expect(r.errors).toHaveLength(3);
    for (const e of r.errors) expect(e).toMatch(/^InvalidInputError: A video source must be/);
  } finally {
    await cam.close();
  }
});

test('a looping <video> file is read through requestVideoFrameCallback (the path of browsers without MediaStreamTrackProcessor), across its loop', async () => {
  test.setTimeout(120_000);
  const cam = await openCameraPage(makeStream({ kind: 'still', image: 'images/ppu_uniface/image-kevin1.png' }));
  try {
    const r = await cam.page.evaluate(async () => {
      // A real video file: 1 s of the camera recorded with MediaRecorder (WebM), played in a loop from a blob URL.
      const camera = await window.facekit.openCamera({ width: 640, height: 480 });
      const rec = new MediaRecorder(camera.stream, { mimeType: 'video/webm' });
      const chunks: Blob[] = [];
      rec.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((res) => { rec.onstop = res; });
      rec.start();
      await new Promise((res) => setTimeout(res, 1000));
      rec.stop();
      await stopped;
      camera.stop();
      const video = document.createElement('video');
      video.muted = true;
      video.loop = true;
      video.src = URL.createObjectURL(new Blob(chunks, { type: 'video/webm' }));
      document.body.appendChild(video);
      await video.play();
      const kit = await window.facekit.createFaceKit();
      const ts: number[] = [];
      // Where the file's playback was at each result: it falls back when the file starts over.
      const playedTo: number[] = [];
      let faces = 0;
      const ac = new AbortController();
      const loop = await kit.createVideoLoop(video, {
        signal: ac.signal,
        onFrame: (f) => { ts.push(f.timestamp); playedTo.push(video.currentTime); faces += f.faces.length; if (ts.length >= 25) ac.abort(); },
      });
      const stats = await loop.done.catch(() => loop.stats);
      video.pause();
      await kit.dispose();
      return { path: stats.path, ts, playedTo, faces, received: stats.received, seconds: (ts.at(-1)! - ts[0]!) / 1000 };
    });
    console.log(`<video> file: path ${r.path}, ${r.ts.length} frames processed of ${r.received} presented over ${r.seconds.toFixed(1)} s, ${r.faces} faces`);
    expect(r.path).toBe('video-frame-callback');
    expect(r.ts).toHaveLength(25);
    // Past the end of the 1 s file: it looped (playback fell back) while results went on.
    expect(r.playedTo.some((t, i) => i > 0 && t < r.playedTo[i - 1]!), JSON.stringify(r.playedTo)).toBe(true);
    for (let i = 1; i < r.ts.length; i++) expect(r.ts[i]!).toBeGreaterThan(r.ts[i - 1]!);
    expect(r.faces).toBe(25);
  } finally {
    await cam.close();
  }
});
