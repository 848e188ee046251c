import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { lfwImagePath, parseLfwPairs } from './lfw.js';

const LFW_DEV = '/work/shared/data/lfw-dev';

/** Two folds of two pairs per class. */
const TWO_FOLDS = [
  '2\t2',
  'Abel_Pacheco\t1\t4', 'Zico\t2\t3',
  'Abel_Pacheco\t1\tZico\t2', 'Dean_Barker\t1\tAmber_Tamblyn\t12',
  'Ann  3  1', 'Bo 10 11',
  'Ann 1 Bo 1', 'Cy 2 Ann 1',
].join('\n');

/** Replaces line `no` (1-based) of TWO_FOLDS. */
const withLine = (no: number, line: string): string => TWO_FOLDS.split('\n').map((l, i) => (i === no - 1 ? line : l)).join('\n');

describe('lfwImagePath', () => {
  it('zero-pads the index to four digits', () => {
    expect(lfwImagePath('Zico', 2)).toBe('Zico/Zico_0002.jpg');
    expect(lfwImagePath('George_W_Bush', 530)).toBe('George_W_Bush/George_W_Bush_0530.jpg');
  });
  it('rejects non-positive and fractional indices', () => {
    expect(() => lfwImagePath('Zico', 0)).toThrow(InvalidInputError);
    expect(() => lfwImagePath('Zico', 1.5)).toThrow(InvalidInputError);
  });
});

describe('parseLfwPairs', () => {
  it('reads folds, blocks and paths; tabs or spaces', () => {
    const r = parseLfwPairs(TWO_FOLDS);
    expect(r.folds).toBe(2);
    expect(r.pairsPerClass).toBe(2);
    expect(r.pairs.map((p) => [p.fold, p.same])).toEqual([
      [0, true], [0, true], [0, false], [0, false], [1, true], [1, true], [1, false], [1, false]]);
    expect(r.pairs[0]).toEqual({ fold: 0, same: true, a: 'Abel_Pacheco/Abel_Pacheco_0001.jpg', b: 'Abel_Pacheco/Abel_Pacheco_0004.jpg' });
    expect(r.pairs[3]).toEqual({ fold: 0, same: false, a: 'Dean_Barker/Dean_Barker_0001.jpg', b: 'Amber_Tamblyn/Amber_Tamblyn_0012.jpg' });
    expect(r.pairs[4]!.a).toBe('Ann/Ann_0003.jpg');
  });

  it('accepts CRLF, a trailing newline and blank lines', () => {
    expect(parseLfwPairs(`${TWO_FOLDS.replace(/\n/g, '\r\n')}\r\n`).pairs).toHaveLength(8);
    expect(parseLfwPairs(TWO_FOLDS.replace('\n', '\n\n  \n')).pairs).toHaveLength(8);
  });

  it('rejects a bad header', () => {
    expect(() => parseLfwPairs('')).toThrow(/empty file/);
    for (const h of ['10', 'a\t300', '0\t300', '10\t0', '10 300 5', '1.5\t300', '-1\t300']) {
      expect(() => parseLfwPairs(`${h}\nZico\t1\t2`)).toThrow(InvalidInputError);
      expect(() => parseLfwPairs(`${h}\nZico\t1\t2`)).toThrow(/bad header.*line 1/);
    }
  });

  it('rejects a wrong field count', () => {
    expect(() => parseLfwPairs(withLine(3, 'Zico\t2'))).toThrow(/expected 3 fields, got 2 \(line 3/);
    expect(() => parseLfwPairs(withLine(4, 'Abel_Pacheco\t1\tZico\t2\t7'))).toThrow(/expected 4 fields, got 5 \(line 4/);
    expect(() => parseLfwPairs(withLine(4, 'Abel_Pacheco'))).toThrow(InvalidInputError);
  });

  it('rejects lines in the wrong block', () => {
    expect(() => parseLfwPairs(withLine(5, 'Zico\t1\t2'))).toThrow(/same-person line in the different-person block \(line 5, fold 1/);
    expect(() => parseLfwPairs(withLine(7, 'Ann 1 Bo 1'))).toThrow(/different-person line in the same-person block \(line 7, fold 2/);
  });

  it('rejects bad indices', () => {
    for (const bad of ['x', '1.5', '0', '-1', '1e2', '+3']) {
      expect(() => parseLfwPairs(withLine(2, `Zico\t${bad}\t2`))).toThrow(`image index "${bad}" is not a positive integer (line 2`);
      expect(() => parseLfwPairs(withLine(5, `Ann\t1\tZico\t${bad}`))).toThrow(/is not a positive integer \(line 5/);
    }
  });

  it('rejects self-pairs and path-escaping names', () => {
    expect(() => parseLfwPairs(withLine(2, 'Zico\t2\t2'))).toThrow(/with itself \(line 2/);
    expect(() => parseLfwPairs(withLine(4, 'Zico\t1\tZico\t2'))).toThrow(/names "Zico" twice \(line 4/);
    expect(() => parseLfwPairs(withLine(2, '..\t1\t2'))).toThrow(/bad name/);
    expect(() => parseLfwPairs(withLine(4, 'Ann\t1\ta/b\t2'))).toThrow(/bad name "a\/b" \(line 4/);
  });

  it('rejects fewer or more lines than the header promises', () => {
    const lines = TWO_FOLDS.split('\n');
    expect(() => parseLfwPairs(lines.slice(0, -1).join('\n'))).toThrow(/ends after line 8 with 7 pair lines, the header promises 2×2×2 = 8/);
    expect(() => parseLfwPairs('1\t300\n')).toThrow(/ends after line 1 with 0 pair lines/);
    expect(() => parseLfwPairs(`${TWO_FOLDS}\n\nZico\t1\t2\n`)).toThrow(/more pair lines .* = 8 \(first extra at line 11\)/);
  });

  it.skipIf(!existsSync(join(LFW_DEV, 'pairs.txt')))('parses the LFW dev pairs: 300 same + 300 different', () => {
    const r = parseLfwPairs(readFileSync(join(LFW_DEV, 'pairs.txt'), 'utf8'));
    expect([r.folds, r.pairsPerClass]).toEqual([1, 300]);
    expect(r.pairs.filter((p) => p.same)).toHaveLength(300);
    expect(r.pairs.filter((p) => !p.same)).toHaveLength(300);
    expect(r.pairs.every((p) => p.fold === 0)).toBe(true);
  });

  it.skipIf(!existsSync(join(LFW_DEV, 'images')))('finds every referenced LFW dev image', () => {
    const r = parseLfwPairs(readFileSync(join(LFW_DEV, 'pairs.txt'), 'utf8'));
    const paths = [...new Set(r.pairs.flatMap((p) => [p.a, p.b]))];
    const absent = paths.filter((p) => !existsSync(join(LFW_DEV, 'images', p)));
    expect(absent).toEqual([]);
  });
});
