// Page-side helpers shared by human.html and face-api.html: the frame, the timed loop and
// what the tfjs wasm backend reports about itself. Plain JS: it runs as served, unbundled.

/** Decodes the frame once into a canvas that every call then receives. */
export async function loadFrame(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`frame ${url}: HTTP ${res.status}`);
  const bitmap = await createImageBitmap(await res.blob());
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  // Both libraries read the pixels back on every call (tf.browser.fromPixels): a CPU-backed
  // canvas makes that a copy instead of a GPU readback, for both alike.
  canvas.getContext('2d', { willReadFrequently: true }).drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

/** A real embedding is finite and not all zeros (a failed crop can give either). */
export function assertUsableVector(name, v) {
  let sq = 0;
  for (const x of v) { if (!Number.isFinite(x)) throw new Error(`${name}: embedding has a non-finite value`); sq += x * x; }
  if (sq === 0) throw new Error(`${name}: embedding is all zeros`);
}

/** The backend actually active and how the wasm module was started. */
export async function wasmFacts(tf) {
  let threadsUsed = null;
  // getThreadsCount throws until the wasm backend is initialised (and does not exist elsewhere).
  try { threadsUsed = typeof tf.getThreadsCount === 'function' ? tf.getThreadsCount() : null; } catch { threadsUsed = null; }
  const flag = async (name) => { try { return Boolean(await tf.env().getAsync(name)); } catch { return undefined; } };
  return {
    backend: tf.getBackend(),
    threadsUsed,
    simd: await flag('WASM_HAS_SIMD_SUPPORT'),
    multithread: await flag('WASM_HAS_MULTITHREAD_SUPPORT'),
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    tfVersion: tf.version?.['tfjs-core'] ?? null,
  };
}

/**
 * Calls `call` `warmup` times untimed (the first call's result included, already checked by
 * the caller), then `runs` times timed. Only `call` is inside the timed span; `check` and the
 * progress report run between calls.
 */
export async function timeCalls({ call, check, warmup, runs, label }) {
  const progress = async (text) => { if (typeof window.benchProgress === 'function') await window.benchProgress(`${label}: ${text}`); };
  for (let i = 0; i < warmup; i++) {
    check(await call());
    await progress(`warm-up ${i + 1}/${warmup}`);
  }
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    last = await call();
    times.push(performance.now() - t0);
    check(last);
    await progress(`timed ${i + 1}/${runs}`);
  }
  return { times, last };
}
