// Person-disjoint cross-validation of the gender readers on one set of per-image features (the
// embedding and SSR-Net's reading of the face nearest the centre), as eval-attributes --folds
// prints it. Every candidate sees the same folds; whatever is fitted (the head's weights and
// penalty, any Platt scaling) is fitted on the training people of each fold only.
import {
  clampedLogit, crossValidateGenderHead, crossValidateHead, fitPlatt, applyPlatt, personFolds, scoreFolds,
  type FoldScore, type GenderRow, type HeadCrossValidation, type LabelledRow,
} from '@facekit/core';

export interface GenderFeatures {
  /** `<Name>/<Name>_NNNN.jpg` (the person is the folder). */
  path: string;
  label: 'male' | 'female';
  /** null: no face found (counted wrong). */
  embedding: number[] | null;
  /** SSR-Net (fr_gender, six views): P(male). */
  ssrMale: number | null;
}

/** Peer libraries' P(male) of the same images (`pnpm eval:peer-gender`); null: no face found. */
export interface PeerGender { path: string; human: number | null; faceApi: number | null }

export interface CandidateResult {
  method: string;
  accuracy: { mean: number; std: number };
  male: { mean: number; std: number };
  female: { mean: number; std: number };
  ece: { mean: number; std: number };
  folds: FoldScore[];
}

const personOf = (path: string) => path.split('/')[0]!;

function asCandidate(method: string, cv: HeadCrossValidation): CandidateResult {
  return { method, accuracy: cv.accuracy, male: cv.positive, female: cv.negative, ece: cv.ece, folds: cv.folds };
}

/** Cross-validates each reader with `k` person-disjoint folds (seeded: the same split every run). */
export function crossValidateGender(features: readonly GenderFeatures[], k: number, seed = 1, peers?: readonly PeerGender[]): CandidateResult[] {
  const y = features.map((f) => (f.label === 'male' ? 1 : 0));
  const folds = personFolds(features.map((f) => personOf(f.path)), k, seed);
  const foldOf = features.map((f) => folds.get(personOf(f.path))!);
  const byFold = (p: readonly number[], l2: readonly number[] = Array<number>(k).fill(NaN)) => scoreFolds(p, y, foldOf, l2);

  // The head: fitted per fold on the rows with a face; an image without one counts wrong.
  const withFace = features.flatMap((f, i) => (f.embedding ? [i] : []));
  const rows: LabelledRow[] = withFace.map((i) => ({ x: features[i]!.embedding!, y: y[i]!, person: personOf(features[i]!.path) }));
  const headCv = crossValidateHead(rows, { folds: k, seed });
  const headP = features.map(() => NaN);
  withFace.forEach((i, j) => { headP[i] = headCv.heldOut[j]!; });
  const head = byFold(headP, headCv.folds.map((f) => f.l2));

  // SSR-Net as the kit reads it today, and with a Platt scaling fitted on the training folds.
  const ssrRaw = features.map((f) => f.ssrMale ?? NaN);
  const ssrPlatt = features.map(() => NaN);
  for (let f = 0; f < k; f++) {
    const train = features.flatMap((x, i) => (foldOf[i] !== f && x.ssrMale !== null ? [i] : []));
    const platt = fitPlatt(train.map((i) => clampedLogit(ssrRaw[i]!)), train.map((i) => y[i]!));
    features.forEach((x, i) => { if (foldOf[i] === f && x.ssrMale !== null) ssrPlatt[i] = applyPlatt(platt, clampedLogit(x.ssrMale)); });
  }
  // The stack: SSR-Net's reading and the embedding's place among gender prototypes; rows
  // without a face or without an SSR-Net reading count wrong.
  const both = features.flatMap((f, i) => (f.embedding && f.ssrMale !== null ? [i] : []));
  const stackRows = both.map((i): GenderRow => ({ embedding: features[i]!.embedding!, modelMale: features[i]!.ssrMale!, male: y[i]!, person: personOf(features[i]!.path) }));
  const stacked = (prior: 'balanced' | 'training', linear = false) => {
    const cv = crossValidateGenderHead(stackRows, k, { seed, prior, linear });
    const p = features.map(() => NaN);
    both.forEach((i, j) => { p[i] = cv.heldOut[j]!; });
    return byFold(p);
  };

  // Peers as they ship, on the same folds (nothing fitted, so nothing to keep apart).
  const peerOf = new Map((peers ?? []).map((p) => [p.path, p]));
  const peer = (key: 'human' | 'faceApi') => byFold(features.map((f) => peerOf.get(f.path)?.[key] ?? NaN));
  const peerRows = peers ? [asCandidate('human 3.3.6 (peer, as shipped)', peer('human')), asCandidate('face-api 1.7.15 (peer, as shipped)', peer('faceApi'))] : [];

  return [
    ...peerRows,
    asCandidate('ssr-net+prototypes', stacked('balanced')),
    asCandidate('ssr-net+prototypes, LFW prior', stacked('training')),
    asCandidate('ssr-net+prototypes+linear', stacked('balanced', true)),
    asCandidate('ssr-net+prototypes+linear, LFW prior', stacked('training', true)),
    asCandidate('embedding-head', head),
    asCandidate('ssr-net', byFold(ssrRaw)),
    asCandidate('ssr-net+platt', byFold(ssrPlatt)),
  ];
}

export const formatMeanStd = (v: { mean: number; std: number }, scale = 100, digits = 2) => `${(v.mean * scale).toFixed(digits)} ± ${(v.std * scale).toFixed(digits)}`;

/**
 * How often the nearest image of another person (by embedding cosine) has the same gender: whether
 * the embedding carries gender locally, where a hyperplane on it reads badly.
 */
export function nearestOtherPersonAgreement(features: readonly GenderFeatures[]): number {
  const rows = features.filter((f) => f.embedding);
  let same = 0;
  for (const a of rows) {
    let best = -Infinity, label = a.label;
    for (const b of rows) {
      if (personOf(b.path) === personOf(a.path)) continue;
      let s = 0;
      for (let i = 0; i < a.embedding!.length; i++) s += a.embedding![i]! * b.embedding![i]!;
      if (s > best) { best = s; label = b.label; }
    }
    if (label === a.label) same++;
  }
  return same / rows.length;
}
