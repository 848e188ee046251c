import { InvalidInputError } from '../errors.js';

/** One pair of the LFW verification protocol. */
export interface LfwPair {
  /** 0-based fold (the file's folds, in order). */
  fold: number;
  /** Whether both images show the same person. */
  same: boolean;
  /** Relative image paths, `<Name>/<Name>_<NNNN>.jpg`. */
  a: string;
  b: string;
}

/** The relative path of LFW image `index` (1-based, as in `pairs.txt`) of `name`. */
export function lfwImagePath(name: string, index: number): string {
  if (!Number.isInteger(index) || index < 1) throw new InvalidInputError(`LFW: image index must be a positive integer (1-based, as in pairs.txt), got ${index}`);
  return `${name}/${name}_${String(index).padStart(4, '0')}.jpg`;
}

/**
 * Parses the official LFW `pairs.txt`: a `<folds> <pairsPerClass>` header, then per fold
 * `pairsPerClass` same-person lines (`name i j`) followed by as many different-person lines
 * (`name1 i name2 j`). Fields are separated by tabs or spaces; blank lines are ignored.
 * Throws an InvalidInputError naming the (1-based) line on anything else, since a silently
 * misread protocol file skews every number computed from it.
 */
export function parseLfwPairs(text: string): { folds: number; pairsPerClass: number; pairs: LfwPair[] } {
  const lines = text.split(/\r?\n/)
    .map((l, i) => ({ no: i + 1, fields: l.trim().split(/\s+/) }))
    .filter((l) => l.fields[0] !== '');
  const header = lines[0];
  if (!header) throw new InvalidInputError('LFW pairs: empty file, expected a "<folds> <pairsPerClass>" header');
  const [folds, pairsPerClass] = header.fields.map(positiveInt);
  if (header.fields.length !== 2 || folds === undefined || pairsPerClass === undefined) {
    throw new InvalidInputError(`LFW pairs: bad header "${header.fields.join(' ')}" (line ${header.no}), expected two positive integers "<folds> <pairsPerClass>"`);
  }

  const expected = folds * 2 * pairsPerClass;
  const body = lines.slice(1);
  const pairs: LfwPair[] = [];
  for (let k = 0; k < Math.min(body.length, expected); k++) {
    const { no, fields: f } = body[k]!;
    const fold = Math.floor(k / (2 * pairsPerClass));
    const same = k % (2 * pairsPerClass) < pairsPerClass;
    const where = `(line ${no}, fold ${fold + 1}, ${same ? 'same' : 'different'}-person block)`;
    if (same && f.length === 4) throw new InvalidInputError(`LFW pairs: different-person line in the same-person block ${where}`);
    if (!same && f.length === 3) throw new InvalidInputError(`LFW pairs: same-person line in the different-person block ${where}`);
    const want = same ? 3 : 4;
    if (f.length !== want) throw new InvalidInputError(`LFW pairs: expected ${want} fields, got ${f.length} ${where}`);
    const [name1, i1, name2, i2] = same ? [f[0]!, f[1]!, f[0]!, f[2]!] : [f[0]!, f[1]!, f[2]!, f[3]!];
    for (const name of [name1, name2]) {
      // Names become path segments: refuse anything that could leave the image folder.
      if (/[/\\]/.test(name) || name === '.' || name === '..') throw new InvalidInputError(`LFW pairs: bad name "${name}" ${where}`);
    }
    const a = positiveInt(i1), b = positiveInt(i2);
    if (a === undefined || b === undefined) {
      throw new InvalidInputError(`LFW pairs: image index "${a === undefined ? i1 : i2}" is not a positive integer ${where}`);
    }
    if (same && a === b) throw new InvalidInputError(`LFW pairs: same-person pair compares image ${a} with itself ${where}`);
    if (!same && name1 === name2) throw new InvalidInputError(`LFW pairs: different-person pair names "${name1}" twice ${where}`);
    pairs.push({ fold, same, a: lfwImagePath(name1, a), b: lfwImagePath(name2, b) });
  }
  const extra = body[expected];
  if (extra) {
    throw new InvalidInputError(`LFW pairs: more pair lines than the header's ${folds}×2×${pairsPerClass} = ${expected} (first extra at line ${extra.no})`);
  }
  if (pairs.length < expected) {
    const last = lines[lines.length - 1]!.no;
    throw new InvalidInputError(`LFW pairs: file ends after line ${last} with ${pairs.length} pair lines, the header promises ${folds}×2×${pairsPerClass} = ${expected}`);
  }
  return { folds, pairsPerClass, pairs };
}

/** A decimal positive integer, or undefined (rejects `1.5`, `1e3`, `+1`, `0`). */
function positiveInt(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}
