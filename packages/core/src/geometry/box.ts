/** An axis-aligned box `[x1, y1, x2, y2]` in pixels (x2 > x1, y2 > y1). */
export type Box = [x1: number, y1: number, x2: number, y2: number];
/** A point `[x, y]` in pixels. */
export type Point = [x: number, y: number];

export function boxArea(b: Readonly<Box>): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

/** Intersection over union of two boxes; 0 when either is empty. */
export function iou(a: Readonly<Box>, b: Readonly<Box>): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** The part of a box inside a `width` × `height` image. */
export function clipBox(b: Readonly<Box>, width: number, height: number): Box {
  return [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(width, b[2]), Math.min(height, b[3])];
}
