/**
 * Row storage for a gallery's float32 embeddings: fixed-size blocks of whole rows (about
 * 4 MB each), so growing to a million 512-d rows (2 GB) allocates one more block at a time
 * instead of reallocating and copying everything. The first block starts small and doubles
 * until it reaches the block size, so tiny galleries stay tiny.
 *
 * Row r lives in `blocks[r >>> shift]` at float offset `(r & mask) * dim`.
 */
export class FloatRows {
  readonly dim: number;
  /** log2 of the rows per block. */
  readonly shift: number;
  readonly mask: number;
  readonly blockRows: number;
  blocks: Float32Array[] = [];
  /** Rows the blocks can hold. */
  capacity = 0;

  constructor(dim: number, blockFloats = 1 << 20) {
    this.dim = dim;
    this.shift = Math.max(0, Math.floor(Math.log2(blockFloats / dim)));
    this.blockRows = 2 ** this.shift;
    this.mask = this.blockRows - 1;
  }

  /** Makes room for `rows` rows, keeping the existing ones. */
  reserve(rows: number, initialRows = 16): void {
    const { dim, blockRows } = this;
    while (this.capacity < rows) {
      if (this.blocks.length === 0) {
        const n = Math.min(blockRows, Math.max(rows, initialRows));
        this.blocks.push(new Float32Array(n * dim));
        this.capacity = n;
      } else if (this.blocks.length === 1 && this.capacity < blockRows) {
        const n = Math.min(blockRows, Math.max(rows, this.capacity * 2));
        const b = new Float32Array(n * dim);
        b.set(this.blocks[0]!);
        this.blocks[0] = b;
        this.capacity = n;
      } else {
        this.blocks.push(new Float32Array(blockRows * dim));
        this.capacity += blockRows;
      }
    }
  }

  /** A view of row `r` (r < capacity). */
  row(r: number): Float32Array {
    const at = (r & this.mask) * this.dim;
    return this.blocks[r >>> this.shift]!.subarray(at, at + this.dim);
  }

  /**
   * Moves rows [src, src + count) down to [dst, dst + count), dst < src, in segments that
   * stay inside one block on both sides (ascending, so overlapping ranges are safe).
   */
  moveDown(dst: number, src: number, count: number): void {
    const { dim, shift, mask, blockRows } = this;
    while (count > 0) {
      const n = Math.min(count, blockRows - (src & mask), blockRows - (dst & mask));
      const from = this.blocks[src >>> shift]!, to = this.blocks[dst >>> shift]!;
      const s = (src & mask) * dim, d = (dst & mask) * dim;
      if (from === to) to.copyWithin(d, s, s + n * dim);
      else to.set(from.subarray(s, s + n * dim), d);
      src += n;
      dst += n;
      count -= n;
    }
  }

  /** Frees whole blocks beyond what `rows` rows need (keeps at least the first block). */
  trim(rows: number): void {
    const keep = Math.max(1, Math.ceil(rows / this.blockRows));
    if (this.blocks.length > keep) {
      this.blocks.length = keep;
      this.capacity = keep * this.blockRows;
    }
  }
}
