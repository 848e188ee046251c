// Hostile data at every public entry point that takes embeddings, keypoints or gallery JSON:
// each must throw a typed FaceKitError naming what is wrong, never a bare TypeError/RangeError,
// and must leave existing state (a gallery, Object.prototype) untouched.
import { describe, expect, it } from 'vitest';
import { FaceKitError, InvalidInputError, InvalidOptionError } from '../errors.js';
import { headPoseFromKeypoints } from '../geometry/head-pose.js';
import { keypointAgreement, keypointsFrom68 } from '../model-io/landmarks.js';
import { getModel, getPack } from '../registry/model-registry.js';
import { createGallery, galleryFromJSON, type Gallery, type GalleryJSON } from './gallery.js';
import { thresholdFor } from './thresholds.js';
import { cosineSimilarity, dot, l2Normalize } from './vector.js';

const DIM = 4;
const good = () => new Float32Array([1, 2, 3, 4]);

/** Vectors no embedding call may accept, with the message each must give. */
const BAD_VECTORS: [string, unknown, RegExp][] = [
  ['wrong dimension', new Float32Array([1, 2, 3]), /has 3 values/],
  ['NaN', new Float32Array([1, Number.NaN, 3, 4]), /has NaN at index 1/],
  ['+Infinity', new Float32Array([1, 2, Infinity, 4]), /has Infinity at index 2/],
  ['-Infinity', [1, 2, 3, -Infinity], /has -Infinity at index 3/],
  ['all zeros', new Float32Array(DIM), /all zeros/],
  ['empty', new Float32Array(0), /is empty/],
  ['empty array', [], /is empty/],
  ['a string', 'embedding', /must be a Float32Array or an array of numbers, got "embedding"/],
  ['null', null, /got null/],
  ['undefined', undefined, /got undefined/],
  ['an object', { length: DIM, 0: 1, 1: 2, 2: 3, 3: 4 }, /got an object/],
  ['a Float64Array', new Float64Array([1, 2, 3, 4]), /got a Float64Array/],
  ['a non-number item', [1, 2, '3', 4], /has "3" at index 2, not a number/],
  ['a hole', [1, , 3, 4], /has undefined at index 1, not a number/],
  ['values too large', [1e200, 1e200, 1e200, 1e200], /too large/],
  ['values too small', [1e-200, 0, 0, 0], /too small/],
];

function expectInvalidInput(fn: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(InvalidInputError);
  expect((thrown as Error).message).toMatch(message);
  // Every embedding error says what to do.
  expect((thrown as Error).message).toMatch(/Pass the embedding analyze\(\) or embed\(\) returned/);
}

function snapshot(g: Gallery, queries: Float32Array[]): unknown {
  return { size: g.size, count: g.embeddingCount, ids: g.ids(), results: queries.map((q) => g.search(q, 10)), json: g.toJSON() };
}

describe('hostile vectors', () => {
  const queries = [good(), new Float32Array([-1, 0, 2, 0]), new Float32Array([0, 0, 0, 1])];
  const built = () => {
    const g = createGallery({ dim: DIM, model: 'fr_feature' });
    g.add('a', good());
    g.add('b', [new Float32Array([4, 3, 2, 1]), new Float32Array([0, 1, 0, 1])]);
    return g;
  };

  it.each(BAD_VECTORS)('cosineSimilarity rejects %s on either side', (_name, v, message) => {
    if (_name === 'wrong dimension') {
      expectInvalidInput(() => cosineSimilarity(good(), v as Float32Array), /Embedding b has 3 values; embedding a has 4/);
      return;
    }
    expectInvalidInput(() => cosineSimilarity(v as Float32Array, good()), message);
    expectInvalidInput(() => cosineSimilarity(good(), v as Float32Array), message);
  });

  it.each(BAD_VECTORS.filter(([name]) => name !== 'all zeros' && name !== 'values too small'))('dot rejects %s', (name, v, message) => {
    expectInvalidInput(() => dot(good(), v as Float32Array), name === 'wrong dimension' ? /has 3 values/ : message);
  });

  it.each(BAD_VECTORS.filter(([name]) => name !== 'wrong dimension'))('l2Normalize rejects %s', (_name, v, message) => {
    expectInvalidInput(() => l2Normalize(v as Float32Array), message);
  });

  it.each(BAD_VECTORS)('Gallery.add rejects %s, alone or in a list, and the gallery stays as it was', (_name, v, message) => {
    const g = built();
    const before = snapshot(g, queries);
    expectInvalidInput(() => g.add('c', v as Float32Array), message);
    expectInvalidInput(() => g.add('a', [good(), v as Float32Array]), message);
    expect(snapshot(g, queries)).toEqual(before);
  });

  it.each(BAD_VECTORS)('Gallery.search rejects %s', (_name, v, message) => {
    const g = built();
    const before = snapshot(g, queries);
    expectInvalidInput(() => g.search(v as Float32Array), message);
    expect(snapshot(g, queries)).toEqual(before);
  });

  it('names the gallery\'s dimension and recognizer on a length mismatch', () => {
    expect(() => built().search(new Float32Array(3))).toThrow(
      'Query embedding has 3 values; this gallery holds 4-d vectors from fr_feature. Pass the embedding analyze() or embed() returned, unmodified.',
    );
  });

  it('accepts plain arrays of numbers where it accepts Float32Arrays', () => {
    const g = built();
    g.add('c', [0, 0, 1, 0]);
    g.add('d', [[0, 1, 0, 0], new Float32Array([0, 2, 0, 0])]);
    expect(g.search([0, 0, 5, 0], 1)[0]!.id).toBe('c');
    expect(g.toJSON().entries.find((e) => e.id === 'd')!.embeddings).toHaveLength(2);
  });

  it('rejects bad ids and k / minSimilarity as typed errors', () => {
    const g = built();
    for (const id of [null, undefined, 3, {}, '']) expect(() => g.add(id as string, good())).toThrow(InvalidInputError);
    for (const k of [0, -1, 2.5, Number.NaN, '3', null]) expect(() => g.search(good(), k as number)).toThrow(InvalidOptionError);
    for (const m of [Number.NaN, '0.5', null]) expect(() => g.search(good(), 1, m as number)).toThrow(InvalidOptionError);
  });
});

describe('hostile keypoints and option values', () => {
  const kps = (): [number, number][] => [[30, 40], [70, 40], [50, 60], [35, 80], [65, 80]];

  it('rejects keypoints that are not 5 finite [x, y] pairs', () => {
    const bad: unknown[] = [null, undefined, 'kps', {}, [], kps().slice(0, 4), [...kps().slice(0, 4), [Number.NaN, 1]], [...kps().slice(0, 4), null], [...kps().slice(0, 4), ['1', 2]]];
    for (const k of bad) {
      expect(() => headPoseFromKeypoints(k as never)).toThrow(InvalidInputError);
      expect(() => keypointAgreement(k as never, kps() as never)).toThrow(InvalidInputError);
      expect(() => keypointAgreement(kps() as never, k as never)).toThrow(InvalidInputError);
    }
    expect(() => headPoseFromKeypoints([[1, 1], [1, Infinity], [1, 1], [1, 1], [1, 1]])).toThrow(/keypoints\[1\] must be an \[x, y\] pair of finite numbers/);
    // The detector's eyes at one point: no scale to compare against.
    expect(() => keypointAgreement(kps() as never, [[1, 1], [1, 1], [2, 2], [3, 3], [4, 4]])).toThrow(InvalidInputError);
    expect(() => keypointsFrom68(kps() as never)).toThrow(/landmarks must be 68 \[x, y\] points, got 5 points/);
    expect(() => keypointsFrom68(null as never)).toThrow(InvalidInputError);
  });

  it('rejects unknown model, pack and calibration ids, prototype keys included, as InvalidOptionError', () => {
    for (const id of ['nope', '__proto__', 'constructor', 'toString', 42, null]) {
      expect(() => getModel(id as string)).toThrow(InvalidOptionError);
      expect(() => getPack(id as string)).toThrow(InvalidOptionError);
      expect(() => thresholdFor(id as string)).toThrow(InvalidOptionError);
    }
    for (const far of [Number.NaN, 0.5, '1e-3', null]) expect(() => thresholdFor('fr_feature', far as number)).toThrow(InvalidOptionError);
    expect(() => thresholdFor('__proto__')).toThrow(/"__proto__" has no calibrated thresholds/);
  });
});

describe('hostile gallery JSON', () => {
  const valid = (): GalleryJSON => ({
    format: 'facekit-gallery', version: 1, dim: 2, model: 'fr_feature',
    entries: [{ id: 'a', embeddings: [[1, 0]] }, { id: 'b', embeddings: [[0, 1], [0.6, 0.8]] }],
  });
  const nested = (): unknown => {
    let o: Record<string, unknown> = {};
    const root = o;
    for (let i = 0; i < 100_000; i++) o = (o.next = {}) as Record<string, unknown>;
    return root;
  };

  const garbage: [string, () => unknown, RegExp][] = [
    ['null', () => null, /must be an object, got null/],
    ['42', () => 42, /must be an object, got 42/],
    ['a string', () => 'x', /got a string \("x"\), not an object; JSON\.parse the stored text first/],
    ['gallery JSON as text', () => JSON.stringify(valid()), /JSON\.parse the stored text first/],
    ['JSON text that is not a gallery', () => '{"hello":', /JSON\.parse the stored text first/],
    ['an array', () => [], /must be an object, got an array/],
    ['an empty object', () => ({}), /format must be "facekit-gallery", got undefined/],
    ['a function', () => () => valid(), /must be an object, got a function/],
    ['a huge nested object', nested, /format must be "facekit-gallery", got undefined/],
    ['fields only on the prototype', () => Object.create(valid()) as unknown, /format must be "facekit-gallery", got undefined/],
    ['a wrong version', () => ({ ...valid(), version: 0 }), /unsupported gallery version 0/],
    ['version as a string', () => ({ ...valid(), version: '1' }), /version must be a number, got "1"/],
    ['dim too large to allocate', () => ({ ...valid(), dim: 2 ** 31 }), /dim must be a positive integer up to 1048576, got 2147483648/],
    ['dim negative', () => ({ ...valid(), dim: -2 }), /dim must be a positive integer/],
    ['dim inconsistent with the rows', () => ({ ...valid(), dim: 3 }), /entries\[0\]\.embeddings\[0\] has 2 numbers, expected 3 \(dim\)/],
    ['rows of mixed length', () => ({ ...valid(), entries: [{ id: 'a', embeddings: [[1, 0], [1, 0, 0]] }] }), /entries\[0\]\.embeddings\[1\] has 3 numbers, expected 2/],
    ['duplicate ids', () => ({ ...valid(), entries: [...valid().entries, { id: 'b', embeddings: [[1, 1]] }] }), /entries\[2\]\.id "b" duplicates entries\[1\]\.id/],
    ['duplicate proto ids', () => ({ ...valid(), entries: [{ id: '__proto__', embeddings: [[1, 0]] }, { id: '__proto__', embeddings: [[0, 1]] }] }), /entries\[1\]\.id "__proto__" duplicates entries\[0\]\.id/],
    ['a NaN value', () => ({ ...valid(), entries: [{ id: 'a', embeddings: [[Number.NaN, 0]] }] }), /entries\[0\]\.embeddings\[0\]\[0\] is NaN/],
    ['a null value (NaN after JSON)', () => JSON.parse(JSON.stringify({ ...valid(), entries: [{ id: 'a', embeddings: [[Number.NaN, 0]] }] })) as unknown, /entries\[0\]\.embeddings\[0\]\[0\] must be a number, got null/],
    ['an Infinity value', () => ({ ...valid(), entries: [{ id: 'a', embeddings: [[1, Infinity]] }] }), /entries\[0\]\.embeddings\[0\]\[1\] is Infinity/],
    ['an entry without id', () => ({ ...valid(), entries: [{ embeddings: [[1, 0]] }] }), /entries\[0\]\.id must be a string, got undefined/],
    ['an entry that is null', () => ({ ...valid(), entries: [null] }), /entries\[0\] must be an object, got null/],
    ['entries as an object', () => ({ ...valid(), entries: { 0: { id: 'a', embeddings: [[1, 0]] }, length: 1 } }), /entries must be an array, got an object/],
    ['a getter that throws', () => Object.defineProperty({ ...valid() }, 'entries', { enumerable: true, get() { throw new TypeError('boom'); } }), /could not be read \(boom\)/],
  ];

  it.each(garbage)('rejects %s with an InvalidInputError naming the field', (_name, make, message) => {
    let thrown: unknown;
    try {
      galleryFromJSON(make());
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidInputError);
    expect((thrown as FaceKitError).code).toBe('INVALID_INPUT');
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toMatch(/^Gallery JSON/);
  });

  it('stores prototype-named ids as plain data and pollutes nothing', () => {
    const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
    const text = JSON.stringify({
      format: 'facekit-gallery', version: 1, dim: 2,
      entries: [
        { id: '__proto__', embeddings: [[1, 0]] },
        { id: 'constructor', embeddings: [[0, 1]] },
        { id: 'prototype', embeddings: [[1, 1]] },
        { id: 'hasOwnProperty', embeddings: [[-1, 0]] },
      ],
    });
    // Own "__proto__" keys, as JSON.parse makes them, at the top level and in an entry.
    const hostile = text.replace('{"format"', '{"__proto__":{"polluted":"top"},"format"').replace('{"id":"constructor"', '{"__proto__":{"polluted":"entry"},"id":"constructor"');
    const g = galleryFromJSON(JSON.parse(hostile));
    expect(g.ids()).toEqual(['__proto__', 'constructor', 'prototype', 'hasOwnProperty']);
    expect(g.has('__proto__')).toBe(true);
    expect(g.has('toString')).toBe(false);
    expect(g.search(new Float32Array([1, 0]), 1)).toEqual([{ id: '__proto__', similarity: 1 }]);
    expect(g.search(new Float32Array([0, 1]), 1)[0]!.id).toBe('constructor');
    // A round trip keeps them, and they can be added and removed like any id.
    const again = galleryFromJSON(JSON.parse(JSON.stringify(g.toJSON())));
    expect(again.ids()).toEqual(g.ids());
    again.add('__proto__', new Float32Array([0, 1]));
    expect(again.embeddingCount).toBe(5);
    expect(again.remove('constructor')).toBe(true);
    expect(again.ids()).toEqual(['__proto__', 'prototype', 'hasOwnProperty']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('does not read fields from a polluted Object.prototype', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.format = 'facekit-gallery';
    proto.version = 1;
    proto.dim = 2;
    proto.entries = [];
    try {
      expect(() => galleryFromJSON({})).toThrow(/format must be "facekit-gallery", got undefined/);
    } finally {
      delete proto.format;
      delete proto.version;
      delete proto.dim;
      delete proto.entries;
    }
  });

  it('leaves an existing gallery exactly as it was when loading bad JSON fails', () => {
    const g = galleryFromJSON(valid());
    const queries = [new Float32Array([1, 0]), new Float32Array([0.6, 0.8])];
    const before = snapshot(g, queries);
    for (const [, make] of garbage) expect(() => galleryFromJSON(make())).toThrow(InvalidInputError);
    expect(snapshot(g, queries)).toEqual(before);
  });
});
