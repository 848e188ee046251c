import type { Box } from '../geometry/box.js';
import { InvalidInputError } from '../errors.js';

/** One annotated image of an FDDB fold. */
export interface FddbImage {
  /** Path under `originalPics/`, without `.jpg`, e.g. `2002/08/11/big/img_591`. */
  path: string;
  /** Axis-aligned bounding boxes of the face ellipses. */
  faces: Box[];
}

/**
 * The axis-aligned bounding box of an FDDB ellipse (`major_r minor_r angle cx cy`): the angle
 * is the major axis' direction in radians.
 */
export function ellipseToBox(majorR: number, minorR: number, angle: number, cx: number, cy: number): Box {
  const c = Math.cos(angle), s = Math.sin(angle);
  const hw = Math.sqrt((majorR * c) ** 2 + (minorR * s) ** 2);
  const hh = Math.sqrt((majorR * s) ** 2 + (minorR * c) ** 2);
  return [cx - hw, cy - hh, cx + hw, cy + hh];
}

/** Parses an `FDDB-fold-NN-ellipseList.txt`: path, count, then one ellipse a line. */
export function parseFddbEllipses(text: string): FddbImage[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  const images: FddbImage[] = [];
  let i = 0;
  while (i < lines.length) {
    const path = lines[i++]!;
    const count = Number(lines[i++]);
    if (!Number.isInteger(count) || count < 0) throw new InvalidInputError(`FDDB: bad face count after "${path}" (line ${i})`);
    const faces: Box[] = [];
    for (let k = 0; k < count; k++) {
      const v = (lines[i++] ?? '').split(/\s+/).map(Number);
      if (v.length < 5 || v.slice(0, 5).some((x) => !Number.isFinite(x))) throw new InvalidInputError(`FDDB: bad ellipse for "${path}" (line ${i})`);
      faces.push(ellipseToBox(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!));
    }
    images.push({ path, faces });
  }
  return images;
}
