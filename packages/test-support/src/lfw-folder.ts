// A folder of LFW photos laid out for `facekit-node enroll`: one sub-folder per person, the photos
// under their LFW names. For the Node tests of the enrollment CLI.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DIR } from './node.js';

export const LFW_DIR = join(SHARED_DIR, 'data/lfw-dev/images');

/** Path of `person`'s n-th LFW photo. */
export const lfwPhoto = (person: string, n: number): string => join(LFW_DIR, person, lfwName(person, n));

const lfwName = (person: string, n: number): string => `${person}_${String(n).padStart(4, '0')}.jpg`;

/** Copies `photos` (person → photo numbers) into `dir/<person>/<LFW name>`. */
export function copyLfwFolder(dir: string, photos: Record<string, readonly number[]>): void {
  for (const [person, ns] of Object.entries(photos)) {
    mkdirSync(join(dir, person), { recursive: true });
    for (const n of ns) copyFileSync(lfwPhoto(person, n), join(dir, person, lfwName(person, n)));
  }
}
