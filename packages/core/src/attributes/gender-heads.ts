// The gender heads facekit ships, by the pair of models they stack. Each is its own module,
// imported only when a kit reads gender with it: a bundler splits it off (26 KB gzip), so apps
// that never ask for gender never download it.
import type { GenderHead } from './gender-head.js';

const SHIPPED: readonly { genderModel: string; recognizer: string; load: () => Promise<GenderHead> }[] = [
  { genderModel: 'fr_gender', recognizer: 'fr_feature', load: async () => (await import('./gender-head-fr-feature.js')).FR_GENDER_FR_FEATURE_HEAD },
];

const find = (genderModel: string, recognizer: string) => SHIPPED.find((h) => h.genderModel === genderModel && h.recognizer === recognizer);

/** Whether facekit ships a head stacking `genderModel`'s reading with `recognizer`'s embeddings. */
export const hasGenderHead = (genderModel: string, recognizer: string): boolean => find(genderModel, recognizer) !== undefined;

/** That head, loaded; undefined if none ships. */
export async function loadGenderHead(genderModel: string, recognizer: string): Promise<GenderHead | undefined> {
  return find(genderModel, recognizer)?.load();
}
