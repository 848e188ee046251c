// Fills the local model folder (default: models/files) that the demo, tests and benchmarks
// serve, from a local directory laid out like shared/models, or from the upstream sources.
// Every file is checked against the registry's SHA-256; a mismatch is never written.
//
//   tsx models/fetch-models.ts [--from <dir>] [--upstream] [--out <dir>] [--models id,id] [--all]
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listModels } from '@facekit/core';
import { fillModelFolder } from '@facekit/core/node/fill-model-folder';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const value = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const outDir = resolve(value('out') ?? process.env.FACEKIT_MODELS ?? join(root, 'models/files'));
const defaultFrom = resolve(process.env.FACEKIT_SHARED ?? join(root, '../shared'), 'models');
const fromDir = value('from') ? resolve(value('from')!) : !flag('upstream') && existsSync(defaultFrom) ? defaultFrom : undefined;
const wanted = value('models')?.split(',');
// By default only the models verified here; --all also tries the registered-by-hash ones.
const models = listModels().filter((m) => (wanted ? wanted.includes(m.id) : flag('all') || m.verified));

const { failed } = await fillModelFolder({ outDir, models, ...(fromDir ? { fromDir } : {}), required: wanted !== undefined });
if (failed) {
  console.error(`${failed} model(s) could not be fetched into ${outDir}`);
  process.exit(1);
}
