// readBody against a real node:http server and client on 127.0.0.1.
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyTimeoutError, BodyTooLargeError, readBody } from './read-body.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => { await close?.(); close = undefined; });

/** A server whose handler reads each body with `read`; resolves with what each read gave (a Buffer or the error). */
async function serve(read: (req: IncomingMessage) => Promise<Buffer>): Promise<{ port: number; results: Promise<Buffer | Error>[] }> {
  const results: Promise<Buffer | Error>[] = [];
  const server = createServer((req, res) => {
    const r = read(req).then((b) => b, (e: Error) => e);
    results.push(r);
    void r.then(() => res.end('ok'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  close = () => { server.closeAllConnections(); return new Promise((done) => server.close(() => done())); };
  return { port: (server.address() as AddressInfo).port, results };
}

function post(port: number, headers: Record<string, string>, chunks: Buffer[], end: boolean): void {
  const req = request({ host: '127.0.0.1', port, method: 'POST', headers });
  req.on('error', () => {});
  req.flushHeaders();
  for (const c of chunks) req.write(c);
  if (end) req.end();
}

describe('readBody', () => {
  it('reads a body within the limit', async () => {
    const s = await serve((req) => readBody(req, 100, 5000));
    post(s.port, {}, [Buffer.from('hello '), Buffer.from('world')], true);
    await expect.poll(() => s.results.length).toBe(1);
    expect((await s.results[0]!).toString()).toBe('hello world');
  });
  it('refuses a declared length over the limit before reading, and a chunked body once it passes the limit', async () => {
    const s = await serve((req) => readBody(req, 100, 5000));
    post(s.port, { 'content-length': '101' }, [], false);
    post(s.port, { 'transfer-encoding': 'chunked' }, [Buffer.alloc(60), Buffer.alloc(60)], false);
    await expect.poll(() => s.results.length).toBe(2);
    for (const r of s.results) expect(await r).toBeInstanceOf(BodyTooLargeError);
  });
  it('gives up on a body that stalls, without destroying the request (the server can still answer)', async () => {
    const s = await serve(async (req) => {
      try {
        return await readBody(req, 1000, 200);
      } finally {
        expect(req.destroyed).toBe(false);
      }
    });
    post(s.port, { 'content-length': '500' }, [Buffer.alloc(10)], false);
    await expect.poll(() => s.results.length).toBe(1);
    const e = await s.results[0]!;
    expect(e).toBeInstanceOf(BodyTimeoutError);
    expect((e as Error).message).toMatch(/within 0.2 s/);
  });
});
