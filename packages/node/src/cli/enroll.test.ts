// runEnroll end to end: real models (onnxruntime-node), real LFW photos, a real embedded
// PostgreSQL (PGlite + pgvector in a temp folder), and real broken files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionError } from '@facekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyLfwFolder, lfwPhoto as lfw } from '@facekit/test-support/lfw-folder';
import { MODEL_DIR } from '@facekit/test-support/node';
import { createFaceKit, type NodeFaceKit } from '../create-face-kit.js';
import { openGalleryDatabase } from '../gallery/gallery-database.js';
import { createPgGallery } from '../gallery/pg-gallery.js';
import { pickFace, runEnroll, type EnrollOptions } from './enroll.js';


/**
 * Enrolled photos per person. Angela_Bassett_0003 shows two faces of similar size (skipped as
 * ambiguous); Bob_Graham_0006 has a second, much smaller face (the largest is taken).
 */
const PHOTOS: Record<string, number[]> = { Angela_Bassett: [1, 2, 3], Bernard_Law: [1, 2], Bob_Graham: [2, 6], Brad_Johnson: [1, 2] };
/** Photos of the same people that are not enrolled: the search queries. */
const HELD_BACK: Record<string, number> = { Angela_Bassett: 4, Bob_Graham: 3, Brad_Johnson: 3 };
const GOOD = 8;
const BAD = ['Bernard_Law/bad.jpg', 'Bernard_Law/empty.jpg', 'Bernard_Law/notes.jpg'];
const AMBIGUOUS = 'Angela_Bassett/Angela_Bassett_0003.jpg';

const tmp = mkdtempSync(join(tmpdir(), 'facekit-enroll-'));
const photos = join(tmp, 'photos');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  copyLfwFolder(photos, PHOTOS);
  // Random bytes, nothing, and text, each named like a photo.
  const junk = new Uint8Array(4096);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 251;
  writeFileSync(join(photos, 'Bernard_Law/bad.jpg'), junk);
  writeFileSync(join(photos, 'Bernard_Law/empty.jpg'), '');
  writeFileSync(join(photos, 'Bernard_Law/notes.jpg'), 'not a photo\n');
  writeFileSync(join(photos, 'Bernard_Law/readme.txt'), 'not listed: not an image extension\n');
});

const quietly = (o: EnrollOptions): EnrollOptions => ({ modelDir: MODEL_DIR, threads: 1, quiet: true, ...o });
const readLog = (file: string): { source: string; id: string; reason: string }[] =>
  readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { source: string; id: string; reason: string });

/** Rows of a table in a closed embedded database folder. */
async function rows<T>(dbDir: string, text: string): Promise<T[]> {
  const db = await openGalleryDatabase(dbDir);
  try { return (await db.pool.query(text)).rows as T[]; } finally { await db.close(); }
}

describe('runEnroll', () => {
  let kit: NodeFaceKit;
  beforeAll(async () => { kit = await createFaceKit({ modelDir: MODEL_DIR, threads: 1 }); });
  afterAll(async () => { await kit?.dispose(); });

  it('enrolls a folder, skips and records the bad photos, and finds a held-back photo\'s person first', async () => {
    const db = join(tmp, 'db-folder');
    const logFile = join(tmp, 'folder-skipped.jsonl');
    const s = await runEnroll(quietly({ input: photos, db, log: logFile, batch: 3 }));
    expect(s).toMatchObject({ enrolled: GOOD, skipped: BAD.length + 1, alreadyDone: 0, identities: 4, interrupted: false, remaining: 0, logFile });

    const log = readLog(logFile);
    expect(log.map((e) => e.source).sort()).toEqual([AMBIGUOUS, ...BAD].sort());
    const reason = Object.fromEntries(log.map((e) => [e.source, e.reason]));
    expect(reason[AMBIGUOUS]).toBe('ambiguous: 2 faces');
    expect(reason['Bernard_Law/empty.jpg']).toMatch(/empty/);
    expect(reason['Bernard_Law/bad.jpg']).toMatch(/could not be decoded/);
    expect(reason['Bernard_Law/notes.jpg']).toMatch(/could not be decoded/);
    expect(log.every((e) => !e.reason.includes(tmp))).toBe(true); // relative paths only
    expect(log.find((e) => e.source === 'Bernard_Law/bad.jpg')!.id).toBe('Bernard_Law');

    const skippedRows = await rows<{ source: string; identity_id: string; reason: string }>(db, 'SELECT source, identity_id, reason FROM facekit_enroll_skipped ORDER BY source');
    expect(skippedRows.map((r) => r.source)).toEqual([AMBIGUOUS, ...BAD].sort());

    const gallery = await createPgGallery({ db });
    try {
      expect(await gallery.templateCount()).toBe(GOOD);
      expect(await gallery.list()).toEqual(Object.keys(PHOTOS).sort());
      expect((await gallery.templates('Bob_Graham')).length).toBe(2); // _0006: the larger face
      for (const [person, n] of Object.entries(HELD_BACK)) {
        const { faces } = await kit.analyze(lfw(person, n));
        const [best] = await gallery.search(faces[0]!.embedding, 3);
        expect(best?.id, `${person}_${n}`).toBe(person);
      }
    } finally {
      await gallery.close();
    }
  }, 120_000);

  it('resumes: a run stopped after 5 photos and a second run store what one run stores, once each', async () => {
    const db = join(tmp, 'db-resume');
    const logFile = join(tmp, 'resume-skipped.jsonl');
    const first = await runEnroll(quietly({ input: photos, db, log: logFile, batch: 2, limit: 5 }));
    // Sorted order: Angela ×3 (one ambiguous), then Bernard_Law_0001 and _0002.
    expect(first).toMatchObject({ enrolled: 4, skipped: 1, alreadyDone: 0, interrupted: true, remaining: 12 - 5 });
    expect(readLog(logFile).map((e) => e.source)).toEqual([AMBIGUOUS]);

    const second = await runEnroll(quietly({ input: photos, db, log: logFile, batch: 2 }));
    expect(second).toMatchObject({ enrolled: GOOD - 4, skipped: BAD.length, alreadyDone: 5, identities: 4, interrupted: false, remaining: 0 });
    // Each skipped photo logged once over both runs: the ambiguous one was not retried.
    const sources = readLog(logFile).map((e) => e.source);
    expect(sources.sort()).toEqual([AMBIGUOUS, ...BAD].sort());

    const [counts] = await rows<{ n: string; distinct_sources: string }>(db, 'SELECT count(*) AS n, count(DISTINCT source) AS distinct_sources FROM facekit_templates');
    expect(counts).toEqual({ n: String(GOOD), distinct_sources: String(GOOD) });

  }, 120_000);

  it('enrolls from a CSV: quoted ids with commas, relative paths, a missing file and malformed lines', async () => {
    const dir = join(tmp, 'csv');
    mkdirSync(join(dir, 'lists'), { recursive: true });
    const csv = join(dir, 'lists', 'people.csv');
    const rel = (person: string, n: number) => `../../photos/${person}/${person}_${String(n).padStart(4, '0')}.jpg`;
    writeFileSync(csv, [
      'id,path',
      `"Law, Bernard",${rel('Bernard_Law', 1)}`,
      `Brad Johnson,"${rel('Brad_Johnson', 1)}"`,
      `Brad Johnson,./${rel('Brad_Johnson', 2)}`,
      'Ghost,../missing/ghost.jpg',
      'a line without a path',
      `"unterminated,${rel('Bob_Graham', 2)}`,
      '',
    ].join('\r\n'));
    const db = join(tmp, 'db-csv');
    const logFile = join(tmp, 'csv-skipped.jsonl');
    const s = await runEnroll(quietly({ input: csv, db, log: logFile }));
    expect(s).toMatchObject({ enrolled: 3, skipped: 3, alreadyDone: 0, identities: 2, interrupted: false });
    expect(readLog(logFile)).toEqual([
      { source: 'people.csv:6', id: 'a line without a path', reason: 'malformed CSV line: 1 fields, expected 2 (id,path)' },
      { source: 'people.csv:7', id: '', reason: 'malformed CSV line: unterminated quoted field' },
      { source: '../missing/ghost.jpg', id: 'Ghost', reason: 'missing file' },
    ]);

    const gallery = await createPgGallery({ db });
    try {
      expect(await gallery.list()).toEqual(['Brad Johnson', 'Law, Bernard']);
      // Sources are relative to the CSV's folder, however the path was written.
      expect(await gallery.knownSources([rel('Bernard_Law', 1), rel('Brad_Johnson', 1), rel('Brad_Johnson', 2), `./${rel('Brad_Johnson', 2)}`]))
        .toEqual(new Set([rel('Bernard_Law', 1), rel('Brad_Johnson', 1), rel('Brad_Johnson', 2)]));
    } finally {
      await gallery.close();
    }
    // A missing file is not remembered as done: it is looked for again next time.
    expect(await rows(db, 'SELECT source FROM facekit_enroll_skipped')).toEqual([]);
  }, 120_000);

  it('refuses bad options with InvalidOptionError before loading anything', async () => {
    await expect(runEnroll({ input: photos, batch: 0 })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(runEnroll({ input: photos, multiFace: 'all' as never })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(runEnroll({ input: '' })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});

describe('pickFace', () => {
  const face = (w: number, h: number) => ({ box: [10, 10, 10 + w, 10 + h] as [number, number, number, number] });
  it('takes the only face, the clearly largest one, or none', () => {
    expect(pickFace([], 'largest-clear')).toEqual({ reason: 'no face' });
    const one = face(50, 50);
    expect(pickFace([one], 'skip')).toEqual({ face: one });
    const big = face(100, 100);
    const half = face(50, 100);
    const close = face(80, 80);
    expect(pickFace([half, big], 'largest-clear')).toEqual({ face: big }); // exactly half: clear
    expect(pickFace([close, big], 'largest-clear')).toEqual({ reason: 'ambiguous: 2 faces' });
    expect(pickFace([close, big], 'largest')).toEqual({ face: big });
    expect(pickFace([half, big], 'skip')).toEqual({ reason: 'ambiguous: 2 faces' });
  });
});
