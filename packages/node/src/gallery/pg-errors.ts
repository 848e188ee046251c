// PostgreSQL failures as facekit's typed errors: a StorageError that says what was being done,
// the database's own message, and what to do where that is known.
import { FaceKitError, StorageError } from '@facekit/core';
import type pg from 'pg';

/** A pg error (or a refused connection) as a StorageError; facekit's own errors pass through. */
export function storageError(what: string, cause: unknown): FaceKitError {
  if (cause instanceof FaceKitError) return cause;
  const e = cause as { message?: string; code?: string };
  const hint = e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND'
    ? ' Is PostgreSQL running at that address?'
    : e.code === '58P01' || /extension "vector"/.test(e.message ?? '')
      ? ' The server needs the pgvector extension (https://github.com/pgvector/pgvector#installation).'
      : '';
  return new StorageError(`PostgreSQL gallery: ${what} failed: ${e.message ?? String(cause)}.${hint}`, { cause });
}

/** `pool.query`, with a failure as {@link storageError}. */
export async function queryOr(pool: pg.Pool, what: string, text: string, values?: unknown[]): Promise<pg.QueryResult> {
  try { return await pool.query(text, values); } catch (cause) { throw storageError(what, cause); }
}
