// The package's command line (`npx facekit …`), Node only.
//   facekit assets <dir> [--pack facekit_s] [--models id,id] [--from <dir>] [--no-runtime]
// Copies what a self-hosting app serves into <dir>: onnxruntime-web's files (<dir>/ort/) and the
// model files of a pack (<dir>/models/), each model checked against its SHA-256. Then:
//   createFaceKit({ assetBaseUrl: '/<dir as served>/' })
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getModel, getPack, type ModelSpec } from '@facekit/core';
import { fillModelFolder } from '@facekit/core/node/fill-model-folder';

const USAGE = `usage: facekit assets <dir> [--pack facekit_s] [--models id,id] [--from <dir>] [--no-runtime]

  Copies onnxruntime-web's files into <dir>/ort/ and the model files of a pack (detector,
  recognizer and extras; --models adds more, e.g. minifasnet_v2,minifasnet_v1se,fr_eye,fr_age)
  into <dir>/models/, checked against their SHA-256. Models are downloaded from the registry's
  sources, or taken from --from <dir> (a folder holding the files). Then serve <dir> and pass
  its URL as createFaceKit({ assetBaseUrl }).`;

async function assets(args: string[]): Promise<number> {
  const dir = args[0];
  if (!dir || dir.startsWith('--')) { console.error(USAGE); return 2; }
  const value = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  let models: ModelSpec[];
  try {
    const pack = getPack(value('pack') ?? 'facekit_s');
    const ids = [pack.detector, pack.recognizer, ...pack.extras, ...(value('models')?.split(',').filter(Boolean) ?? [])];
    models = [...new Set(ids)].map((id) => getModel(id));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const out = resolve(dir);
  if (!args.includes('--no-runtime')) {
    // The ORT files shipped with this package, next to this script.
    const ort = fileURLToPath(new URL('./ort/', import.meta.url));
    if (!existsSync(ort)) { console.error(`onnxruntime-web files not found at ${ort}`); return 1; }
    mkdirSync(join(out, 'ort'), { recursive: true });
    for (const f of readdirSync(ort)) copyFileSync(join(ort, f), join(out, 'ort', f));
    console.log(`copied   onnxruntime-web runtime → ${join(out, 'ort')}`);
  }
  const from = value('from');
  const { failed } = await fillModelFolder({ outDir: join(out, 'models'), models, ...(from ? { fromDir: resolve(from) } : {}), required: true });
  if (failed) { console.error(`${failed} model(s) missing in ${join(out, 'models')}`); return 1; }
  console.log(`done: serve ${out} and pass its URL as createFaceKit({ assetBaseUrl })`);
  return 0;
}

const [command, ...rest] = process.argv.slice(2);
process.exitCode = command === 'assets' ? await assets(rest) : (console.error(USAGE), 2);
