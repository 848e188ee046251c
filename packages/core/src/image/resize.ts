/**
 * Bilinear resize of an RGBA image into the top-left corner of a (zeroed) RGBA destination,
 * sampling at pixel centres with edge clamping: the same filter as OpenCV's INTER_LINEAR. The
 * browser worker and Node both letterbox with it (`letterboxFromPixels`), so they feed the
 * detector the same bytes; a canvas does not (Chromium blends in mipmaps at some scales).
 */
export function resizeBilinearRGBA(
  src: Uint8Array | Uint8ClampedArray,
  srcWidth: number,
  srcHeight: number,
  dst: Uint8ClampedArray,
  dstStride: number,
  drawWidth: number,
  drawHeight: number,
): void {
  const sx = srcWidth / drawWidth;
  const sy = srcHeight / drawHeight;
  // Column taps are the same for every row: compute them once.
  const x0s = new Int32Array(drawWidth);
  const x1s = new Int32Array(drawWidth);
  const fxs = new Float32Array(drawWidth);
  for (let x = 0; x < drawWidth; x++) {
    let fx = (x + 0.5) * sx - 0.5;
    if (fx < 0) fx = 0;
    let x0 = Math.floor(fx);
    if (x0 > srcWidth - 1) x0 = srcWidth - 1;
    x0s[x] = x0 * 4;
    x1s[x] = Math.min(x0 + 1, srcWidth - 1) * 4;
    fxs[x] = Math.min(fx - x0, 1);
  }
  for (let y = 0; y < drawHeight; y++) {
    let fy = (y + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    let y0 = Math.floor(fy);
    if (y0 > srcHeight - 1) y0 = srcHeight - 1;
    const y1 = Math.min(y0 + 1, srcHeight - 1);
    const wy = Math.min(fy - y0, 1);
    const row0 = y0 * srcWidth * 4;
    const row1 = y1 * srcWidth * 4;
    let o = y * dstStride * 4;
    for (let x = 0; x < drawWidth; x++, o += 4) {
      const a = row0 + x0s[x]!;
      const b = row0 + x1s[x]!;
      const c = row1 + x0s[x]!;
      const d = row1 + x1s[x]!;
      const wx = fxs[x]!;
      for (let ch = 0; ch < 4; ch++) {
        const top = src[a + ch]! + (src[b + ch]! - src[a + ch]!) * wx;
        const bot = src[c + ch]! + (src[d + ch]! - src[c + ch]!) * wx;
        dst[o + ch] = top + (bot - top) * wy; // Uint8ClampedArray rounds half to even
      }
    }
  }
}
