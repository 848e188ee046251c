import { describe, expect, it } from 'vitest';
import { decodeScrfd } from './scrfd.js';

// A 64×64 input: strides 8/16/32 have 8×8, 4×4, 2×2 cells, 2 anchors each.
function emptyOutputs(): { names: string[]; map: Map<string, Float32Array> } {
  const names: string[] = [];
  const map = new Map<string, Float32Array>();
  const counts = [128, 32, 8];
  ['s', 'b', 'k'].forEach((kind, g) => counts.forEach((n, level) => {
    const name = `${kind}${level}`;
    names[g * 3 + level] = name;
    map.set(name, new Float32Array(n * (kind === 's' ? 1 : kind === 'b' ? 4 : 10)));
  }));
  return { names, map };
}

describe('decodeScrfd', () => {
  it('places an anchor at its cell corner and scales distances by the stride', () => {
    const { names, map } = emptyOutputs();
    // stride 16, cell (x=2, y=1) → cell index 1*4+2 = 6, second anchor → row 13
    map.get('s1')![13] = 0.9;
    map.get('b1')!.set([1, 0.5, 2, 1.5], 13 * 4);
    map.get('k1')!.set([0, 0, 1, 0, 0.5, 0.5, 0, 1, 1, 1], 13 * 10);
    const out = decodeScrfd({ outputs: map, outputNames: names, inputWidth: 64, inputHeight: 64, minScore: 0.5 });
    expect(out).toHaveLength(1);
    const [cx, cy] = [2 * 16, 1 * 16];
    expect(out[0]!.box).toEqual([cx - 16, cy - 8, cx + 32, cy + 24]);
    expect(out[0]!.score).toBeCloseTo(0.9, 6);
    expect(out[0]!.keypoints).toEqual([[cx, cy], [cx + 16, cy], [cx + 8, cy + 8], [cx, cy + 16], [cx + 16, cy + 16]]);
  });
  it('reads outputs by graph order, not by map order', () => {
    const { names, map } = emptyOutputs();
    const shuffled = new Map([...map.entries()].reverse());
    map.get('s2')![0] = 0.7;
    expect(decodeScrfd({ outputs: shuffled, outputNames: names, inputWidth: 64, inputHeight: 64, minScore: 0.5 })).toHaveLength(1);
  });
  it('says what is wrong with outputs of the wrong size', () => {
    const { names, map } = emptyOutputs();
    expect(() => decodeScrfd({ outputs: map, outputNames: names, inputWidth: 96, inputHeight: 64, minScore: 0.5 })).toThrow(/stride 8: expected 192 anchors/);
    expect(() => decodeScrfd({ outputs: map, outputNames: names.slice(0, 6), inputWidth: 64, inputHeight: 64, minScore: 0.5 })).toThrow(/9 outputs/);
  });
});
