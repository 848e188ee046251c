import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR } from '@facekit/test-support/streams';
import { HttpError, MAX_ID_LENGTH, checkLoginId, parseLoginForm } from './login-request.js';

const photo = readFileSync(resolve(DATA_DIR, 'images/ppu_uniface/image-haaland1.jpeg')); // 600×338

async function form(fields: Record<string, string>, frames: Uint8Array[]): Promise<[Buffer, string]> {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const b of frames) f.append('frame', new Blob([new Uint8Array(b)]), 'f.jpg');
  const r = new Request('http://x/', { method: 'POST', body: f });
  return [Buffer.from(await r.arrayBuffer()), r.headers.get('content-type')!];
}
const limits = { minFrames: 3, maxFrames: 5, maxFramePixels: 2_100_000 };
const refusal = async (p: Promise<unknown>): Promise<{ status: number; error: string; message: string }> => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(e)}`);
  return { status: e.status, error: e.error, message: e.message };
};

describe('checkLoginId', () => {
  it('takes visible ids up to 128 characters (counted as code points)', () => {
    for (const id of ['ann', 'ann.lee@example.com', 'Zoë Ünal', '李', '😀'.repeat(MAX_ID_LENGTH)]) expect(checkLoginId(id)).toBe(id);
  });
  it('refuses non-strings, empty, too long, control and invisible characters, edge spaces', () => {
    for (const id of [undefined, 42, '', 'a'.repeat(MAX_ID_LENGTH + 1), 'ann\u0000', 'ann\n', 'an\u200bn', 'ann\u202e', 'a\u2028b', ' ann', 'ann ']) {
      expect(() => checkLoginId(id), JSON.stringify(id)).toThrow(HttpError);
    }
  });
});

describe('parseLoginForm', () => {
  it('reads nonce, id and the frames', async () => {
    const [body, type] = await form({ nonce: 'n1', id: 'ann' }, [photo, photo, photo]);
    const r = await parseLoginForm(body, type, limits);
    expect(r.nonce).toBe('n1');
    expect(r.id).toBe('ann');
    expect(r.frames.map((f) => f.length)).toEqual([photo.length, photo.length, photo.length]);
  });
  it('refuses a missing nonce, a bad id, too few or too many frames, text frames, non-JPEGs', async () => {
    const cases: [Record<string, string>, Uint8Array[], number, string][] = [
      [{ id: 'ann' }, [photo, photo, photo], 400, 'nonce'],
      [{ nonce: 'n', id: 'ann\u0000' }, [photo, photo, photo], 400, 'id'],
      [{ nonce: 'n', id: 'ann' }, [photo, photo], 400, 'frames'],
      [{ nonce: 'n', id: 'ann' }, Array(6).fill(photo) as Uint8Array[], 400, 'frames'],
      [{ nonce: 'n', id: 'ann' }, [photo, photo, new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 415, 'frames'],
    ];
    for (const [fields, frames, status, error] of cases) {
      const [body, type] = await form(fields, frames);
      expect(await refusal(parseLoginForm(body, type, limits))).toMatchObject({ status, error });
    }
    const f = new FormData();
    f.append('nonce', 'n'); f.append('id', 'ann');
    for (let i = 0; i < 3; i++) f.append('frame', 'text');
    const r = new Request('http://x/', { method: 'POST', body: f });
    expect(await refusal(parseLoginForm(Buffer.from(await r.arrayBuffer()), r.headers.get('content-type')!, limits))).toMatchObject({ status: 400, error: 'frames' });
    expect(await refusal(parseLoginForm(Buffer.from('garbage'), 'multipart/form-data; boundary=zz', limits))).toMatchObject({ status: 400, error: 'form' });
  });
  it('refuses a frame larger than maxFramePixels from its header, and a JPEG whose header does not read, with one generic message', async () => {
    const [body, type] = await form({ nonce: 'n', id: 'ann' }, [photo, photo, photo]);
    expect(await refusal(parseLoginForm(body, type, { ...limits, maxFramePixels: 600 * 338 - 1 }))).toMatchObject({ status: 413, error: 'frames', message: expect.stringMatching(/600×338/) });
    const noHeader = new Uint8Array(2000); noHeader.set([0xff, 0xd8, 0xff, 0xe0]);
    const [b2, t2] = await form({ nonce: 'n', id: 'ann' }, [photo, noHeader, photo]);
    expect(await refusal(parseLoginForm(b2, t2, limits))).toEqual({ status: 400, error: 'frames', message: 'A frame could not be read as a JPEG image.' });
  });
});
