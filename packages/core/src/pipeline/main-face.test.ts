import { describe, expect, it } from 'vitest';
import type { Box } from '../geometry/box.js';
import { pickMainFace } from './main-face.js';

const face = (w: number, h: number, name: string) => ({ box: [10, 10, 10 + w, 10 + h] as Box, name });

describe('pickMainFace', () => {
  it('takes the only face, or the largest when it clearly dominates', () => {
    expect(pickMainFace([face(50, 50, 'a')]).face?.name).toBe('a');
    expect(pickMainFace([face(20, 20, 'small'), face(100, 100, 'big'), face(60, 60, 'mid')]).face?.name).toBe('big');
    // Exactly half the area still counts as a bystander.
    expect(pickMainFace([face(100, 50, 'big'), face(50, 50, 'half')]).face?.name).toBe('big');
  });

  it('never guesses between faces of similar size, and says when there is none', () => {
    expect(pickMainFace([face(100, 100, 'a'), face(90, 90, 'b')])).toEqual({ reason: 'ambiguous' });
    expect(pickMainFace([])).toEqual({ reason: 'no-face' });
    expect(pickMainFace([face(100, 100, 'a'), face(80, 80, 'b')], 0.6)).toEqual({ reason: 'ambiguous' });
    expect(pickMainFace([face(100, 100, 'a'), face(80, 80, 'b')], 0.65).face?.name).toBe('a');
  });
});
