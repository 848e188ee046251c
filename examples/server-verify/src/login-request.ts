// What a login request may hold, checked before anything costly runs: the claimed id's form, the
// multipart fields, and each frame's kind and size (read from its header, so a JPEG that declares
// 8000×8000 pixels is refused before a byte of it is decoded).
import { encodedImageSize } from '@facekit/node';

/** A JSON answer that says what was wrong and what to do. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly error: string, message: string, readonly headers: Record<string, string> = {}) { super(message); }
}

export const MAX_ID_LENGTH = 128;
// Control, format (zero-width, bidi) and separator characters: invisible, or able to forge a log line.
const BAD_ID_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The claimed id, if it is one: 1 to 128 characters, no control or invisible characters, no edge spaces. */
export function checkLoginId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0 || [...id].length > MAX_ID_LENGTH || BAD_ID_CHARS.test(id) || id.trim() !== id) {
    throw new HttpError(400, 'id', `The id must be 1 to ${MAX_ID_LENGTH} visible characters, without control characters or spaces at either end.`);
  }
  return id;
}

const isJpeg = (b: Uint8Array): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** The parsed /verify form: its fields checked, its frames' headers read (nothing decoded). */
export async function parseLoginForm(
  body: Buffer, contentType: string, limits: { minFrames: number; maxFrames: number; maxFramePixels: number },
): Promise<{ nonce: string; id: string; frames: Buffer[] }> {
  let form: FormData;
  try {
    form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.length) }).formData();
  } catch {
    throw new HttpError(400, 'form', 'The multipart body could not be parsed.');
  }
  const nonce = form.get('nonce');
  if (typeof nonce !== 'string' || nonce === '' || nonce.length > 100) throw new HttpError(400, 'nonce', 'The field nonce is missing: POST /challenge first and send its nonce.');
  const id = checkLoginId(form.get('id'));
  const files = form.getAll('frame');
  const { minFrames, maxFrames, maxFramePixels } = limits;
  if (files.length < minFrames || files.length > maxFrames) throw new HttpError(400, 'frames', `Send ${minFrames} to ${maxFrames} frame fields, got ${files.length}.`);
  const frames: Buffer[] = [];
  for (const f of files) {
    if (typeof f === 'string') throw new HttpError(400, 'frames', 'Each frame must be a file (a JPEG blob), not text.');
    const bytes = Buffer.from(await f.arrayBuffer());
    if (!isJpeg(bytes)) throw new HttpError(415, 'frames', 'Each frame must be a JPEG (canvas.toBlob(cb, "image/jpeg")).');
    const size = encodedImageSize(bytes);
    if (!size || size.format !== 'jpeg') throw new HttpError(400, 'frames', 'A frame could not be read as a JPEG image.');
    if (size.width * size.height > maxFramePixels) {
      throw new HttpError(413, 'frames', `Each frame must be at most ${maxFramePixels / 1e6} megapixels, as a camera gives; got ${size.width}×${size.height}.`);
    }
    frames.push(bytes);
  }
  return { nonce, id, frames };
}
