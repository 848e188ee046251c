import { iou, type Box } from './box.js';

/**
 * Greedy non-maximum suppression. Returns the indices of the kept boxes, best score first,
 * at most `limit` of them.
 */
export function nms(
  boxes: readonly Readonly<Box>[],
  scores: ArrayLike<number>,
  iouThreshold: number,
  limit = Infinity,
): number[] {
  const order = Array.from(boxes.keys()).sort((a, b) => scores[b]! - scores[a]!);
  const suppressed = new Uint8Array(boxes.length);
  const keep: number[] = [];
  for (let i = 0; i < order.length && keep.length < limit; i++) {
    const bi = order[i]!;
    if (suppressed[bi]) continue;
    keep.push(bi);
    for (let j = i + 1; j < order.length; j++) {
      const bj = order[j]!;
      if (!suppressed[bj] && iou(boxes[bi]!, boxes[bj]!) > iouThreshold) suppressed[bj] = 1;
    }
  }
  return keep;
}
