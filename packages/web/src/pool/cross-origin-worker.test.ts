import { describe, expect, it } from 'vitest';
import { startThroughBlob, startWorker } from './cross-origin-worker.js';

/** A stand-in Worker that records how it was made and lets the test fire its events. */
function fakeMaker() {
  const made: { url: string; options: WorkerOptions; target: EventTarget }[] = [];
  const make = (url: string | URL, options: WorkerOptions) => {
    const target = new EventTarget();
    made.push({ url: String(url), options, target });
    return target as unknown as Worker;
  };
  return { made, make };
}

const CDN = new URL('https://cdn.example/npm/facekit@0.1.0/dist/worker.js');
const refused = () => { throw new DOMException("Script at 'https://cdn.example/…' cannot be accessed from origin 'https://app.example'.", 'SecurityError'); };

describe('startWorker', () => {
  it('uses the direct worker when the browser allows it', () => {
    const { made, make } = fakeMaker();
    const direct = new EventTarget() as unknown as Worker;
    expect(startWorker(() => direct, () => CDN, {}, make)).toBe(direct);
    expect(made).toEqual([]);
  });

  it('when the browser refuses a cross-origin script, starts it through a same-origin Blob that imports it, freed once the worker answers', async () => {
    const { made, make } = fakeMaker();
    startWorker(refused, () => CDN, { name: 'facekit' }, make);
    const [m] = made;
    expect(m!.url.startsWith('blob:')).toBe(true);
    expect(m!.options).toEqual({ name: 'facekit', type: 'module' });
    expect(await (await fetch(m!.url)).text()).toBe('import "https://cdn.example/npm/facekit@0.1.0/dist/worker.js";\n');
    m!.target.dispatchEvent(new Event('message'));
    await expect(fetch(m!.url)).rejects.toThrow();
  });

  it('passes on any other failure', () => {
    const { make } = fakeMaker();
    expect(() => startWorker(() => { throw new TypeError('bad options'); }, () => CDN, {}, make)).toThrow(TypeError);
  });

  it('frees the Blob on an error too', async () => {
    const { made, make } = fakeMaker();
    startThroughBlob(CDN, {}, make);
    made[0]!.target.dispatchEvent(new Event('error'));
    await expect(fetch(made[0]!.url)).rejects.toThrow();
  });
});
