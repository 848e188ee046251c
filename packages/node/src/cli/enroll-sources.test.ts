// The work list: folder layout and CSV parsing, on real files in a temp folder (no models).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@facekit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { listCsv, listEnrollSources, parseCsv } from './enroll-sources.js';

const tmp = mkdtempSync(join(tmpdir(), 'facekit-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('enroll sources: folder', () => {
  it('lists one identity per sub-folder, image extensions only, non-recursive, sorted, with posix source keys', async () => {
    const root = join(tmp, 'people');
    for (const d of ['bob', 'alice', 'alice/nested', '.hidden']) mkdirSync(join(root, d), { recursive: true });
    for (const f of ['alice/b.JPG', 'alice/a.png', 'alice/c.webp', 'alice/notes.txt', 'alice/.x.jpg', 'alice/nested/deep.jpg',
      'bob/z.tiff', 'bob/y.avif', 'bob/x.gif', 'bob/w.jpeg', 'bob/v.tif', '.hidden/h.jpg', 'loose.jpg']) writeFileSync(join(root, f), 'x');
    symlinkSync(join(root, 'bob', 'w.jpeg'), join(root, 'alice', 'd-link.jpg'));
    const s = await listEnrollSources(root);
    expect(s.kind).toBe('folder');
    expect(s.problems).toEqual([]);
    expect(s.items.map((x) => [x.id, x.source])).toEqual([
      ['alice', 'alice/a.png'], ['alice', 'alice/b.JPG'], ['alice', 'alice/c.webp'], ['alice', 'alice/d-link.jpg'],
      ['bob', 'bob/v.tif'], ['bob', 'bob/w.jpeg'], ['bob', 'bob/x.gif'], ['bob', 'bob/y.avif'], ['bob', 'bob/z.tiff'],
    ]);
    expect(s.items[0]!.path).toBe(join(root, 'alice', 'a.png'));
  });

  it('refuses a path that does not exist with a typed error', async () => {
    await expect(listEnrollSources(join(tmp, 'nope'))).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('enroll sources: CSV', () => {
  it('parses RFC 4180: quoted commas, doubled quotes, line breaks in quotes, CRLF, BOM', () => {
    const r = parseCsv('\uFEFFid,path\r\n"Law, Bernard",a.jpg\r\n"say ""hi""","multi\nline.jpg"\n plain , b.jpg \n');
    expect(r.map((x) => [x.line, x.fields])).toEqual([
      [1, ['id', 'path']], [2, ['Law, Bernard', 'a.jpg']], [3, ['say "hi"', 'multi\nline.jpg']], [5, ['plain', 'b.jpg']],
    ]);
  });

  it('marks a malformed record and carries on with the next line', () => {
    const r = parseCsv('"open,a.jpg\nok,b.jpg\n"x"y,c.jpg\nfine,d.jpg');
    // Line 1's quote pairs with line 3's (RFC 4180 allows line breaks in quotes), and `x`
    // follows it: the record is bad, and only its first line is dropped.
    expect(r.map((x) => [x.line, x.error ?? null])).toEqual([
      [1, 'text after a closing quote'], [2, null], [3, 'text after a closing quote'], [4, null],
    ]);
    expect(parseCsv('a,b\n"never closed,c.jpg\nd,e.jpg').map((x) => [x.line, x.error ?? null, x.fields.join('|')]))
      .toEqual([[1, null, 'a|b'], [2, 'unterminated quoted field', ''], [3, null, 'd|e.jpg']]);
    expect(r[1]!.fields).toEqual(['ok', 'b.jpg']);
    expect(r[3]!.fields).toEqual(['fine', 'd.jpg']);
  });

  it('makes items with paths relative to the CSV folder; bad lines become problems, not failures', () => {
    const csv = join(tmp, 'lists', 'people.csv');
    const s = listCsv(csv, [
      'id,path', // header, skipped
      '"Law, Bernard",photos/law 1.jpg',
      'bob,./photos/../photos/bob.jpg',
      'carol,/abs/carol.jpg',
      '',
      'three,fields,here',
      ',empty-id.jpg',
      'dup,photos/bob.jpg',
      '"unterminated,x.jpg',
    ].join('\n'));
    expect(s.items.map((x) => [x.id, x.source])).toEqual([
      ['Law, Bernard', 'photos/law 1.jpg'], ['bob', 'photos/bob.jpg'], ['carol', expect.stringMatching(/^(\.\.\/)+abs\/carol\.jpg$/)],
    ]);
    expect(s.items[0]!.path).toBe(join(tmp, 'lists', 'photos', 'law 1.jpg'));
    expect(s.items[2]!.path).toBe('/abs/carol.jpg');
    expect(s.problems.map((p) => [p.source, p.reason])).toEqual([
      ['people.csv:6', 'malformed CSV line: 3 fields, expected 2 (id,path)'],
      ['people.csv:7', 'malformed CSV line: empty id or path'],
      ['people.csv:8', 'duplicate of line 3 (same image)'],
      ['people.csv:9', 'malformed CSV line: unterminated quoted field'],
    ]);
  });

  it('takes a first line that is not id,path as data', () => {
    expect(listCsv('/x/a.csv', 'ann,a.jpg\nid,path').items.map((x) => x.id)).toEqual(['ann', 'id']);
  });
});
