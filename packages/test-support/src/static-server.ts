// A minimal static file server for the package tests: a scratch app's files, served with or
// without cross-origin isolation, and a second origin that serves only the models (with CORS).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.map': 'application/json', '.jpg': 'image/jpeg', '.png': 'image/png', '.onnx': 'application/octet-stream',
  '.css': 'text/css', '.txt': 'text/plain',
};

export interface StaticServerOptions {
  /** URL prefix → folder. The longest matching prefix wins. */
  roots: Record<string, string>;
  /** Send COOP/COEP (cross-origin isolation). */
  isolated?: boolean;
  /** Let other origins fetch (CORS and CORP headers), for a models-only origin. */
  cors?: boolean;
  /** Extra headers on every response (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
  /** Called with each request's path (workers' requests included, which the page does not see). */
  onRequest?: (path: string) => void;
}

/** One request as the server saw it: whether its response finished, or the connection closed first. */
export interface ServedRequest { path: string; status: number; outcome: 'pending' | 'finished' | 'aborted' }

export interface StaticServer {
  url: string;
  /** Every request so far, in order (for a failing test's message). */
  requests: ServedRequest[];
  close(): Promise<void>;
}

export async function startStaticServer(o: StaticServerOptions): Promise<StaticServer> {
  const roots = Object.entries(o.roots).map(([p, d]) => [p, resolve(d)] as const).sort((a, b) => b[0].length - a[0].length);
  const requests: ServedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    o.onRequest?.(path);
    const seen: ServedRequest = { path: `${req.method} ${path}`, status: 0, outcome: 'pending' };
    requests.push(seen);
    res.on('finish', () => { seen.status = res.statusCode; seen.outcome = 'finished'; });
    res.on('close', () => { if (seen.outcome === 'pending') { seen.status = res.statusCode; seen.outcome = 'aborted'; } });
    const hit = roots.find(([p]) => path.startsWith(p));
    const file = hit ? resolve(hit[1], path.slice(hit[0].length) || 'index.html') : '';
    if (o.isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    if (o.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    }
    for (const [k, v] of Object.entries(o.headers ?? {})) res.setHeader(k, v);
    if (!hit || !(file === hit[1] || file.startsWith(hit[1] + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    // Browsers keep connections alive: drop them, or close() waits for them to time out.
    close: () => new Promise((ok) => { server.close(() => ok()); server.closeAllConnections(); }),
  };
}
