// Hostile input through the public API, in real Chromium: each gets a typed FaceKitError (or,
// for a damaged but decodable image, a normal result), nothing crashes, and the kit keeps working.
// Ends with a seeded fuzz loop over damaged JPEG and PNG files, bounded in count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { rng } from '@facekit/test-support/random';
import { IMAGES_DIR, imageUrl, openHarness } from './harness-page.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A valid 1-bit greyscale PNG of any size (all black): tiny on disk, huge once decoded. */
function blackPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; ihdr[9] = 0; // 1 bit, greyscale
  const raw = Buffer.alloc(height * (1 + Math.ceil(width / 8))); // filter byte 0 + zero pixels per row
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const b64 = (b: Buffer) => b.toString('base64');

test.beforeEach(async ({ page }) => {
  await openHarness(page);
  await page.evaluate('window.__name = (f) => f');
});

test('hostile images: each a typed error, no crash, and the kit keeps working', async ({ page }) => {
  test.setTimeout(120_000);
  const jpeg = readFileSync(join(IMAGES_DIR, 'insightface/t1.jpg'));
  const png = readFileSync(join(IMAGES_DIR, 'ppu_uniface/image-kevin1.png'));
  const rand = rng(7);
  const files = {
    randomBytes: b64(Buffer.from(Array.from({ length: 10_000 }, () => Math.floor(rand() * 256)))),
    truncatedJpegHeader: b64(jpeg.subarray(0, 300)),
    truncatedPngHeader: b64(png.subarray(0, 40)),
    huge20000: b64(blackPng(20_000, 20_000)),
    strip1x100000: b64(blackPng(1, 100_000)),
    onePixel: b64(blackPng(1, 1)),
  };
  const r = await page.evaluate(async ([encoded, url]) => {
    const fk = window.facekit;
    const kit = await fk.createFaceKit();
    const blob = (s: string, type: string) => new Blob([Uint8Array.from(atob(s), (c) => c.charCodeAt(0))], { type });
    const closed = await createImageBitmap(await window.fetchBlob(url));
    closed.close();
    const detached = new ImageData(64, 64);
    structuredClone(detached.data.buffer, { transfer: [detached.data.buffer] });
    const noFrame = document.createElement('video');
    const zeroCanvas = new OffscreenCanvas(0, 0);
    const inputs: Record<string, unknown> = {
      randomBytes: blob(encoded.randomBytes, 'image/jpeg'),
      truncatedJpegHeader: blob(encoded.truncatedJpegHeader, 'image/jpeg'),
      truncatedPngHeader: blob(encoded.truncatedPngHeader, 'image/png'),
      huge20000: blob(encoded.huge20000, 'image/png'),
      hugeCanvas: new OffscreenCanvas(20_000, 20_000),
      strip1x100000: blob(encoded.strip1x100000, 'image/png'),
      onePixel: blob(encoded.onePixel, 'image/png'),
      emptyBlob: new Blob([]),
      zeroCanvas,
      closedBitmap: closed,
      videoWithoutFrame: noFrame,
      detachedImageData: detached,
    };
    const out: Record<string, string> = {};
    for (const [name, input] of Object.entries(inputs)) {
      const t0 = performance.now();
      out[name] = await kit.detect(input as Blob).then(
        (d) => `resolved ${d.faces.length}`,
        (e: unknown) => (e instanceof fk.FaceKitError ? `${e.name}/${e.code}: ${e.message}` : `UNTYPED ${String(e)}`),
      );
      out[name] += ` (${Math.round(performance.now() - t0)} ms)`;
    }
    const after = (await kit.detect(await window.fetchBlob(url))).faces.length;
    await kit.dispose();
    return { out, after };
  }, [files, imageUrl('insightface/t1.jpg')] as const);
  for (const [name, result] of Object.entries(r.out)) {
    expect(result, name).toMatch(/^InvalidInputError\/INVALID_INPUT: /);
  }
  expect(r.out.huge20000).toMatch(/20000×20000 \(400 megapixels\).*Downscale/);
  expect(r.out.hugeCanvas).toMatch(/20000×20000/);
  expect(r.out.strip1x100000).toMatch(/1×100000: too small/);
  expect(r.out.onePixel).toMatch(/1×1: too small/);
  expect(r.after).toBe(6);
});

test('hostile vectors and gallery data: typed errors, and the existing gallery is untouched', async ({ page }) => {
  const r = await page.evaluate(async (url) => {
    const fk = window.facekit;
    const kit = await fk.createFaceKit();
    const good = (await kit.analyze(await window.fetchBlob(url))).faces[0]!.embedding;
    const gallery = kit.createGallery();
    gallery.add('brad', good);
    const before = JSON.stringify(gallery.toJSON());
    const name = (f: () => unknown) => { try { f(); return 'no error'; } catch (e) { return e instanceof fk.FaceKitError ? `${e.name}/${e.code}` : `UNTYPED ${String(e)}`; } };
    const nan = new Float32Array(512).fill(Number.NaN);
    const vectors = {
      wrongLength: name(() => kit.verify(good, new Float32Array(511))),
      nan: name(() => kit.verify(good, nan)),
      infinity: name(() => kit.compare(good, new Float32Array(512).fill(Number.POSITIVE_INFINITY))),
      zeros: name(() => kit.verify(good, new Float32Array(512))),
      galleryAddNaN: name(() => gallery.add('x', nan)),
      gallerySearchWrongLength: name(() => gallery.search(new Float32Array(3))),
    };
    const json = {
      garbage: name(() => fk.galleryFromJSON('garbage' as never)),
      nullValue: name(() => fk.galleryFromJSON(null as never)),
      wrongVersion: name(() => fk.galleryFromJSON({ ...JSON.parse(before), version: 99 })),
      wrongDim: name(() => fk.galleryFromJSON({ ...JSON.parse(before), dim: 3 })),
      protoKey: name(() => fk.galleryFromJSON(JSON.parse(before.replace('"brad"', '"__proto__"')))),
    };
    const polluted = ({} as Record<string, unknown>).polluted !== undefined || Object.keys(Object.prototype).length > 0;
    const after = JSON.stringify(gallery.toJSON());
    const stillFinds = gallery.search(good)[0]?.id;
    await kit.dispose();
    return { vectors, json, polluted, untouched: before === after, stillFinds };
  }, imageUrl('faceonnx/verification/brad_1.jpg'));
  for (const [k, v] of Object.entries(r.vectors)) expect(v, k).toBe('InvalidInputError/INVALID_INPUT');
  for (const [k, v] of Object.entries(r.json)) if (k !== 'protoKey') expect(v, k).toBe('InvalidInputError/INVALID_INPUT');
  expect(['no error', 'InvalidInputError/INVALID_INPUT']).toContain(r.json.protoKey);
  expect(r.polluted).toBe(false);
  expect(r.untouched).toBe(true);
  expect(r.stillFinds).toBe('brad');
});

test('seeded fuzz: 40 damaged JPEG and PNG files each resolve or fail typed; the kit keeps working', async ({ page }) => {
  test.setTimeout(180_000);
  const seed = 20261130;
  const rand = rng(seed);
  const sources = [readFileSync(join(IMAGES_DIR, 'faceonnx/verification/brad_1.jpg')), readFileSync(join(IMAGES_DIR, 'ppu_uniface/image-kevin1.png'))];
  const cases = Array.from({ length: 40 }, (_, i) => {
    const src = Buffer.from(sources[i % 2]!);
    const kind = Math.floor(rand() * 4);
    let out: Buffer;
    if (kind === 0) out = src.subarray(0, Math.floor(rand() * src.length)); // cut anywhere
    else if (kind === 1) { out = src; for (let k = 0; k < 20; k++) out[Math.floor(rand() * Math.min(out.length, 2048))] = Math.floor(rand() * 256); } // header bytes
    else if (kind === 2) { out = src; for (let k = 0; k < 200; k++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256); } // anywhere
    else out = Buffer.concat([src.subarray(0, 64), Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256))), src.subarray(64)]); // junk inserted
    return { kind, data: b64(out) };
  });
  const r = await page.evaluate(async ([all, url]) => {
    const fk = window.facekit;
    const kit = await fk.createFaceKit();
    const results: string[] = [];
    for (const [i, c] of all.entries()) {
      const blob = new Blob([Uint8Array.from(atob(c.data), (ch) => ch.charCodeAt(0))]);
      results.push(await kit.detect(blob).then(
        (d) => `ok ${d.faces.length}`,
        (e: unknown) => (e instanceof fk.FaceKitError ? e.code : `case ${i} (kind ${c.kind}) UNTYPED ${String(e)}`),
      ));
    }
    const after = (await kit.detect(await window.fetchBlob(url))).faces.length;
    await kit.dispose();
    return { results, after };
  }, [cases, imageUrl('insightface/t1.jpg')] as const);
  const untyped = r.results.filter((x) => !/^ok \d+$|^INVALID_INPUT$/.test(x));
  expect(untyped, `seed ${seed}`).toEqual([]);
  expect(r.results.length).toBe(40);
  expect(r.after).toBe(6);
});
