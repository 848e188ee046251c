// Model files from a local folder, checked against the registry's SHA-256 before a session is made.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFetchError, ModelIntegrityError, type ModelSpec } from '@facekit/core';

/** The command that fetches `spec` into `dir`: the Node package's own, not the browser package's `facekit assets`. */
function fetchCommand(spec: ModelSpec, dir: string): string {
  return `\`npx @facekit/node models --dir ${dir} --add ${spec.id}\``;
}

export async function readModelFile(spec: ModelSpec, dir: string): Promise<Uint8Array> {
  const path = join(dir, spec.file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ModelFetchError(path, null, (e as Error).message, `Put the registry's model files in modelDir: ${fetchCommand(spec, dir)} writes them there, checked against their SHA-256.`);
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== spec.sha256) throw new ModelIntegrityError(path, spec.sha256, actual, `It was not loaded. ${fetchCommand(spec, dir)} replaces it with the registered file.`);
  return bytes;
}
