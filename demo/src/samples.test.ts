import { describe, expect, it } from 'vitest';
import { parseSamples } from './samples.js';

describe('parseSamples', () => {
  it('reads the listed samples', () => {
    expect(parseSamples({ samples: [{ file: 'group.jpg', label: 'A group', credit: 'somewhere' }, { file: 'b.png', label: 'B' }] }))
      .toEqual([{ file: 'group.jpg', label: 'A group', credit: 'somewhere' }, { file: 'b.png', label: 'B', credit: '' }]);
  });

  it('has no samples for a list it cannot read', () => {
    for (const bad of [null, undefined, 1, 'x', {}, { samples: 'group.jpg' }]) expect(parseSamples(bad)).toEqual([]);
  });

  it('drops entries without a plain file name in samples/ or a label', () => {
    const entries = [
      { file: '../models/det_500m.onnx', label: 'x' }, { file: 'a/b.jpg', label: 'x' }, { file: '.hidden', label: 'x' },
      { file: 'https://example.com/a.jpg', label: 'x' }, { file: 'ok.jpg', label: '' }, { file: 3, label: 'x' }, null,
      { file: 'ok.jpg', label: 'kept' },
    ];
    expect(parseSamples({ samples: entries })).toEqual([{ file: 'ok.jpg', label: 'kept', credit: '' }]);
  });
});
