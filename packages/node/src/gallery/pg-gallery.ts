// A 1:N gallery in PostgreSQL with pgvector: identities and their unit-length templates, an HNSW
// index on cosine distance that proposes candidates, and an exact re-rank of those candidates
// with the in-memory gallery's own float32 dot (core's rowDot), so scores are the same numbers
// the browser gallery gives. Same operations as core's `Gallery`, async.
import {
  DisposedError, InvalidInputError, InvalidOptionError, StorageError, checkEmbedding, checkSearchArgs, intOption, l2Normalize, rowDot,
  type EmbeddingLike, type GalleryMatch,
} from '@facekit/core';
import pg from 'pg';
import { openGalleryDatabase, type GalleryDatabase } from './gallery-database.js';
import { queryOr, storageError } from './pg-errors.js';
import { vectorFromBinary, vectorLiteral } from './vector-wire.js';

/** Options of {@link createPgGallery}. */
export interface PgGalleryOptions {
  /**
   * Where the gallery lives: a postgres:// URL, 'memory:', or a folder for the embedded PGlite
   * (opened here and closed by `close()`); or a database / `pg.Pool` you opened (left open).
   */
  db: string | GalleryDatabase | pg.Pool;
  /** Prefix of the gallery's tables (`<name>_identities`, `<name>_templates`, `<name>_gallery`), so several galleries share a database. @defaultValue 'facekit' */
  name?: string;
  /** Embedding length; a gallery keeps the one it was created with. @defaultValue 512 */
  dim?: number;
  /** Recognizer id the embeddings come from; an existing gallery made with another one is refused. @defaultValue 'fr_feature' */
  model?: string;
  /** Templates the HNSW index proposes per search before the exact re-rank. @defaultValue 100 */
  candidates?: number;
  /** pgvector's `hnsw.ef_search` (never below `candidates`). @defaultValue 100 */
  efSearch?: number;
  /** HNSW build parameters, used when the index is created. @defaultValue { m: 16, efConstruction: 64 } */
  hnsw?: { m?: number; efConstruction?: number };
  /** Create the HNSW index with the tables. False for a bulk load followed by `createIndex()`. @defaultValue true */
  index?: boolean;
  /**
   * Open an existing gallery without writing anything, e.g. on a read replica (a hot standby
   * refuses even `CREATE TABLE IF NOT EXISTS`): search, similarityTo, list and the rest work;
   * add, addMany, remove and createIndex throw. @defaultValue false
   */
  readOnly?: boolean;
}

/** What {@link PgGallery.storage} reports, in bytes. */
export interface PgGalleryStorage {
  /** The templates table with its TOAST (where pgvector keeps vectors over 2 kB). */
  tableBytes: number;
  hnswBytes: number;
  /** Everything the gallery's tables and indexes take, TOAST included. */
  totalBytes: number;
}

export interface PgGallery {
  readonly dim: number;
  readonly model: string;
  readonly name: string;
  /**
   * Stores unit-length copies of `embedding` (one, or a list) under `id`, creating the identity
   * when new and appending otherwise. `source` (one per template, e.g. the photo's path) is
   * unique: a template whose source is already stored is skipped, which makes re-running an
   * interrupted enrollment safe. Resolves to the templates added. All or nothing.
   */
  add(id: string, embedding: EmbeddingLike | readonly EmbeddingLike[], options?: { source?: string | readonly string[] }): Promise<number>;
  /** Many identities' templates in one transaction (bulk loads); same rules as `add`. */
  addMany(entries: readonly { id: string; embedding: EmbeddingLike; source?: string }[]): Promise<number>;
  /** Deletes `id` and its templates; false when it was not there. */
  remove(id: string): Promise<boolean>;
  has(id: string): Promise<boolean>;
  /** Number of identities. */
  size(): Promise<number>;
  /** Number of templates over all identities. */
  templateCount(): Promise<number>;
  /** Identities sorted by id, a page at a time: pass the last id of a page as `after`. @defaultValue limit 1000 */
  list(options?: { after?: string; limit?: number }): Promise<string[]>;
  /** The stored (unit-length) templates of `id`; empty when unknown. */
  templates(id: string): Promise<Float32Array[]>;
  /**
   * The at most `k` identities most similar to `embedding`, each scored by its best template,
   * with similarity ≥ `minSimilarity`; best first, ties by id. The HNSW index proposes
   * candidates (widened until they hold `k` identities), which are re-scored exactly.
   */
  search(embedding: EmbeddingLike, k?: number, minSimilarity?: number): Promise<GalleryMatch[]>;
  /** 1:1: the best cosine similarity of `embedding` with `id`'s templates (exact, no index); undefined when `id` is unknown. */
  similarityTo(id: string, embedding: EmbeddingLike): Promise<number | undefined>;
  /** Which of `sources` are stored already (resuming an enrollment). */
  knownSources(sources: readonly string[]): Promise<Set<string>>;
  /** Builds the HNSW index if it is missing (after a bulk load with `index: false`). Resolves to the build time in ms (0 when it existed). */
  createIndex(): Promise<number>;
  /** Sizes of the gallery's tables and index. */
  storage(): Promise<PgGalleryStorage>;
  /** Releases the connection (and the embedded database, when the gallery opened it). */
  close(): Promise<void>;
}

const SCHEMA_VERSION = '1';
const NAME_RE = /^[a-z_][a-z0-9_]{0,39}$/;

const checkId = (id: unknown): string => {
  if (typeof id !== 'string' || id === '') throw new InvalidInputError(`An identity id must be a non-empty string, got ${JSON.stringify(id)}.`);
  if (id.includes('\u0000')) throw new InvalidInputError('An identity id cannot contain a NUL character (PostgreSQL text cannot hold it).');
  return id;
};

/** Opens (creating when missing) a gallery in PostgreSQL with pgvector. */
export async function createPgGallery(options: PgGalleryOptions): Promise<PgGallery> {
  if (options === null || typeof options !== 'object') throw new InvalidOptionError('createPgGallery needs an options object with `db`.');
  const name = options.name ?? 'facekit';
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new InvalidOptionError(`name must be a lower-case SQL identifier (letters, digits, _; at most 40), got ${JSON.stringify(name)}.`);
  }
  const dim = intOption(options.dim, 'dim', { max: 16000 }) ?? 512;
  const model = options.model ?? 'fr_feature';
  if (typeof model !== 'string' || model === '') throw new InvalidOptionError(`model must be a recognizer id, got ${JSON.stringify(model)}.`);
  const candidates = intOption(options.candidates, 'candidates', { max: 1000 }) ?? 100;
  const efSearch = Math.max(candidates, intOption(options.efSearch, 'efSearch', { max: 1000 }) ?? 100);
  const m = intOption(options.hnsw?.m, 'hnsw.m', { max: 100 }) ?? 16;
  const efConstruction = intOption(options.hnsw?.efConstruction, 'hnsw.efConstruction', { max: 1000 }) ?? 64;
  if (m < 2 || efConstruction < 2 * m) throw new InvalidOptionError(`hnsw needs m ≥ 2 and efConstruction ≥ 2·m, got m ${m}, efConstruction ${efConstruction}.`);

  let owned: GalleryDatabase | undefined;
  let pool: pg.Pool;
  if (typeof options.db === 'string') pool = (owned = await openGalleryDatabase(options.db)).pool;
  else if (options.db instanceof pg.Pool) pool = options.db;
  else if (options.db && (options.db as GalleryDatabase).pool instanceof pg.Pool) pool = (options.db as GalleryDatabase).pool;
  else throw new InvalidOptionError('db must be a postgres:// URL, \'memory:\', a folder, a database from openGalleryDatabase, or a pg.Pool.');

  const T = { meta: `${name}_gallery`, ids: `${name}_identities`, tpl: `${name}_templates`, hnsw: `${name}_templates_hnsw` };
  const why = (): string => `this gallery holds ${dim}-d embeddings from ${model}`;

  const transaction = async <R>(what: string, fn: (c: pg.PoolClient) => Promise<R>): Promise<R> => {
    let client: pg.PoolClient;
    try { client = await pool.connect(); } catch (cause) { throw storageError(what, cause); }
    try {
      await client.query('BEGIN');
      const r = await fn(client);
      await client.query('COMMIT');
      return r;
    } catch (cause) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw storageError(what, cause);
    } finally {
      client.release();
    }
  };
  const query = (what: string, text: string, values?: unknown[]): Promise<pg.QueryResult> => queryOr(pool, what, text, values);

  const createHnsw = `CREATE INDEX IF NOT EXISTS ${T.hnsw} ON ${T.tpl} USING hnsw (embedding vector_cosine_ops) WITH (m = ${m}, ef_construction = ${efConstruction})`;
  const checkMeta = (meta: Map<string, string>): void => {
    if (meta.get('dim') !== String(dim) || meta.get('model') !== model) {
      throw new InvalidOptionError(`The gallery "${name}" holds ${meta.get('dim')}-d embeddings from ${meta.get('model')}, not ${dim}-d from ${model}: embeddings of different recognizers cannot be compared. Use another name, or the recognizer it was made with.`);
    }
    if (meta.get('schema') !== SCHEMA_VERSION) throw new StorageError(`The gallery "${name}" has schema ${meta.get('schema')}; this facekit reads schema ${SCHEMA_VERSION}.`);
  };
  const readOnly = options.readOnly === true;
  try {
    if (readOnly) {
      const exists = await query('opening the gallery', 'SELECT to_regclass($1) IS NOT NULL AS ok', [T.meta]);
      if (!exists.rows[0].ok) throw new StorageError(`There is no gallery "${name}" in this database to open read-only; create it on the primary first.`);
      checkMeta(new Map((await query('opening the gallery', `SELECT key, value FROM ${T.meta}`)).rows.map((r: { key: string; value: string }) => [r.key, r.value])));
    } else await transaction('creating the schema', async (c) => {
      // Two processes opening a new gallery at once must not both create it.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`facekit-gallery:${name}`]);
      await c.query('CREATE EXTENSION IF NOT EXISTS vector');
      await c.query(`CREATE TABLE IF NOT EXISTS ${T.meta} (key text PRIMARY KEY, value text NOT NULL)`);
      await c.query(`INSERT INTO ${T.meta} (key, value) VALUES ('dim', $1), ('model', $2), ('schema', $3) ON CONFLICT (key) DO NOTHING`, [String(dim), model, SCHEMA_VERSION]);
      checkMeta(new Map((await c.query<{ key: string; value: string }>(`SELECT key, value FROM ${T.meta}`)).rows.map((r) => [r.key, r.value])));
      await c.query(`CREATE TABLE IF NOT EXISTS ${T.ids} (id text PRIMARY KEY CHECK (id <> ''), created_at timestamptz NOT NULL DEFAULT now())`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${T.tpl} (
        template_id bigserial PRIMARY KEY,
        identity_id text NOT NULL REFERENCES ${T.ids} (id) ON DELETE CASCADE,
        embedding vector(${dim}) NOT NULL CHECK (abs(vector_norm(embedding) - 1) < 1e-3),
        source text UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now())`);
      await c.query(`CREATE INDEX IF NOT EXISTS ${name}_templates_identity ON ${T.tpl} (identity_id)`);
      if (options.index !== false) await c.query(createHnsw);
    });
  } catch (e) {
    await owned?.close().catch(() => undefined);
    throw e;
  }

  /**
   * Rows with their vectors as Float32Array. The query selects `vector_send(embedding) AS e`:
   * pgvector's binary form as bytea, which pg hands over as a Buffer. The vector's own text form
   * would cost a shortest-decimal formatting of every float in the database and a parse here.
   */
  const readVectors = async <R extends { e: Float32Array }>(client: pg.Pool | pg.PoolClient, text: string, values: unknown[]): Promise<R[]> => {
    const r = await client.query(text, values);
    return r.rows.map((row: Record<string, unknown>) => ({ ...row, e: vectorFromBinary(row.e as Buffer, dim) }) as R);
  };

  /** Unit-length float32 copy of a checked embedding. */
  const unit = (e: EmbeddingLike, what: string): Float32Array => {
    checkEmbedding(e, what, { dim, why: why() });
    return l2Normalize(e);
  };
  const dim4 = dim - (dim & 3);

  const insert = async (rows: { id: string; e: Float32Array; source: string | null }[]): Promise<number> => {
    if (rows.length === 0) return 0;
    return transaction('adding templates', async (c) => {
      let added = 0;
      // 200 rows × ~10 kB of vector text per statement keeps each message small.
      for (let i = 0; i < rows.length; i += 200) {
        const part = rows.slice(i, i + 200);
        const ids = part.map((r) => r.id);
        await c.query(`INSERT INTO ${T.ids} (id) SELECT DISTINCT unnest($1::text[]) ON CONFLICT (id) DO NOTHING`, [ids]);
        const r = await c.query(
          `INSERT INTO ${T.tpl} (identity_id, embedding, source) SELECT * FROM unnest($1::text[], $2::vector[], $3::text[]) ON CONFLICT (source) DO NOTHING`,
          [ids, part.map((r) => vectorLiteral(r.e)), part.map((r) => r.source)],
        );
        added += r.rowCount ?? 0;
      }
      return added;
    });
  };

  const readTemplates = async (id: string): Promise<Float32Array[]> => {
    open();
    checkId(id);
    try {
      return (await readVectors(pool, `SELECT vector_send(embedding) AS e FROM ${T.tpl} WHERE identity_id = $1 ORDER BY template_id`, [id])).map((x) => x.e);
    } catch (cause) {
      throw storageError('reading templates', cause);
    }
  };

  let closed = false;
  const open = (): void => {
    if (closed) throw new DisposedError(`The PostgreSQL gallery "${name}" is closed; open a new one with createPgGallery().`);
  };
  const writable = (what: string): void => {
    open();
    if (readOnly) throw new InvalidOptionError(`The gallery "${name}" was opened with readOnly: true; ${what} on a gallery opened for writing (on the primary).`);
  };

  return {
    dim, model, name,

    async add(id, embedding, o = {}) {
      writable('add');
      checkId(id);
      const list = Array.isArray(embedding) && (embedding.length === 0 || typeof embedding[0] !== 'number')
        ? embedding as readonly EmbeddingLike[] : [embedding as EmbeddingLike];
      if (list.length === 0) throw new InvalidInputError(`No embeddings given for "${id}".`);
      const sources = o.source === undefined ? [] : typeof o.source === 'string' ? [o.source] : [...o.source];
      if (sources.length > 0 && sources.length !== list.length) {
        throw new InvalidInputError(`${sources.length} sources for ${list.length} embeddings of "${id}": give one source per embedding.`);
      }
      const rows = list.map((e, i) => ({ id, e: unit(e, `embedding ${i} of "${id}"`), source: sources[i] ?? null }));
      return insert(rows);
    },

    async addMany(entries) {
      writable('addMany');
      if (!Array.isArray(entries)) throw new InvalidInputError('addMany takes an array of { id, embedding, source? }.');
      const rows = entries.map((x, i) => ({ id: checkId(x?.id), e: unit(x.embedding, `embedding of entry ${i}`), source: x.source ?? null }));
      return insert(rows);
    },

    async remove(id) {
      writable('remove');
      const r = await query('removing an identity', `DELETE FROM ${T.ids} WHERE id = $1`, [checkId(id)]);
      return (r.rowCount ?? 0) > 0;
    },

    async has(id) {
      open();
      return (await query('looking up an identity', `SELECT 1 FROM ${T.ids} WHERE id = $1`, [checkId(id)])).rowCount === 1;
    },

    async size() {
      open();
      return Number((await query('counting identities', `SELECT count(*) AS n FROM ${T.ids}`)).rows[0].n);
    },

    async templateCount() {
      open();
      return Number((await query('counting templates', `SELECT count(*) AS n FROM ${T.tpl}`)).rows[0].n);
    },

    async list(o = {}) {
      open();
      const limit = intOption(o.limit, 'limit', { max: 100_000 }) ?? 1000;
      const r = o.after === undefined
        ? await query('listing identities', `SELECT id FROM ${T.ids} ORDER BY id COLLATE "C" LIMIT $1`, [limit])
        : await query('listing identities', `SELECT id FROM ${T.ids} WHERE id COLLATE "C" > $1 ORDER BY id COLLATE "C" LIMIT $2`, [o.after, limit]);
      return r.rows.map((x: { id: string }) => x.id);
    },

    templates: readTemplates,

    async search(embedding, k = 5, minSimilarity = -1) {
      open();
      checkSearchArgs(k, minSimilarity);
      const q = unit(embedding, 'query embedding');
      const literal = vectorLiteral(q);
      let n = Math.max(candidates, k);
      for (;;) {
        const ef = Math.max(efSearch, n);
        const rows = await transaction('searching', async (c) => {
          // Per transaction, so a pool shared with other code keeps its own setting.
          await c.query(`SET LOCAL hnsw.ef_search = ${Math.min(ef, 1000)}`);
          // HNSW gives at most ef_search (≤ 1000) rows: past that, an exact scan (any pgvector).
          if (ef > 1000) await c.query('SET LOCAL enable_indexscan = off');
          return readVectors<{ id: string; e: Float32Array }>(c, `SELECT identity_id AS id, vector_send(embedding) AS e FROM ${T.tpl} ORDER BY embedding <=> $1::vector LIMIT ${n}`, [literal]);
        });
        const best = new Map<string, number>();
        for (const r of rows) {
          const s = rowDot(r.e, 0, q, dim, dim4);
          if (!(s <= (best.get(r.id) ?? -Infinity))) best.set(r.id, s);
        }
        // Several templates of one identity can fill the candidates: widen until k identities
        // are in, or the table is exhausted.
        if (best.size < k && rows.length === n) { n *= 4; continue; }
        return [...best]
          .filter(([, s]) => s >= minSimilarity)
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .slice(0, k)
          .map(([id, similarity]) => ({ id, similarity }));
      }
    },

    async similarityTo(id, embedding) {
      const q = unit(embedding, 'query embedding');
      const list = await readTemplates(id);
      if (list.length === 0) return undefined;
      let best = -Infinity;
      for (const t of list) best = Math.max(best, rowDot(t, 0, q, dim, dim4));
      return best;
    },

    async knownSources(sources) {
      open();
      if (sources.length === 0) return new Set();
      const r = await query('reading sources', `SELECT source FROM ${T.tpl} WHERE source = ANY($1::text[])`, [sources]);
      return new Set(r.rows.map((x: { source: string }) => x.source));
    },

    async createIndex() {
      writable('createIndex');
      const exists = await query('looking up the index', 'SELECT 1 FROM pg_indexes WHERE indexname = $1', [T.hnsw]);
      if (exists.rowCount === 1) return 0;
      const t0 = performance.now();
      await query('building the HNSW index', createHnsw);
      return performance.now() - t0;
    },

    async storage() {
      open();
      const r = await query('measuring storage', `SELECT pg_total_relation_size($1::regclass) + pg_total_relation_size($2::regclass) AS total,
        pg_table_size($2::regclass) AS tbl, coalesce(pg_relation_size(to_regclass($3)), 0) AS hnsw`, [T.ids, T.tpl, T.hnsw]);
      const x = r.rows[0] as { total: string; tbl: string; hnsw: string };
      return { tableBytes: Number(x.tbl), hnswBytes: Number(x.hnsw), totalBytes: Number(x.total) };
    },

    async close() {
      if (closed) return;
      closed = true;
      await owned?.close();
    },
  };
}
