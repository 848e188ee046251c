// Node only: fills a folder with registered model files, from a local folder laid out like
// shared/models or from the registry's sources (URLs, files inside npm tarballs). Every file is
// checked against its SHA-256; a mismatch is never written. Shared by both command lines
// (`facekit assets`, `facekit-node models`) and models/fetch-models.ts. It sits in core, under
// src/node/, because that is the one package all three import; index.ts never exports it, so no
// browser bundle sees node:fs.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ModelFetchError, ModelIntegrityError } from '../errors.js';
import type { ModelSource, ModelSpec } from '../registry/model-spec.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function findInDir(dir: string, spec: ModelSpec): string | undefined {
  if (!existsSync(dir)) return undefined;
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

const describe = (source: ModelSource): string => (source.kind === 'url' ? source.url : `npm ${source.package}@${source.version}:${source.path}`);

/** The hint on errors raised here: these files are written by a command, not served by a page. */
const HINT = 'Nothing was written. Check the source (--from <dir> must hold the exact registered file) or fetch from the registry\'s sources.';

/** Why one source failed (plain text, for log lines); `status` when an HTTP server answered. */
class SourceError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null = null) { super(message); this.status = status; }
}

async function download(source: ModelSource): Promise<Uint8Array> {
  if (source.kind === 'url') {
    const res = await fetch(source.url, { redirect: 'follow' });
    if (!res.ok) throw new SourceError(`HTTP ${res.status}`, res.status);
    return new Uint8Array(await res.arrayBuffer());
  }
  const tmp = mkdtempSync(join(tmpdir(), 'facekit-npm-'));
  try {
    const out = execFileSync('npm', ['pack', `${source.package}@${source.version}`, '--pack-destination', tmp, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const bytes = extractFromTgz(readFileSync(join(tmp, out.trim().split('\n').pop()!)), source.path);
    if (!bytes) throw new SourceError(`${source.path} not found in ${source.package}@${source.version}`);
    return bytes;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where one model stands; `error` is set when it could not be had. */
export interface ModelFileResult {
  spec: ModelSpec;
  status: 'present' | 'fetched' | 'skipped' | 'missing';
  /** The file it came from (a path, a URL, `npm package@version:path`), when fetched. */
  origin?: string;
  /** Why it could not be had: the corrupt copy (ModelIntegrityError) if one was found, else the failed read or download. */
  error?: ModelFetchError | ModelIntegrityError;
}

/** Each model as it is looked at, then as it ends (`status` set), for a progress line. */
export interface FillProgress {
  /** 0-based position of `spec` in `models`. */
  index: number;
  total: number;
  spec: ModelSpec;
  /** Unset while the file is being checked or fetched. */
  result?: ModelFileResult;
}

export interface FillOptions {
  outDir: string;
  models: readonly ModelSpec[];
  /** Take files from this folder only (no download). */
  fromDir?: string;
  /** A missing file is an error even when its model is registered by hash only. */
  required?: boolean;
  /** One line per model (`ok`, `fetched`, `MISSING`, …). @defaultValue console.log */
  log?: (line: string) => void;
  onProgress?: (progress: FillProgress) => void;
}

export interface FillReport {
  /** Models that could not be had (status 'missing'). */
  failed: number;
  results: ModelFileResult[];
}

type Failure = { error: ModelFetchError | ModelIntegrityError; reasons: string[] };

/** The first source that gives the registered bytes, or the typed error of why none did (and a short reason per source, for log lines). */
async function obtain(spec: ModelSpec, fromDir: string | undefined): Promise<{ bytes: Uint8Array; origin: string } | Failure> {
  if (fromDir) {
    const local = findInDir(fromDir, spec);
    if (!local) return { error: new ModelFetchError(join(fromDir, spec.file), null, `not in ${fromDir}`, HINT), reasons: [`not in ${fromDir}`] };
    const b = readFileSync(local);
    const actual = sha256(b);
    return actual === spec.sha256 ? { bytes: b, origin: local } : { error: new ModelIntegrityError(local, spec.sha256, actual, HINT), reasons: [`${local}: SHA-256 mismatch`] };
  }
  const errors: (ModelFetchError | ModelIntegrityError)[] = [];
  const reasons: string[] = [];
  for (const source of spec.sources) {
    try {
      const b = await download(source);
      const actual = sha256(b);
      if (actual === spec.sha256) return { bytes: b, origin: describe(source) };
      errors.push(new ModelIntegrityError(describe(source), spec.sha256, actual, HINT));
      reasons.push(`${describe(source)}: SHA-256 mismatch`);
    } catch (e) {
      // npm's failures run to many lines: the first says what happened.
      const detail = (e as Error).message.split('\n')[0] ?? 'failed';
      errors.push(new ModelFetchError(describe(source), e instanceof SourceError ? e.status : null, detail, HINT));
      reasons.push(`${describe(source)}: ${detail}`);
    }
  }
  if (errors.length === 0) return { error: new ModelFetchError(spec.file, null, 'the registry lists no source for it', HINT), reasons: ['no source'] };
  // A corrupt copy says more than an unreachable mirror.
  return { error: errors.find((e) => e instanceof ModelIntegrityError) ?? errors.at(-1)!, reasons };
}

/** Fills `outDir`, skipping files already there with the right hash. Never throws for a model it cannot have: see `failed` and each result's `error`. */
export async function fillModelFolder(o: FillOptions): Promise<FillReport> {
  const log = o.log ?? ((l: string) => console.log(l));
  mkdirSync(o.outDir, { recursive: true });
  const results: ModelFileResult[] = [];
  const total = o.models.length;
  const done = (index: number, result: ModelFileResult): void => {
    results.push(result);
    o.onProgress?.({ index, total, spec: result.spec, result });
  };
  for (const [index, spec] of o.models.entries()) {
    o.onProgress?.({ index, total, spec });
    const target = join(o.outDir, spec.file);
    if (existsSync(target) && statSync(target).size === (spec.bytes ?? statSync(target).size) && sha256(readFileSync(target)) === spec.sha256) {
      log(`ok       ${spec.id} (${spec.file}, already there)`);
      done(index, { spec, status: 'present' });
      continue;
    }
    const got = await obtain(spec, o.fromDir);
    if ('error' in got) {
      // Files that are registered by hash only may legitimately be absent.
      const why = got.reasons.join('; ');
      if (spec.verified || o.required) { log(`MISSING  ${spec.id}: ${why}`); done(index, { spec, status: 'missing', error: got.error }); }
      else { log(`skipped  ${spec.id}: ${why} (registered by hash, not verified here)`); done(index, { spec, status: 'skipped', error: got.error }); }
      continue;
    }
    const tmp = `${target}.partial`;
    writeFileSync(tmp, got.bytes);
    renameSync(tmp, target); // never leave a half-written model under the real name
    log(`fetched  ${spec.id} (${spec.file}, ${got.bytes.length} bytes) from ${got.origin}`);
    if (!spec.licence.commercialUse) log(`         licence: ${spec.licence.note}`);
    done(index, { spec, status: 'fetched', origin: got.origin });
  }
  return { failed: results.filter((r) => r.status === 'missing').length, results };
}
