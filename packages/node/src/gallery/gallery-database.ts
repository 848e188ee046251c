// Where a PostgreSQL gallery lives: a PostgreSQL server with pgvector (a postgres:// URL), or the
// embedded default, PGlite with its pgvector extension, served on a loopback port through
// pglite-socket. Either way the gallery speaks the Postgres wire protocol through `pg`, so the
// embedded database runs exactly the code path a server does.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidOptionError, StorageError } from '@facekit/core';
import pg from 'pg';

/** A connected database: a `pg` pool, and how to let go of it. */
export interface GalleryDatabase {
  readonly pool: pg.Pool;
  /** 'server' for a postgres:// URL, 'embedded' for PGlite. */
  readonly kind: 'server' | 'embedded';
  /** The connection string the pool uses (for the embedded database, its loopback port). */
  readonly url: string;
  /** PGlite's data folder (embedded only; undefined in memory). */
  readonly dataDir: string | undefined;
  /** Ends the pool and, for the embedded database, stops its server and closes PGlite. */
  close(): Promise<void>;
}

/**
 * Opens `db`:
 * - `postgres://…` or `postgresql://…`: a PostgreSQL server (pgvector must be installable there);
 * - `memory:`: an embedded PGlite in memory (tests, throwaway runs);
 * - anything else: a folder for an embedded PGlite (created when missing), e.g. `./gallery-db`
 *   or `pglite:./gallery-db`.
 *
 * PGlite is one Postgres backend. pglite-socket multiplexes connections onto it at the query
 * level, so a transaction on one connection could interleave with another's queries: the
 * embedded pool therefore holds one connection.
 */
export async function openGalleryDatabase(db: string, options: { poolSize?: number } = {}): Promise<GalleryDatabase> {
  if (typeof db !== 'string' || db.trim() === '') {
    throw new InvalidOptionError(`db must be a postgres:// URL, 'memory:' or a folder for an embedded database, got ${JSON.stringify(db)}.`);
  }
  if (/^postgres(ql)?:\/\//i.test(db)) {
    const pool = new pg.Pool({ connectionString: db, max: options.poolSize ?? 4 });
    pool.on('error', () => { /* an idle client died; the next query reports it */ });
    return { pool, kind: 'server', url: db, dataDir: undefined, close: () => pool.end() };
  }
  const dataDir = db === 'memory:' ? undefined : resolve(db.replace(/^pglite:/i, ''));
  // Loaded only when used, so a server deployment never pays for PGlite's 9 MB of wasm.
  const [{ PGlite }, { vector }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
    import('@electric-sql/pglite-socket'),
  ]);
  let lite;
  try {
    if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
    lite = await PGlite.create({ dataDir, extensions: { vector } });
  } catch (cause) {
    throw new StorageError(`Could not open the embedded database in ${dataDir ?? 'memory'}: ${String((cause as Error)?.message ?? cause)}. Is another process using this folder? Pass a different --db folder, or a postgres:// URL.`, { cause });
  }
  const server = new PGLiteSocketServer({ db: lite, host: '127.0.0.1', port: 0, maxConnections: 2 });
  try {
    await server.start();
  } catch (cause) {
    await lite.close().catch(() => undefined);
    throw new StorageError(`Could not serve the embedded database on a loopback port: ${String((cause as Error)?.message ?? cause)}.`, { cause });
  }
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => { /* reported by the next query */ });
  let closed: Promise<void> | undefined;
  return {
    pool, kind: 'embedded', url, dataDir,
    close: () => (closed ??= (async () => {
      await pool.end();
      await server.stop();
      await lite.close();
    })()),
  };
}
