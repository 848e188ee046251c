// `facekit-node enroll` as a function: photos in, templates in a PostgreSQL gallery out. Written to be
// stopped and started again: every stored template carries its photo's `source` key and every
// rejected photo is remembered in `<name>_enroll_skipped`, so a second run does only what is
// left. Results are written a batch at a time, so a hard kill loses at most one batch (redone by
// the next run: addMany skips sources already stored).
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InvalidInputError, InvalidOptionError, intOption, pickMainFace, type Box } from '@facekit/core';
import { createFaceKit, type NodeAnalyzedFace, type NodeFaceKit } from '../create-face-kit.js';
import { chooseModelDir } from '../model-dir.js';
import { openGalleryDatabase, type GalleryDatabase } from '../gallery/gallery-database.js';
import { createPgGallery, type PgGallery } from '../gallery/pg-gallery.js';
import { queryOr } from '../gallery/pg-errors.js';
import { listEnrollSources, type EnrollItem } from './enroll-sources.js';
import { createProgressBar, type ProgressBar, type TextSink } from './progress-bar.js';

/**
 * What to do with a photo of several faces:
 * - `skip`: skip it;
 * - `largest`: take the largest face;
 * - `largest-clear`: take the largest only when the next one has at most half its area (a
 *   portrait with a face in the background), else skip (a group photo: whose id is it?).
 */
export type MultiFacePolicy = 'skip' | 'largest' | 'largest-clear';
export const MULTI_FACE_POLICIES: readonly MultiFacePolicy[] = ['skip', 'largest', 'largest-clear'];

export interface EnrollOptions {
  /** A folder of identity sub-folders, or a CSV file of id,path rows. */
  input: string;
  /** postgres:// URL, 'memory:', or a folder for the embedded PGlite. @defaultValue './facekit-gallery-db' */
  db?: string;
  /** @defaultValue $FACEKIT_MODELS, else DEFAULT_MODEL_DIR ('./facekit/models') */
  modelDir?: string;
  /** Gallery name (table prefix). @defaultValue 'facekit' */
  name?: string;
  /** onnxruntime threads. @defaultValue createFaceKit's default */
  threads?: number;
  /** Templates written per transaction. @defaultValue 32 */
  batch?: number;
  /** @defaultValue 'largest-clear' */
  multiFace?: MultiFacePolicy;
  /** JSON-lines file of skipped photos. @defaultValue `<db folder>/enroll-skipped.jsonl`, else './facekit-enroll-skipped.jsonl' */
  log?: string;
  /** No progress bar or status lines. */
  quiet?: boolean;
  /** Status lines and the progress bar. @defaultValue process.stderr */
  stderr?: TextSink;
  /** Stops taking new photos (SIGINT); the pending batch is still written. */
  signal?: AbortSignal;
  /** Tests: stop after this many photos, as if interrupted. */
  limit?: number;
}

export interface EnrollSummary {
  /** Templates stored by this run. */
  enrolled: number;
  /** Photos (and CSV lines) skipped by this run. */
  skipped: number;
  /** Items a previous run stored or skipped, not looked at again. */
  alreadyDone: number;
  /** Identities in the gallery at the end. */
  identities: number;
  durationMs: number;
  /** Photos looked at per second, over the photo loop only (not the model and database start). */
  imagesPerSecond: number;
  /** Stopped early (signal or limit): run again to do the rest. */
  interrupted: boolean;
  /** Items not processed because of the interruption. */
  remaining: number;
  /** Where skips were logged. */
  logFile: string;
}

/** The face to enroll, or why there is none (core's pickMainFace, with the CLI's policies). */
export function pickFace<F extends { box: Box }>(faces: readonly F[], policy: MultiFacePolicy): { face: F } | { reason: string } {
  if (faces.length > 1 && policy === 'skip') return { reason: `ambiguous: ${faces.length} faces` };
  // 'largest' is the largest whatever the next one's size (ratio 1).
  const main = pickMainFace(faces, policy === 'largest' ? 1 : 0.5);
  if (main.face !== undefined) return { face: main.face };
  return { reason: main.reason === 'no-face' ? 'no face' : `ambiguous: ${faces.length} faces` };
}

/** Checked before anything is opened, so a typo costs no model load. */
function checkOptions(o: EnrollOptions): void {
  if (typeof o.input !== 'string' || o.input === '') throw new InvalidOptionError('enroll needs an input: a folder of identity sub-folders or a CSV file of id,path rows.');
  intOption(o.batch, 'batch', { max: 10_000 });
  intOption(o.threads, 'threads', { max: 64 });
  intOption(o.limit, 'limit', { min: 0 });
  if (o.multiFace !== undefined && !MULTI_FACE_POLICIES.includes(o.multiFace)) {
    throw new InvalidOptionError(`multiFace must be one of ${MULTI_FACE_POLICIES.join(', ')}, got ${JSON.stringify(o.multiFace)}.`);
  }
  if (o.db !== undefined && (typeof o.db !== 'string' || o.db.trim() === '')) throw new InvalidOptionError('db must be a postgres:// URL, memory: or a folder.');
}

/** Skipped photos: remembered in the database (resume) and appended to the log (people). */
interface SkipRecord { source: string; id: string; reason: string }

/** `knownSources` and the skipped table take lists; 1000 keys keep each query small. */
const CHUNK = 1000;

export async function runEnroll(options: EnrollOptions): Promise<EnrollSummary> {
  checkOptions(options);
  const t0 = performance.now();
  const {
    input, db = './facekit-gallery-db', name = 'facekit',
    batch: batchSize = 32, multiFace = 'largest-clear', quiet = false, stderr = process.stderr, signal, limit,
  } = options;
  const modelDir = chooseModelDir(options.modelDir);
  const say = (line: string): void => { if (!quiet) stderr.write(`${line}\n`); };

  // The cheap checks first: a wrong path fails before models and database are opened.
  const sources = await listEnrollSources(input);
  const ids = new Set(sources.items.map((x) => x.id));
  say(`facekit-node enroll: ${sources.items.length} images of ${ids.size} identities in ${input}`);

  let kit: NodeFaceKit | undefined;
  let database: GalleryDatabase | undefined;
  let gallery: PgGallery | undefined;
  try {
    kit = await createFaceKit({ modelDir, ...(options.threads ? { threads: options.threads } : {}) });
    // createFaceKit loads the detector only; load the recognizer now too, so missing model
    // files stop the run here rather than at the first photo.
    await kit.embed({ data: new Uint8ClampedArray(112 * 112 * 4), width: 112, height: 112 });

    // The database is opened here (not by createPgGallery) for its pool: the skipped table
    // lives beside the gallery's.
    database = await openGalleryDatabase(db);
    gallery = await createPgGallery({ db: database, name, model: kit.info.recognizer });
    const skippedTable = `${gallery.name}_enroll_skipped`; // the name was checked by createPgGallery
    await queryOr(database.pool, 'creating the skipped table',
      `CREATE TABLE IF NOT EXISTS ${skippedTable} (source text PRIMARY KEY, identity_id text, reason text, at timestamptz default now())`);

    const logFile = resolve(options.log ?? (database.dataDir ? join(database.dataDir, 'enroll-skipped.jsonl') : './facekit-enroll-skipped.jsonl'));
    let logReady = false;
    const log = async (entries: readonly SkipRecord[]): Promise<void> => {
      if (entries.length === 0) return;
      // Created on the first skip only: a clean run leaves no empty file behind.
      if (!logReady) { await mkdir(dirname(logFile), { recursive: true }); logReady = true; }
      await appendFile(logFile, entries.map((e) => `${JSON.stringify({ source: e.source, id: e.id, reason: e.reason })}\n`).join(''));
    };

    // Resume: what earlier runs stored or skipped is done.
    const all = sources.items.map((x) => x.source);
    const stored = new Set<string>();
    const skippedBefore = new Set<string>();
    for (let i = 0; i < all.length; i += CHUNK) {
      const part = all.slice(i, i + CHUNK);
      for (const s of await gallery.knownSources(part)) stored.add(s);
      const r = await queryOr(database.pool, 'reading the skipped table', `SELECT source FROM ${skippedTable} WHERE source = ANY($1::text[])`, [part]);
      for (const row of r.rows as { source: string }[]) skippedBefore.add(row.source);
    }
    const todo = sources.items.filter((x) => !stored.has(x.source) && !skippedBefore.has(x.source));
    const alreadyDone = sources.items.length - todo.length;
    if (alreadyDone > 0) say(`${alreadyDone} already done (${stored.size} enrolled, ${skippedBefore.size} skipped before); ${todo.length} to go`);

    // CSV lines that name no usable image: reported every run (the file may get fixed), never stored.
    let skipped = sources.problems.length;
    await log(sources.problems);

    let enrolled = 0;
    let pending: { id: string; embedding: Float32Array; source: string }[] = [];
    let pendingSkips: SkipRecord[] = [];
    const flush = async (): Promise<void> => {
      const [rows, skips] = [pending, pendingSkips];
      pending = []; pendingSkips = [];
      if (rows.length) enrolled += await gallery!.addMany(rows);
      if (skips.length) {
        await queryOr(database!.pool, 'recording skipped photos',
          `INSERT INTO ${skippedTable} (source, identity_id, reason) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT (source) DO NOTHING`,
          [skips.map((s) => s.source), skips.map((s) => s.id), skips.map((s) => s.reason)]);
      }
    };

    const bar: ProgressBar | undefined = quiet || todo.length === 0 ? undefined : createProgressBar({ total: todo.length, stream: stderr });
    const loopStart = performance.now();
    let done = 0;
    let skippedNow = 0;
    let interrupted = false;
    let failure: unknown;
    try {
      for (const item of todo) {
        if (signal?.aborted || (limit !== undefined && done >= limit)) { interrupted = true; break; }
        const outcome = await enrollOne(kit, item, multiFace);
        if ('embedding' in outcome) {
          pending.push({ id: item.id, embedding: outcome.embedding, source: item.source });
        } else {
          skippedNow++;
          const record = { source: item.source, id: item.id, reason: outcome.reason };
          // The log line at once (a hard kill may repeat it, never lose it); the table row with
          // the batch. A missing file is not remembered: it costs nothing to look again, and
          // it may be there next time.
          await log([record]);
          if (!outcome.retry) pendingSkips.push(record);
        }
        done++;
        bar?.update(done, skippedNow);
        // Skips count toward the batch too, so a long run of bad photos is remembered as it goes.
        if (pending.length + pendingSkips.length >= batchSize) await flush();
      }
    } catch (e) {
      failure = e;
    }
    // Interrupted, finished or failed: what was analyzed is kept. On failure the first error
    // is the one to report, not a second one from the database.
    try { await flush(); } catch (e) { failure ??= e; }
    bar?.finish();
    const loopSeconds = (performance.now() - loopStart) / 1000;
    if (failure !== undefined) throw failure;
    skipped += skippedNow;
    if (skipped > 0) say(`${skipped} skipped: see ${logFile}`);
    return {
      enrolled, skipped, alreadyDone, identities: await gallery.size(), durationMs: performance.now() - t0,
      imagesPerSecond: loopSeconds > 0 ? done / loopSeconds : 0, interrupted, remaining: todo.length - done, logFile,
    };
  } finally {
    await gallery?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
    await kit?.dispose().catch(() => undefined);
  }
}

/** One photo: its embedding, or why it is skipped (`retry`: do not remember the skip). */
async function enrollOne(kit: NodeFaceKit, item: EnrollItem, policy: MultiFacePolicy): Promise<{ embedding: Float32Array } | { reason: string; retry: boolean }> {
  let faces: NodeAnalyzedFace[];
  try {
    // The flip-test embedding, as the browser verifier's templates and the server re-check use.
    faces = (await kit.analyze(item.path, { flip: true })).faces;
  } catch (e) {
    // A bad photo (unreadable, not an image, truncated, too small or too big) is the photo's
    // problem; anything else (a model or runtime failure) is the run's and stops it.
    if (!(e instanceof InvalidInputError)) throw e;
    const code = (e.cause as { code?: string } | undefined)?.code;
    if (code === 'ENOENT') return { reason: 'missing file', retry: true };
    // Paths relative to the input, so the log reads the same on every machine.
    return { reason: e.message.split(item.path).join(item.source), retry: false };
  }
  const pick = pickFace(faces, policy);
  return 'face' in pick ? { embedding: pick.face.embedding } : { reason: pick.reason, retry: false };
}
