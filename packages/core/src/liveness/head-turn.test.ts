import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import { createHeadTurnChallenge } from './head-turn.js';

describe('createHeadTurnChallenge', () => {
  it('passes centre → right past 20° → left past −20°', () => {
    const c = createHeadTurnChallenge();
    expect(c.update(2, 0)).toEqual({ phase: 'center' });
    expect(c.update(15, 33)).toEqual({ phase: 'center' });
    expect(c.update(21, 66)).toEqual({ phase: 'turned-one-way', firstSide: 'right' });
    expect(c.update(0, 100)).toEqual({ phase: 'turned-one-way', firstSide: 'right' });
    expect(c.update(-19, 133).phase).toBe('turned-one-way');
    expect(c.update(-22, 166)).toEqual({ phase: 'passed', firstSide: 'right', passedAtMs: 166 });
    expect(c.passed).toBe(true);
    expect(c.update(undefined, 200).phase).toBe('passed'); // stays passed
  });

  it('passes in the other order too', () => {
    const c = createHeadTurnChallenge();
    for (const [yaw, t] of [[0, 0], [-25, 1], [30, 2]] as const) c.update(yaw, t);
    expect(c.update(5, 3)).toEqual({ phase: 'passed', firstSide: 'left', passedAtMs: 2 });
  });

  it('does not pass on turning the same way twice', () => {
    const c = createHeadTurnChallenge();
    for (const [yaw, t] of [[0, 0], [25, 1], [0, 2], [25, 3]] as const) c.update(yaw, t);
    expect(c.passed).toBe(false);
  });

  it('starts only from a centred face: one that arrives turned does not count its first side', () => {
    const c = createHeadTurnChallenge();
    expect(c.update(30, 0)).toEqual({ phase: 'center' });
    expect(c.update(-30, 1)).toEqual({ phase: 'center' });
    expect(c.update(8, 2)).toEqual({ phase: 'center' });
    expect(c.update(-30, 3)).toEqual({ phase: 'turned-one-way', firstSide: 'left' });
  });

  it('starts over when the face is lost before passing, and on reset', () => {
    const c = createHeadTurnChallenge();
    c.update(0, 0);
    c.update(25, 1);
    expect(c.update(undefined, 2)).toEqual({ phase: 'center' });
    expect(c.update(-25, 3)).toEqual({ phase: 'center' }); // not re-armed yet
    c.update(0, 4);
    c.update(-25, 5);
    c.update(25, 6);
    expect(c.passed).toBe(true);
    c.reset();
    expect(c.passed).toBe(false);
    expect(c.update(25, 7)).toEqual({ phase: 'center' });
  });

  it('honours its options and rejects nonsense', () => {
    const c = createHeadTurnChallenge({ yawThreshold: 30, returnBelow: 5 });
    for (const [yaw, t] of [[4, 0], [25, 1], [-25, 2]] as const) c.update(yaw, t);
    expect(c.update(-31, 3).phase).toBe('turned-one-way');
    expect(() => createHeadTurnChallenge({ yawThreshold: 10, returnBelow: 10 })).toThrow(InvalidOptionError);
    expect(() => createHeadTurnChallenge({ yawThreshold: 95 })).toThrow(InvalidOptionError);
  });
});
