// A module worker whose script may live on another origin. Browsers refuse `new Worker(url)` for
// a cross-origin URL (SecurityError), which is where facekit's worker is when a page imports
// facekit from a CDN. Such a worker starts from a same-origin Blob whose only line imports the
// real script: module imports may cross origins (with CORS, which CDNs send), and inside it
// `import.meta.url` is still the CDN's, so the runtime files resolve beside it as usual.

type MakeWorker = (url: string | URL, options: WorkerOptions) => Worker;
const construct: MakeWorker = (u, o) => new Worker(u, o);

/** Starts `script` as a module worker through a same-origin Blob that imports it; the Blob is freed once the worker has read it. */
export function startThroughBlob(script: URL, options: WorkerOptions = {}, make: MakeWorker = construct): Worker {
  const blobUrl = URL.createObjectURL(new Blob([`import ${JSON.stringify(script.href)};\n`], { type: 'text/javascript' }));
  const worker = make(blobUrl, { ...options, type: 'module' });
  // The Blob URL is needed until the worker has fetched it: its first message or error says so.
  const revoke = () => URL.revokeObjectURL(blobUrl);
  worker.addEventListener('message', revoke, { once: true });
  worker.addEventListener('error', revoke, { once: true });
  return worker;
}

/**
 * `direct()` (facekit's literal `new Worker(new URL('…', import.meta.url))`, the shape bundlers
 * look for to bundle the worker), or, when the browser refuses it as cross-origin, the same
 * script (`script()`) through a Blob.
 */
export function startWorker(direct: () => Worker, script: () => URL, options: WorkerOptions, make: MakeWorker = construct): Worker {
  try {
    return direct();
  } catch (e) {
    if ((e as { name?: unknown } | null)?.name !== 'SecurityError') throw e;
    return startThroughBlob(script(), options, make);
  }
}
