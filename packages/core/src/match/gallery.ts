import { FaceKitError, InvalidInputError, InvalidOptionError } from '../errors.js';
import { describeValue } from '../util/describe.js';
import { USE_EMBEDDING, checkEmbedding, type EmbeddingLike } from './embedding-check.js';
import { FloatRows } from './float-rows.js';
import { Int8Index, int8DotModule } from './int8-index.js';
import { l2Normalize, rowDot } from './vector.js';

/** One identity returned by {@link Gallery.search}. */
export interface GalleryMatch {
  id: string;
  /** Cosine similarity of the query with this identity's best embedding, in [-1, 1]. */
  similarity: number;
}

/** Plain, JSON-serializable form of a gallery (see {@link Gallery.toJSON}, {@link galleryFromJSON}). */
export interface GalleryJSON {
  format: 'facekit-gallery';
  version: 1;
  dim: number;
  /** Recognizer id the embeddings came from, when known. */
  model?: string;
  /** Identities in insertion order; embeddings are unit-length, in insertion order. */
  entries: { id: string; embeddings: number[][] }[];
}

/**
 * In-memory 1:N face gallery: identities, each with one or more embeddings. Embeddings are
 * stored as L2-normalized copies, so similarity is cosine similarity.
 */
export interface Gallery {
  /** Embedding length. */
  readonly dim: number;
  /** Recognizer id the embeddings came from; informational only. */
  readonly model: string | undefined;
  /** Number of identities. */
  readonly size: number;
  /** Total number of stored embeddings over all identities. */
  readonly embeddingCount: number;
  /**
   * Stores normalized copies of `embedding` (one vector, or a list) under `id`, appending when
   * `id` exists. Any string but '' is an id, '__proto__' included (ids live in a Map). All or
   * nothing: an InvalidInputError (wrong length, NaN/±Infinity, all-zero vector, empty id, no
   * embeddings) leaves the gallery unchanged.
   */
  add(id: string, embedding: EmbeddingLike | readonly EmbeddingLike[]): void;
  /** Deletes `id` and all its embeddings; false when it was not there. */
  remove(id: string): boolean;
  has(id: string): boolean;
  /** Identities in insertion order. */
  ids(): string[];
  /** Removes everything and releases the storage. */
  clear(): void;
  /**
   * The at most `k` identities most similar to `embedding` (any length-`dim` vector, not
   * necessarily normalized), each scored by its best embedding, with similarity ≥
   * `minSimilarity`; best first, ties by id. InvalidOptionError for a non-positive or
   * non-integer `k` or a NaN `minSimilarity`; InvalidInputError for a query of the wrong
   * length, with NaN/±Infinity values, or all zeros.
   */
  search(embedding: EmbeddingLike, k?: number, minSimilarity?: number): GalleryMatch[];
  toJSON(): GalleryJSON;
}

const FORMAT = 'facekit-gallery';
const VERSION = 1;
const INITIAL_ROWS = 16;
/**
 * Largest embedding length a gallery accepts: recognizers give 128–2048 values, and the cap
 * keeps a hostile `dim` in gallery JSON from allocating gigabytes before any row is read.
 */
export const MAX_GALLERY_DIM = 1 << 20;

/**
 * How {@link Gallery.search} scores rows. 'exact' is the plain float32 matrix–vector pass;
 * 'wasm' and 'js' first bound every row's score from an int8 mirror (the integer dot product in
 * WebAssembly SIMD128 or in JS) and rescore exactly only the rows that can reach the top k.
 * All three return identical results. 'auto' (the default) picks 'wasm' where the SIMD kernel
 * compiled and 'exact' elsewhere: scalar JS integer code is no faster than the float32 pass in
 * V8 (both run at ~1.5 ns per multiply-add), so without SIMD the mirror is not even built.
 */
export type GallerySearchPath = 'auto' | 'wasm' | 'js' | 'exact';

/**
 * Internal (not exported from the package): forces a search path, for tests and benchmarks.
 * Throws when `path` is 'wasm' or 'js' and this gallery cannot run it.
 */
export function setGallerySearchPath(gallery: Gallery, path: GallerySearchPath): void {
  if (!(gallery instanceof PackedGallery)) throw new InvalidInputError('setGallerySearchPath: not a gallery made by createGallery or galleryFromJSON');
  gallery.setSearchPath(path);
}

/**
 * Internal (not exported from the package): what the last {@link Gallery.search} did — the
 * path it took and how many rows it scored exactly (all rows on the exact path).
 */
export function gallerySearchInfo(gallery: Gallery): { path: 'wasm' | 'js' | 'exact'; exactRows: number } {
  if (!(gallery instanceof PackedGallery)) throw new InvalidInputError('gallerySearchInfo: not a gallery made by createGallery or galleryFromJSON');
  return { ...gallery.lastSearch };
}

/**
 * Packed storage: embeddings are rows in fixed-size float32 blocks (see {@link FloatRows}).
 * `owner[row]` is the identity slot; slots are kept dense (0..size-1) so per-search scratch can
 * be indexed by slot. An {@link Int8Index} mirrors the rows for the bounded pre-filter.
 */
class PackedGallery implements Gallery {
  readonly dim: number;
  readonly model: string | undefined;
  private data: FloatRows;
  private owner: Int32Array;
  private rows = 0;
  /** Slot → id. */
  private names: string[] = [];
  /** Id → slot; its iteration order is insertion order. */
  private slots = new Map<string, number>();
  private readonly query: Float32Array;
  /** Per-slot best similarity, reused across searches. */
  private best = new Float64Array(0);
  /**
   * Int8 mirror: undefined until wanted (see {@link wantsIndex}), null when it cannot exist
   * (dim too large, out of memory).
   */
  private index: Int8Index | null | undefined = undefined;
  private path: GallerySearchPath = 'auto';
  /** Set when the default path found that the mirror could not use the wasm kernel. */
  private autoIndexUseless = false;
  lastSearch: { path: 'wasm' | 'js' | 'exact'; exactRows: number } = { path: 'exact', exactRows: 0 };

  constructor(dim: number, model: string | undefined) {
    this.dim = dim;
    this.model = model;
    this.data = new FloatRows(dim);
    this.owner = new Int32Array(INITIAL_ROWS);
    this.query = new Float32Array(dim);
  }

  get size(): number {
    return this.names.length;
  }

  get embeddingCount(): number {
    return this.rows;
  }

  add(id: string, embedding: EmbeddingLike | readonly EmbeddingLike[]): void {
    if (typeof id !== 'string') throw new InvalidInputError(`Gallery id must be a string, got ${describeValue(id)}. Use the person's id, e.g. add('alice', embedding).`);
    if (id.length === 0) throw new InvalidInputError('Gallery id must not be empty. Use the person\'s id, e.g. add(\'alice\', embedding).');
    const shown = JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
    const list = embeddingList(embedding, shown);
    if (list.length === 0) throw new InvalidInputError(`The embedding list for ${shown} is empty; give at least one. ${USE_EMBEDDING}`);
    // Everything is checked before storage is touched, so a throw leaves the gallery as it was.
    const expected = { dim: this.dim, why: this.holds() };
    for (let i = 0; i < list.length; i++) {
      checkEmbedding(list[i], list.length === 1 && list[0] === embedding ? `embedding for ${shown}` : `embedding ${i} for ${shown}`, expected);
    }
    this.reserve(this.rows + list.length);
    // Normalize straight into the free rows past the end; `rows` only moves in commit.
    for (let i = 0; i < list.length; i++) {
      const row = this.data.row(this.rows + i);
      l2Normalize(list[i] as EmbeddingLike, row);
      this.index?.write(this.rows + i, row);
    }
    this.commit(id, list.length);
  }

  /** For messages: what this gallery's vectors are. */
  private holds(): string {
    return `this gallery holds ${this.dim}-d vectors${this.model === undefined ? '' : ` from ${this.model}`}`;
  }

  /**
   * Internal (not on {@link Gallery}): stores a copy of `v`, already validated and of unit
   * length, as is, so toJSON → galleryFromJSON → toJSON reproduces the numbers exactly.
   */
  appendUnit(id: string, v: Float32Array): void {
    this.reserve(this.rows + 1);
    const row = this.data.row(this.rows);
    row.set(v);
    this.index?.write(this.rows, row);
    this.commit(id, 1);
  }

  /** Assigns the `count` rows just written past the end to `id`. */
  private commit(id: string, count: number): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.names.length;
      this.names.push(id);
      this.slots.set(id, slot);
    }
    this.owner.fill(slot, this.rows, this.rows + count);
    this.rows += count;
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = this.names.length - 1;
    const { owner, rows } = this;
    // Stable compaction (keeps every identity's embedding order for toJSON), moving runs of
    // kept rows; the last slot moves into the freed one so slots stay dense.
    let w = 0;
    for (let r = 0; r < rows; ) {
      if (owner[r] === slot) {
        r++;
        continue;
      }
      const start = r;
      while (r < rows && owner[r] !== slot) r++;
      const n = r - start;
      if (w !== start) {
        this.data.moveDown(w, start, n);
        owner.copyWithin(w, start, r);
        this.index?.move(w, start, n);
      }
      w += n;
    }
    for (let r = 0; r < w; r++) if (owner[r] === last) owner[r] = slot;
    this.rows = w;
    this.data.trim(w);
    const moved = this.names[last]!;
    this.names[slot] = moved;
    this.names.pop();
    this.slots.delete(id);
    if (slot !== last) this.slots.set(moved, slot);
    return true;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  ids(): string[] {
    return [...this.slots.keys()];
  }

  clear(): void {
    this.data = new FloatRows(this.dim);
    this.owner = new Int32Array(INITIAL_ROWS);
    this.rows = 0;
    this.names = [];
    this.slots.clear();
    this.best = new Float64Array(0);
    // Dropped with its memory (a WebAssembly.Memory cannot shrink); rebuilt on the next add.
    this.index = undefined;
  }

  setSearchPath(path: GallerySearchPath): void {
    if (path === 'wasm' || path === 'js') {
      const index = this.ensureIndex(path);
      if (!index || !index.kernels.includes(path)) {
        throw new InvalidOptionError(`Search path "${path}" is not available for this gallery (no int8 index, or no WebAssembly SIMD here); use 'auto' or 'exact'.`);
      }
    } else if (path !== 'auto' && path !== 'exact') {
      throw new InvalidOptionError(`Unknown search path ${describeValue(path)}; use 'auto', 'wasm', 'js' or 'exact'.`);
    }
    this.path = path;
    if (this.wantsIndex()) this.ensureIndex();
  }

  search(embedding: EmbeddingLike, k = 5, minSimilarity = -1): GalleryMatch[] {
    checkSearchArgs(k, minSimilarity);
    const dim = this.dim;
    checkEmbedding(embedding, 'query embedding', { dim, why: this.holds() });
    const q = l2Normalize(embedding, this.query);
    const n = this.names.length;
    if (n === 0) return [];

    if (this.best.length < n) this.best = new Float64Array(Math.max(n, this.best.length * 2));
    const best = this.best;
    best.fill(-Infinity, 0, n);
    const { owner, rows } = this;
    const { blocks, shift, mask, blockRows } = this.data;
    const dim4 = dim - (dim & 3);

    const path = this.pickPath(n, k, minSimilarity);
    if (path === 'exact') {
      for (let b = 0, r = 0; r < rows; b++) {
        const data = blocks[b]!;
        const end = Math.min(rows, r + blockRows);
        for (let base = 0; r < end; r++, base += dim) {
          const s = rowDot(data, base, q, dim, dim4);
          const o = owner[r]!;
          if (s > best[o]!) best[o] = s;
        }
      }
      this.lastSearch = { path, exactRows: rows };
    } else {
      // Bounded pre-filter, then the same float32 dot for the few rows that can matter.
      const cand = this.index!.candidates(q, rows, owner, n, k, minSimilarity, path);
      const list = cand.rows;
      for (let i = 0; i < cand.count; i++) {
        const r = list[i]!;
        const s = rowDot(blocks[r >>> shift]!, (r & mask) * dim, q, dim, dim4);
        const o = owner[r]!;
        if (s > best[o]!) best[o] = s;
      }
      this.lastSearch = { path, exactRows: cand.count };
    }

    // Partial top-k: a size-k heap with the worst kept candidate at the root, so each
    // identity costs one comparison unless it beats that candidate.
    const names = this.names;
    const worse = (a: number, b: number): boolean => {
      const sa = best[a]!, sb = best[b]!;
      return sa < sb || (sa === sb && names[a]! > names[b]!);
    };
    const cap = Math.min(k, n);
    const heap = new Int32Array(cap);
    let len = 0;
    for (let i = 0; i < n; i++) {
      let s = best[i]!;
      // Not scored: the pre-filter proved it cannot make the top k.
      if (s === -Infinity) continue;
      // Unit vectors can round just past ±1; clamp before the threshold so -1 keeps everything.
      if (s > 1) s = best[i] = 1;
      else if (s < -1) s = best[i] = -1;
      if (s < minSimilarity) continue;
      if (len < cap) {
        // Sift up.
        let c = len++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (!worse(i, heap[p]!)) break;
          heap[c] = heap[p]!;
          c = p;
        }
        heap[c] = i;
      } else if (worse(heap[0]!, i)) {
        siftDown(heap, len, i, worse);
      }
    }

    const out: GalleryMatch[] = new Array<GalleryMatch>(len);
    // Pop worst-first into the back of the result.
    for (let end = len; end > 0; end--) {
      const top = heap[0]!;
      out[end - 1] = { id: names[top]!, similarity: best[top]! };
      if (end > 1) siftDown(heap, end - 1, heap[end - 1]!, worse);
    }
    return out;
  }

  toJSON(): GalleryJSON {
    const n = this.names.length;
    const { owner, rows, data } = this;
    const perSlot: number[][][] = Array.from({ length: n }, () => []);
    for (let r = 0; r < rows; r++) perSlot[owner[r]!]!.push(Array.from(data.row(r)));
    const json: GalleryJSON = { format: FORMAT, version: VERSION, dim: this.dim, entries: [] };
    if (this.model !== undefined) json.model = this.model;
    for (const [id, slot] of this.slots) json.entries.push({ id, embeddings: perSlot[slot]! });
    return json;
  }

  private pickPath(slots: number, k: number, minSimilarity: number): 'wasm' | 'js' | 'exact' {
    const index = this.index;
    if (!index || this.path === 'exact') return 'exact';
    if (this.path !== 'auto') return this.path;
    // Nothing to prune when every identity is returned.
    if (k >= slots && minSimilarity <= -1) return 'exact';
    return index.kernels.includes('wasm') ? 'wasm' : 'exact';
  }

  /** Whether to keep the int8 mirror: for a forced int8 path, or by default where SIMD runs. */
  private wantsIndex(): boolean {
    return this.path === 'wasm' || this.path === 'js' || (this.path === 'auto' && !this.autoIndexUseless && int8DotModule() !== null);
  }

  /** The int8 mirror, created on first use; null where it cannot exist (or is of no use). */
  private ensureIndex(path = this.path): Int8Index | null {
    if (this.index === undefined) {
      const index = Int8Index.create(this.dim);
      if (index && path === 'auto' && !index.kernels.includes('wasm')) {
        // No WebAssembly.Memory for the kernel (e.g. address space exhausted): by default
        // the mirror would only cost memory, so search exactly instead.
        this.autoIndexUseless = true;
        return null;
      }
      if (index) {
        // Mirror the rows stored so far (e.g. added while the path was 'exact').
        if (index.reserve(this.rows)) for (let r = 0; r < this.rows; r++) index.write(r, this.data.row(r));
        else return (this.index = null);
      }
      this.index = index;
    }
    return this.index;
  }

  private reserve(needRows: number): void {
    this.data.reserve(needRows, INITIAL_ROWS);
    const capRows = this.owner.length;
    if (needRows > capRows) {
      const owner = new Int32Array(Math.max(needRows, capRows * 2));
      owner.set(this.owner.subarray(0, this.rows));
      this.owner = owner;
    }
    const index = this.wantsIndex() ? this.ensureIndex() : this.index;
    // Out of (wasm) memory: search on without the pre-filter rather than fail the add.
    if (index && !index.reserve(needRows)) this.index = null;
  }
}

/** The `k` and `minSimilarity` of a gallery search (in memory or in PostgreSQL), or an InvalidOptionError. */
export function checkSearchArgs(k: unknown, minSimilarity: unknown): void {
  if (typeof k !== 'number' || !Number.isInteger(k) || k <= 0) throw new InvalidOptionError(`k must be a positive integer (how many matches to return), got ${describeValue(k)}.`);
  if (typeof minSimilarity !== 'number' || Number.isNaN(minSimilarity)) {
    throw new InvalidOptionError(`minSimilarity must be a number in [-1, 1] (-1 keeps every match), got ${describeValue(minSimilarity)}.`);
  }
}

/** Places `item` at the root of the heap `heap[0..len)` and sifts it down (worst at root). */
function siftDown(heap: Int32Array, len: number, item: number, worse: (a: number, b: number) => boolean): void {
  let c = 0;
  for (;;) {
    let child = 2 * c + 1;
    if (child >= len) break;
    if (child + 1 < len && worse(heap[child + 1]!, heap[child]!)) child++;
    if (!worse(heap[child]!, item)) break;
    heap[c] = heap[child]!;
    c = child;
  }
  heap[c] = item;
}

/**
 * The embeddings `add` was given: one vector (Float32Array, or an array of numbers) or a list
 * of them. An array is one vector when its first item is a number.
 */
function embeddingList(embedding: unknown, shown: string): readonly unknown[] {
  if (ArrayBuffer.isView(embedding)) return [embedding];
  if (!Array.isArray(embedding)) {
    throw new InvalidInputError(`Embedding for ${shown} must be a Float32Array or an array of numbers, got ${describeValue(embedding)} (add also takes a list of them). ${USE_EMBEDDING}`);
  }
  return typeof embedding[0] === 'number' ? [embedding] : embedding;
}

/** An empty gallery of `dim`-long embeddings (default 512), tagged with the recognizer `model`. */
export function createGallery(options: { dim?: number; model?: string } = {}): Gallery {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError(`createGallery options must be an object like { dim: 512 }, got ${describeValue(options)}.`);
  const { dim = 512, model } = options;
  if (!Number.isInteger(dim) || dim <= 0 || dim > MAX_GALLERY_DIM) {
    throw new InvalidOptionError(`dim must be a positive integer up to ${MAX_GALLERY_DIM} (the recognizer's embedding length, e.g. 512), got ${describeValue(dim)}.`);
  }
  if (model !== undefined && typeof model !== 'string') throw new InvalidOptionError(`model must be a string (the recognizer id), got ${describeValue(model)}.`);
  return new PackedGallery(dim, model);
}

/**
 * Rebuilds a gallery from {@link Gallery.toJSON} output (typically after JSON.parse). Checks
 * every field and throws an InvalidInputError naming the one that is wrong, e.g.
 * `entries[3].embeddings[1] has 511 numbers, expected 512 (dim)`. Only own properties are read
 * and unknown extra keys are ignored. Ids are any non-empty strings, '__proto__' and
 * 'constructor' included: they are kept in a Map, never used as object keys, so they are plain
 * data and cannot pollute a prototype. Duplicate ids are rejected. Always builds a new gallery.
 */
export function galleryFromJSON(json: unknown): Gallery {
  try {
    return readGalleryJSON(json);
  } catch (e) {
    if (e instanceof FaceKitError) throw e;
    // A getter or proxy in hand-built input threw, or memory ran out: still unusable input.
    throw new InvalidInputError(`Gallery JSON could not be read (${e instanceof Error ? e.message : String(e)}). ${FROM_TO_JSON}`, { cause: e });
  }
}

const FROM_TO_JSON = 'Pass what Gallery.toJSON() returned.';

function badJSON(what: string): InvalidInputError {
  return new InvalidInputError(`Gallery JSON: ${what}. ${FROM_TO_JSON}`);
}

function readGalleryJSON(json: unknown): Gallery {
  if (typeof json === 'string') throw badJSON(`got a string (${describeValue(json)}), not an object; JSON.parse the stored text first`);
  if (!isRecord(json)) throw badJSON(`must be an object, got ${describeValue(json)}`);
  const format = own(json, 'format');
  if (format !== FORMAT) throw badJSON(`format must be "${FORMAT}", got ${describeValue(format)}`);
  const version = own(json, 'version'), dim = own(json, 'dim'), model = own(json, 'model'), entries = own(json, 'entries');
  if (typeof version !== 'number') throw badJSON(`version must be a number, got ${describeValue(version)}`);
  if (version !== VERSION) throw badJSON(`unsupported gallery version ${version} (this build reads version ${VERSION}); load it with the facekit that wrote it`);
  if (typeof dim !== 'number') throw badJSON(`dim must be a number, got ${describeValue(dim)}`);
  if (!Number.isInteger(dim) || dim <= 0 || dim > MAX_GALLERY_DIM) throw badJSON(`dim must be a positive integer up to ${MAX_GALLERY_DIM}, got ${dim}`);
  if (model !== undefined && typeof model !== 'string') throw badJSON(`model must be a string when present, got ${describeValue(model)}`);
  if (!Array.isArray(entries)) throw badJSON(`entries must be an array, got ${describeValue(entries)}`);

  const gallery = new PackedGallery(dim, model);
  // A Map, not an object: ids such as "__proto__" are keys like any other.
  const firstSeen = new Map<string, number>();
  const row = new Float32Array(dim);
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i];
    const at = `entries[${i}]`;
    if (!isRecord(entry)) throw badJSON(`${at} must be an object, got ${describeValue(entry)}; each entry is { id, embeddings }`);
    const id = own(entry, 'id'), embeddings = own(entry, 'embeddings');
    if (typeof id !== 'string') throw badJSON(`${at}.id must be a string, got ${describeValue(id)}`);
    if (id.length === 0) throw badJSON(`${at}.id is empty; ids are non-empty strings`);
    const prev = firstSeen.get(id);
    if (prev !== undefined) throw badJSON(`${at}.id ${describeValue(id)} duplicates entries[${prev}].id; each identity appears once, with all its embeddings`);
    firstSeen.set(id, i);
    if (!Array.isArray(embeddings)) throw badJSON(`${at}.embeddings must be an array, got ${describeValue(embeddings)}`);
    if (embeddings.length === 0) throw badJSON(`${at}.embeddings is empty; each identity needs at least one embedding`);
    for (let j = 0; j < embeddings.length; j++) {
      const e: unknown = embeddings[j];
      const eat = `${at}.embeddings[${j}]`;
      if (!Array.isArray(e)) throw badJSON(`${eat} must be an array of numbers, got ${describeValue(e)}`);
      if (e.length !== dim) throw badJSON(`${eat} has ${e.length} numbers, expected ${dim} (dim)`);
      let ss = 0;
      for (let t = 0; t < dim; t++) {
        const x: unknown = e[t];
        if (typeof x !== 'number') throw badJSON(`${eat}[${t}] must be a number, got ${describeValue(x)}`);
        if (!Number.isFinite(x)) throw badJSON(`${eat}[${t}] is ${x}, expected a finite number`);
        row[t] = x;
        const f = row[t]!;
        if (!Number.isFinite(f)) throw badJSON(`${eat}[${t}] is ${x}, outside the float32 range`);
        ss += f * f;
      }
      // Checked on the float32 values: tiny doubles can flush to zero.
      if (!(ss > 0)) throw badJSON(`${eat} has zero norm (all zeros), so it has no direction to match`);
      // toJSON output is unit length to float32 rounding (|ss - 1| ≤ ~1.2e-7); keep it bit-exact
      // rather than re-rounding, and normalize anything else (hand-written or foreign files).
      if (Math.abs(ss - 1) > 1e-6) l2Normalize(row, row);
      gallery.appendUnit(id, row);
    }
  }
  return gallery;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `o[key]` when it is o's own property: an inherited (or polluted) prototype field is not data. */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}
