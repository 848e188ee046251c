import { INT8_DOT_WASM_BASE64 } from './int8-dot.wasm.js';
import { FaceKitError } from '../errors.js';

/**
 * Int8 mirror of a gallery's unit-length float32 rows, used to pre-filter a search with
 * rigorous bounds so that only a few rows need the exact float32 dot product.
 *
 * Row r is stored as signed bytes x8 with a scale s_r = max|x_r| / 127, x8 = round(x_r / s_r),
 * plus two float64 norms: e_r = ‖x_r − s_r·x8‖ (the quantization error) and n_r = ‖s_r·x8‖.
 * A query q is quantized finer, to 16-bit integers q16 with scale s_q (‖q − s_q·q16‖ = e_q),
 * which costs nothing extra: the kernel widens the bytes to 16 bits anyway. Then
 *
 *   x·q = (x̂ + dx)·q = x̂·q̂ + x̂·dq + dx·q,   x̂ = s_r·x8, q̂ = s_q·q16
 *   |x·q − s_r·s_q·(x8·q16)| ≤ n_r·e_q + e_r·‖q‖        (Cauchy–Schwarz, twice)
 *
 * and x8·q16 is an exact integer. (n_r is replaced by the largest n_r in the index, ≈ 1: barely
 * looser, as it multiplies the tiny e_q, and one load less per row.) The float64 arithmetic
 * around it and the float rounding of the exact score the gallery computes are both many
 * orders of magnitude below {@link BOUND_SLACK}, which is added on top. For 512-d face embeddings e_r ≈ 0.0075 and
 * e_q ≈ 0.00003, so every row's score is known to within about ±0.0075 after one pass over
 * a quarter of the float32 bytes.
 *
 * The bytes live in a WebAssembly.Memory, one per index, grown in place page by page (no
 * copy of the existing rows on 64-bit engines, which reserve the address space up front);
 * the dot products run in a WebAssembly SIMD128 kernel (int8-dot.wat) when the engine
 * validates it, else in plain JS over the same bytes, with identical integer results.
 */

/** Which integer dot-product kernel a pre-filter pass uses. */
export type Int8Kernel = 'wasm' | 'js';

/** Added to every bound: covers float64 rounding in the bound itself and in the exact scores. */
export const BOUND_SLACK = 1e-6;

const ROW_MAX = 127;
const QUERY_MAX = 32767;
const I32_MAX = 2147483647;
/** Rows per kernel call: the i32 results stay in cache for the JS pass that reads them. */
const CHUNK = 2048;
const PAGE = 65536;
/** wasm32's limit: 4 GiB. */
const MAX_PAGES = 65536;
const MAX_BYTES = PAGE * MAX_PAGES;

type DotsFn = (q: number, rows: number, count: number, stride: number, out: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled SIMD kernel, or null where WebAssembly or SIMD128 is unavailable (or a
 * content security policy forbids compiling). Compiled synchronously once: the module is a
 * few hundred bytes, well under Chrome's 4 KB limit for synchronous compiles on the main
 * thread.
 */
export function int8DotModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      if (typeof WebAssembly === 'object') {
        const bytes = decodeBase64(INT8_DOT_WASM_BASE64);
        if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
      }
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Plain-JS twin of the wasm `dots` export: out[i] = Σ_j rows[i·stride + j] · q[j]. The sums
 * are exact integers below 2^31 in magnitude (see {@link Int8Index.queryMax}), so both agree
 * bit for bit.
 */
export function jsDots(bytes: Int8Array, q16: Int16Array, rowsOff: number, count: number, stride: number, out: Int32Array): void {
  for (let i = 0, base = rowsOff; i < count; i++, base += stride) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    // stride is a multiple of 16.
    for (let j = 0; j < stride; j += 4) {
      s0 += bytes[base + j]! * q16[j]!;
      s1 += bytes[base + j + 1]! * q16[j + 1]!;
      s2 += bytes[base + j + 2]! * q16[j + 2]!;
      s3 += bytes[base + j + 3]! * q16[j + 3]!;
    }
    out[i] = s0 + s1 + (s2 + s3);
  }
}

/** Largest query integer for a row stride such that 127 · max · stride < 2^31. */
function queryMaxFor(stride: number): number {
  return Math.min(QUERY_MAX, Math.floor(I32_MAX / (ROW_MAX * stride)));
}

export class Int8Index {
  readonly dim: number;
  /** Bytes per row: dim rounded up to 16, zero padded. */
  readonly stride: number;
  /** Query integers are in [-queryMax, queryMax]. */
  readonly queryMax: number;
  /** Byte offsets of the query (i16 × stride), the kernel's output (i32 × CHUNK) and the rows. */
  private readonly queryOff = 0;
  private readonly outOff: number;
  private readonly rowsOff: number;
  private readonly memory: WebAssembly.Memory | null;
  private buffer: ArrayBuffer;
  private bytes!: Int8Array;
  private q16!: Int16Array;
  private out!: Int32Array;
  private readonly dots: DotsFn | null;
  private capRows = 0;
  /** Per row: s_r and e_r (see the file comment). */
  private scale = new Float64Array(0);
  private err = new Float64Array(0);
  /**
   * An upper bound on every row's n_r (≈ 1 for unit rows): the bound uses it in place of n_r,
   * which is barely looser (it multiplies the tiny e_q) and saves a per-row load. Never
   * lowered on removal, which keeps it an upper bound.
   */
  private normMax = 0;
  /** Search scratch: per-slot best lower bound and heap position, candidate rows and bounds. */
  private lower = new Float64Array(0);
  private heapPos = new Int32Array(0);
  private cand = new Int32Array(0);
  private candUpper = new Float64Array(0);

  /** Null when `dim` is too large for exact i32 sums with a useful query precision. */
  static create(dim: number): Int8Index | null {
    const stride = Math.ceil(dim / 16) * 16;
    if (queryMaxFor(stride) < ROW_MAX) return null;
    return new Int8Index(dim, stride);
  }

  private constructor(dim: number, stride: number) {
    this.dim = dim;
    this.stride = stride;
    this.queryMax = queryMaxFor(stride);
    this.outOff = align16(stride * 2);
    this.rowsOff = this.outOff + CHUNK * 4;
    const initialBytes = this.rowsOff + 16 * stride;
    let memory: WebAssembly.Memory | null = null;
    try {
      if (typeof WebAssembly === 'object') memory = new WebAssembly.Memory({ initial: Math.ceil(initialBytes / PAGE), maximum: MAX_PAGES });
    } catch {
      // Address space exhausted or WebAssembly disabled: plain ArrayBuffer, JS kernel.
      memory = null;
    }
    this.memory = memory;
    this.buffer = memory ? memory.buffer : new ArrayBuffer(initialBytes);
    this.refreshViews();
    this.capRows = Math.floor((this.buffer.byteLength - this.rowsOff) / stride);
    let dots: DotsFn | null = null;
    const module = memory ? int8DotModule() : null;
    if (module && memory) {
      try {
        dots = new WebAssembly.Instance(module, { env: { memory } }).exports.dots as DotsFn;
      } catch {
        dots = null;
      }
    }
    this.dots = dots;
    this.growMeta(this.capRows);
  }

  /** The kernels this index can run: 'wasm' only where SIMD128 compiled. */
  get kernels(): Int8Kernel[] {
    return this.dots ? ['wasm', 'js'] : ['js'];
  }

  /** Makes room for `rows` rows; false when the memory cannot grow (the caller drops the index). */
  reserve(rows: number): boolean {
    if (rows <= this.capRows) return true;
    const want = Math.max(rows, Math.ceil(this.capRows * 1.5));
    const fits = (n: number): boolean => this.rowsOff + n * this.stride <= MAX_BYTES;
    const target = fits(want) ? want : rows;
    if (!fits(target)) return false;
    const bytes = this.rowsOff + target * this.stride;
    try {
      if (this.memory) {
        this.memory.grow(Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE);
        this.buffer = this.memory.buffer;
      } else {
        const next = new ArrayBuffer(bytes);
        new Uint8Array(next).set(new Uint8Array(this.buffer));
        this.buffer = next;
      }
    } catch {
      return false;
    }
    this.refreshViews();
    this.capRows = Math.floor((this.buffer.byteLength - this.rowsOff) / this.stride);
    this.growMeta(this.capRows);
    return true;
  }

  /** Quantizes the unit-length float32 row `v` into row slot `row` (< reserved rows). */
  write(row: number, v: Float32Array): void {
    const { dim, stride, bytes } = this;
    let m = 0;
    for (let j = 0; j < dim; j++) {
      const a = Math.abs(v[j]!);
      if (a > m) m = a;
    }
    const base = this.rowsOff + row * stride;
    if (!(m > 0)) {
      // Not reachable for unit rows; keep the bound valid anyway (x̂ = 0, e = ‖x‖).
      let ss = 0;
      for (let j = 0; j < dim; j++) ss += v[j]! * v[j]!;
      bytes.fill(0, base, base + stride);
      this.scale[row] = 0;
      this.err[row] = Math.sqrt(ss);
      return;
    }
    const s = m / ROW_MAX;
    const inv = ROW_MAX / m;
    let ee = 0, nn = 0;
    for (let j = 0; j < dim; j++) {
      const x = v[j]!;
      // Any rounding keeps the bound valid (e_r is measured, not assumed); floor(+0.5) is
      // about 3× faster than Math.round in V8.
      let t = Math.floor(x * inv + 0.5);
      if (t > ROW_MAX) t = ROW_MAX;
      else if (t < -ROW_MAX) t = -ROW_MAX;
      bytes[base + j] = t;
      const y = s * t;
      const d = x - y;
      ee += d * d;
      nn += y * y;
    }
    bytes.fill(0, base + dim, base + stride);
    this.scale[row] = s;
    this.err[row] = Math.sqrt(ee);
    const n = Math.sqrt(nn);
    if (n > this.normMax) this.normMax = n;
  }

  /** Moves rows [src, src + count) to [dst, dst + count), memmove-style. */
  move(dst: number, src: number, count: number): void {
    if (dst === src || count <= 0) return;
    const { stride, rowsOff } = this;
    this.bytes.copyWithin(rowsOff + dst * stride, rowsOff + src * stride, rowsOff + (src + count) * stride);
    this.scale.copyWithin(dst, src, src + count);
    this.err.copyWithin(dst, src, src + count);
  }

  /**
   * Rows that may belong to the `k` best identities with similarity ≥ `minSimilarity`:
   * writes them, ascending, to the returned array's first `count` entries. `q` is the unit
   * query, `owner[r]` row r's identity slot in [0, slots).
   *
   * Every identity gets a lower bound (its best row's approximate score minus the bound); L is
   * the k-th largest. The true top k all score ≥ L (k identities provably do), so only rows
   * whose upper bound reaches L — or minSimilarity, when higher — can matter, and such a row
   * is kept whenever it is its identity's best. Clamping to [-1, 1] is accounted for: a
   * threshold at or below -1 keeps everything, one above 1 is lowered to 1.
   */
  candidates(q: Float32Array, rows: number, owner: Int32Array, slots: number, k: number, minSimilarity: number, kernel: Int8Kernel): { rows: Int32Array; count: number } {
    const { stride, out, scale, err } = this;
    if (kernel === 'wasm' && !this.dots) throw new FaceKitError('INTERNAL', 'The WebAssembly SIMD kernel is not available here; the gallery should have picked another search path (a facekit bug)');
    const { sq, qn, c } = this.prepareQuery(q);

    if (this.lower.length < slots) {
      this.lower = new Float64Array(Math.max(slots, this.lower.length * 2));
      this.heapPos = new Int32Array(this.lower.length);
    }
    const { lower, heapPos } = this;
    lower.fill(-Infinity, 0, slots);
    heapPos.fill(-1, 0, slots);
    // The k identities with the largest lower bounds so far (a min-heap with positions, as an
    // identity's bound can still rise). Its minimum only grows as rows are scanned, so the
    // threshold derived from it at any point is ≤ the final one: rows below it are safe to
    // skip right away, and the few let through are filtered again at the end.
    // With fewer than k identities in all there is no floor (+∞ keeps the heap idle): only
    // minSimilarity prunes.
    const cap = k <= slots ? k : 0;
    const heapVal = new Float64Array(cap);
    const heapSlot = new Int32Array(cap);
    let heapLen = 0;
    let floor = cap > 0 ? -Infinity : Infinity;
    let t = threshold(-Infinity, minSimilarity);
    let cand = this.cand, candUpper = this.candUpper;
    let n = 0;

    const dots = kernel === 'wasm' ? this.dots : null;
    for (let c0 = 0; c0 < rows; c0 += CHUNK) {
      const count = Math.min(CHUNK, rows - c0);
      const at = this.rowsOff + c0 * stride;
      if (dots) dots(this.queryOff, at, count, stride, this.outOff);
      else jsDots(this.bytes, this.q16, at, count, stride, out);
      if (cand.length < n + count) {
        cand = this.cand = grow32(cand, n + count);
        candUpper = this.candUpper = grow64(candUpper, n + count);
      }
      for (let i = 0, r = c0; i < count; i++, r++) {
        const a = scale[r]! * sq * out[i]!;
        const b = err[r]! * qn + c;
        const lb = a - b;
        const o = owner[r]!;
        if (lb > lower[o]!) {
          lower[o] = lb;
          // An identity already in the heap holds its bound there, which is ≥ floor.
          if (lb > floor) {
            const p = heapPos[o]!;
            if (p >= 0) {
              heapSift(heapVal, heapSlot, heapPos, heapLen, p, lb, o);
            } else if (heapLen < cap) {
              heapUp(heapVal, heapSlot, heapPos, heapLen++, lb, o);
            } else {
              heapPos[heapSlot[0]!] = -1;
              heapSift(heapVal, heapSlot, heapPos, heapLen, 0, lb, o);
            }
            if (heapLen === cap) {
              floor = heapVal[0]!;
              t = threshold(floor, minSimilarity);
            }
          }
        }
        const ub = a + b;
        if (ub >= t) {
          cand[n] = r;
          candUpper[n++] = ub;
        }
      }
    }

    // Final threshold (L = the k-th largest identity lower bound): drop the rows let through
    // while it was still rising.
    let w = 0;
    for (let i = 0; i < n; i++) if (candUpper[i]! >= t) cand[w++] = cand[i]!;
    return { rows: cand, count: w };
  }

  /**
   * Quantizes the unit query `q` into the memory's query slot and returns what the per-row
   * bound needs: a_r = s_r·sq·dot_r, |x_r·q − a_r| ≤ e_r·qn + c.
   */
  private prepareQuery(q: Float32Array): { sq: number; qn: number; c: number } {
    const { dim, stride, queryMax, q16 } = this;
    let m = 0, qq = 0;
    for (let j = 0; j < dim; j++) {
      const x = q[j]!;
      qq += x * x;
      const a = Math.abs(x);
      if (a > m) m = a;
    }
    const sq = m / queryMax;
    const inv = queryMax / m;
    let ee = 0;
    for (let j = 0; j < dim; j++) {
      const x = q[j]!;
      let t = Math.floor(x * inv + 0.5);
      if (t > queryMax) t = queryMax;
      else if (t < -queryMax) t = -queryMax;
      q16[j] = t;
      const d = x - sq * t;
      ee += d * d;
    }
    q16.fill(0, dim, stride);
    return { sq, qn: Math.sqrt(qq), c: this.normMax * Math.sqrt(ee) + BOUND_SLACK };
  }

  /** Test hook: every row's [lower, upper] bound on its score against the unit query `q`. */
  rowBounds(q: Float32Array, rows: number, kernel: Int8Kernel): { lower: Float64Array; upper: Float64Array } {
    const dots = kernel === 'wasm' ? this.dots : null;
    if (kernel === 'wasm' && !dots) throw new FaceKitError('INTERNAL', 'The WebAssembly SIMD kernel is not available here; ask for the js kernel (test hook)');
    const { sq, qn, c } = this.prepareQuery(q);
    const lower = new Float64Array(rows), upper = new Float64Array(rows);
    for (let c0 = 0; c0 < rows; c0 += CHUNK) {
      const count = Math.min(CHUNK, rows - c0);
      const at = this.rowsOff + c0 * this.stride;
      if (dots) dots(this.queryOff, at, count, this.stride, this.outOff);
      else jsDots(this.bytes, this.q16, at, count, this.stride, this.out);
      for (let i = 0, r = c0; i < count; i++, r++) {
        const a = this.scale[r]! * sq * this.out[i]!;
        const b = this.err[r]! * qn + c;
        lower[r] = a - b;
        upper[r] = a + b;
      }
    }
    return { lower, upper };
  }

  private refreshViews(): void {
    const buf = this.buffer;
    this.bytes = new Int8Array(buf);
    this.q16 = new Int16Array(buf, this.queryOff, this.stride);
    this.out = new Int32Array(buf, this.outOff, CHUNK);
  }

  private growMeta(rows: number): void {
    if (this.scale.length >= rows) return;
    const grow = (a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(rows);
      b.set(a);
      return b;
    };
    this.scale = grow(this.scale);
    this.err = grow(this.err);
  }
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

/**
 * The candidate threshold for a heap floor L (−∞ until k identities are in): max(L,
 * minSimilarity), where at or below -1 keeps everything (scores clamp to -1) and above 1 is
 * lowered to 1 (scores clamp to 1). Nondecreasing in L.
 */
export function threshold(floor: number, minSimilarity: number): number {
  let t = floor;
  if (minSimilarity > t) t = minSimilarity;
  if (t <= -1) return -Infinity;
  return t > 1 ? 1 : t;
}

/** Moves (v, slot) up from position c of the min-heap, keeping pos[] in step. */
function heapUp(val: Float64Array, slot: Int32Array, pos: Int32Array, c: number, v: number, s: number): void {
  while (c > 0) {
    const p = (c - 1) >> 1;
    if (val[p]! <= v) break;
    val[c] = val[p]!;
    slot[c] = slot[p]!;
    pos[slot[c]!] = c;
    c = p;
  }
  val[c] = v;
  slot[c] = s;
  pos[s] = c;
}

/** Puts (v, slot), v ≥ the value it replaces, at position c of the min-heap and sifts it down. */
function heapSift(val: Float64Array, slot: Int32Array, pos: Int32Array, len: number, c: number, v: number, s: number): void {
  for (;;) {
    let child = 2 * c + 1;
    if (child >= len) break;
    if (child + 1 < len && val[child + 1]! < val[child]!) child++;
    if (val[child]! >= v) break;
    val[c] = val[child]!;
    slot[c] = slot[child]!;
    pos[slot[c]!] = c;
    c = child;
  }
  val[c] = v;
  slot[c] = s;
  pos[s] = c;
}

function grow32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

function grow64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}
