// `facekit-node models` as a function: a pack's model files into the model folder the Node
// package reads (DEFAULT_MODEL_DIR unless told otherwise), each checked against the registry's
// SHA-256. The fetching is core's fillModelFolder, the same code as the browser package's
// `facekit assets` and the repository's models/fetch-models.ts.
import { resolve } from 'node:path';
import { getModel, getPack, type ModelSpec } from '@facekit/core';
import { fillModelFolder, type FillProgress } from '@facekit/core/node/fill-model-folder';
import { chooseModelDir } from '../model-dir.js';
import type { TextSink } from './progress-bar.js';

export interface ModelsOptions {
  /** @defaultValue $FACEKIT_MODELS, else DEFAULT_MODEL_DIR ('./facekit/models') */
  dir?: string;
  /** @defaultValue 'facekit_s' */
  pack?: string;
  /** More model ids beside the pack's, e.g. the liveness models ['minifasnet_v2', 'minifasnet_v1se']. */
  add?: readonly string[];
  /** Take the files from this folder (any layout) instead of downloading them. */
  from?: string;
  /** No progress line or licence notices. */
  quiet?: boolean;
  /** The progress line and notices. @defaultValue process.stderr */
  stderr?: TextSink;
}

export interface ModelsSummary {
  /** The folder written, absolute. */
  dir: string;
  /** Ids fetched by this run. */
  fetched: string[];
  /** Ids already there with the right hash. */
  present: string[];
}

/** The pack's models (detector, recognizer, extras) and the added ones, each once. Throws InvalidOptionError for an unknown id. */
export function modelsToFetch(pack = 'facekit_s', add: readonly string[] = []): ModelSpec[] {
  const p = getPack(pack);
  return [...new Set([p.detector, p.recognizer, ...p.extras, ...add])].map((id) => getModel(id));
}

/** `[1/2] det_500m  fetched` */
function progressText(p: FillProgress): string {
  const state = p.result ? { present: 'already there', fetched: 'fetched', skipped: 'skipped', missing: 'FAILED' }[p.result.status] : 'checking…';
  return `[${p.index + 1}/${p.total}] ${p.spec.id}  ${state}`;
}

/**
 * Writes the model files; resolves to what was done. Rejects with InvalidOptionError (unknown
 * pack or model), or with the first model's ModelIntegrityError / ModelFetchError when any
 * could not be had (the others are still written).
 */
export async function runModels(options: ModelsOptions = {}): Promise<ModelsSummary> {
  const { quiet = false, stderr = process.stderr } = options;
  const models = modelsToFetch(options.pack, options.add);
  const dir = resolve(chooseModelDir(options.dir));
  let lastLength = 0;
  // One line, redrawn with \r; blanks what a longer previous text left behind.
  const draw = (text: string): void => {
    if (quiet) return;
    stderr.write(`\r${text}${' '.repeat(Math.max(0, lastLength - text.length))}`);
    lastLength = text.length;
  };
  const report = await fillModelFolder({
    outDir: dir, models, required: true, ...(options.from ? { fromDir: resolve(options.from) } : {}),
    log: () => {}, // the progress line replaces the per-model log lines
    onProgress: (p) => draw(progressText(p)),
  });
  if (!quiet && lastLength > 0) stderr.write('\n');
  const failure = report.results.find((r) => r.status === 'missing');
  if (failure?.error) throw failure.error;
  if (!quiet) {
    for (const r of report.results) {
      if (r.status === 'fetched' && !r.spec.licence.commercialUse) stderr.write(`licence of ${r.spec.id}: ${r.spec.licence.note}\n`);
    }
  }
  return {
    dir,
    fetched: report.results.filter((r) => r.status === 'fetched').map((r) => r.spec.id),
    present: report.results.filter((r) => r.status === 'present').map((r) => r.spec.id),
  };
}
