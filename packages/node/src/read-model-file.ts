// Model files from a local folder, checked against the registry's SHA-256 before a session is made.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFetchError, ModelIntegrityError, type ModelSpec } from '@facekit/core';

export async function readModelFile(spec: ModelSpec, dir: string): Promise<Uint8Array> {
  const path = join(dir, spec.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ModelFetchError(path, null, `${(e as Error).message}. Put the registry's model files in modelDir (\`npx facekit assets <dir>\` writes them to <dir>/models)`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== spec.sha256) throw new ModelIntegrityError(path, spec.sha256, actual);
  return bytes;
}
