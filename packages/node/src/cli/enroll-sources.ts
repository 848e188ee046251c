// The work list of `facekit-node enroll`: which image belongs to which identity. Two layouts:
// - a folder with one sub-folder per identity (the sub-folder's name is the id);
// - a CSV of `id,path` rows, paths relative to the CSV's folder.
// Every item carries a `source` key, its path relative to the folder / the CSV's folder with
// posix separators, so the same photo has the same key on every machine and every run: the
// gallery's unique `source` column and the skipped table use it to resume.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InvalidInputError } from '@facekit/core';

/** One image to enroll. */
export interface EnrollItem {
  /** Identity id. */
  id: string;
  /** Absolute path of the image. */
  path: string;
  /** Stable resume key: the path relative to the input folder (or the CSV's folder), posix separators. */
  source: string;
}

/** A line of the input that cannot become an item (CSV only); reported, never fatal. */
export interface SourceProblem {
  /** Where: `<csv file>:<line>`. Not a resume key: nothing is stored for it. */
  source: string;
  id: string;
  reason: string;
}

export interface EnrollSources {
  kind: 'folder' | 'csv';
  /** The folder `source` keys are relative to. */
  root: string;
  items: EnrollItem[];
  problems: SourceProblem[];
}

/** Extensions the decoder (sharp) reads; anything else in an identity folder is not an image. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif', '.tif', '.tiff']);

const toPosix = (p: string): string => (sep === '/' ? p : p.split(sep).join('/'));
/** Code-unit order, so the listing is the same whatever the locale. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Lists the items of a folder or a `.csv` file. */
export async function listEnrollSources(input: string): Promise<EnrollSources> {
  const path = resolve(input);
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new InvalidInputError(`Cannot read ${input}: ${(e as Error).message}. Give a folder with one sub-folder per identity, or a CSV file of id,path rows.`, { cause: e });
  }
  if (info.isDirectory()) return listFolder(path);
  if (info.isFile()) return listCsv(path, await readFile(path, 'utf8'));
  throw new InvalidInputError(`${input} is neither a folder nor a file.`);
}

/** Is `path` (possibly a symlink) a directory / a file? Dirent says "symlink" for links. */
async function kindOf(path: string): Promise<'dir' | 'file' | 'other'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'other'; // a dangling link: not an image we could read
  }
}

async function listFolder(root: string): Promise<EnrollSources> {
  const items: EnrollItem[] = [];
  const entries = (await readdir(root, { withFileTypes: true })).sort((a, b) => byCodeUnit(a.name, b.name));
  for (const person of entries) {
    // Hidden folders (.git, .DS_Store's kin) are not identities.
    if (person.name.startsWith('.')) continue;
    const dir = join(root, person.name);
    if (!(person.isDirectory() || (person.isSymbolicLink() && (await kindOf(dir)) === 'dir'))) continue;
    const files = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byCodeUnit(a.name, b.name));
    for (const f of files) {
      if (f.name.startsWith('.') || !IMAGE_EXTENSIONS.has(extname(f.name).toLowerCase())) continue;
      const path = join(dir, f.name);
      if (!(f.isFile() || (f.isSymbolicLink() && (await kindOf(path)) === 'file'))) continue;
      items.push({ id: person.name, path, source: `${toPosix(person.name)}/${f.name}` });
    }
  }
  return { kind: 'folder', root, items, problems: [] };
}

/** One CSV record: its fields, the line it starts on, and what is wrong with it, if anything. */
export interface CsvRecord { fields: string[]; line: number; error?: string }

/**
 * RFC 4180 records: fields separated by commas, records by CRLF or LF; a field in double quotes
 * may hold commas, line breaks and `""` (a quote). Unquoted fields are trimmed (hand-written CSVs
 * have `id, path`). Lenient where the RFC allows nothing: a quote inside an unquoted field is a
 * literal character. A record with an unterminated quote, or text after a closing quote, gets
 * an `error` instead of being guessed at; parsing goes on at the next line.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // a BOM from Excel
  let i = 0;
  let line = 1;
  while (i < s.length) {
    const start = line;
    const recordStart = i;
    const fields: string[] = [];
    let error: string | undefined;
    // One record.
    for (;;) {
      let field = '';
      // Skip leading blanks so ` "a,b"` is still a quoted field.
      let j = i;
      while (s[j] === ' ' || s[j] === '\t') j++;
      if (s[j] === '"') {
        i = j + 1;
        let closed = false;
        while (i < s.length) {
          const c = s[i]!;
          if (c === '"') {
            if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
            closed = true; i++; break;
          }
          if (c === '\n') line++;
          field += c; i++;
        }
        if (!closed) { error = 'unterminated quoted field'; break; }
        while (s[i] === ' ' || s[i] === '\t') i++;
        if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') {
          error = 'text after a closing quote';
          break;
        }
      } else {
        while (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') field += s[i++];
        field = field.trim();
      }
      fields.push(field);
      if (s[i] === ',') { i++; continue; }
      break;
    }
    if (error) {
      // A stray quote can pair with one lines below and swallow them: rather than guess, the
      // bad record is its first line only, and parsing goes on with the next.
      const nl = s.indexOf('\n', recordStart);
      i = nl < 0 ? s.length : nl;
      line = start;
    }
    // End of record: CRLF, LF or end of text.
    if (s[i] === '\r') i++;
    if (s[i] === '\n') { i++; line++; }
    records.push(error ? { fields, line: start, error } : { fields, line: start });
  }
  return records;
}

/** Items from a CSV of `id,path` rows (header optional). A bad row is a problem, not a failure. */
export function listCsv(csvPath: string, text: string): EnrollSources {
  const root = dirname(csvPath);
  const name = basename(csvPath);
  const items: EnrollItem[] = [];
  const problems: SourceProblem[] = [];
  const firstLine = new Map<string, number>();
  let first = true;
  for (const r of parseCsv(text)) {
    const where = `${name}:${r.line}`;
    if (r.fields.length === 1 && r.fields[0] === '' && !r.error) continue; // a blank line
    const isHeader = first && r.fields.length === 2 && r.fields[0]!.toLowerCase() === 'id' && r.fields[1]!.toLowerCase() === 'path';
    first = false;
    if (isHeader) continue;
    const id = r.fields[0] ?? '';
    if (r.error) { problems.push({ source: where, id, reason: `malformed CSV line: ${r.error}` }); continue; }
    if (r.fields.length !== 2) { problems.push({ source: where, id, reason: `malformed CSV line: ${r.fields.length} fields, expected 2 (id,path)` }); continue; }
    const file = r.fields[1]!;
    if (id === '' || file === '') { problems.push({ source: where, id, reason: 'malformed CSV line: empty id or path' }); continue; }
    if (id.includes('\u0000')) { problems.push({ source: where, id, reason: 'malformed CSV line: NUL in the id' }); continue; }
    const path = isAbsolute(file) ? file : resolve(root, file);
    const source = toPosix(relative(root, path));
    // The gallery keeps one template per source: a second row for the same photo would be
    // dropped silently there, so say so here.
    const seen = firstLine.get(source);
    if (seen !== undefined) { problems.push({ source: where, id, reason: `duplicate of line ${seen} (same image)` }); continue; }
    firstLine.set(source, r.line);
    items.push({ id, path, source });
  }
  return { kind: 'csv', root, items, problems };
}
