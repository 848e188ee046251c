import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../errors.js';
import type { Keypoints5 } from '../model-io/detection-types.js';
import { createBlinkDetector, type BlinkState } from './blink.js';

const OPEN = { left: 0.95, right: 0.9 };
const SHUT = { left: 0.05, right: 0.1 };
const FRAME_MS = 1000 / 30;

/** Feeds `samples` at 30 fps from `start`; returns the last state. */
function feed(d: ReturnType<typeof createBlinkDetector>, samples: ({ left: number; right: number } | undefined)[], start = 0): BlinkState {
  let s: BlinkState = { phase: 'waiting-open', blinks: 0 };
  samples.forEach((e, i) => { s = d.update(e, start + i * FRAME_MS); });
  return s;
}

const times = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

describe('createBlinkDetector', () => {
  it('counts open → closed (200 ms) → open as a blink', () => {
    const d = createBlinkDetector();
    expect(d.update(OPEN, 0).phase).toBe('open');
    expect(d.update(SHUT, 33).phase).toBe('closed');
    expect(d.update(SHUT, 133).phase).toBe('closed');
    expect(d.update(OPEN, 233)).toEqual({ phase: 'blinked', blinks: 1 });
    expect(d.blinked).toBe(true);
    // Armed for the next one.
    expect(feed(d, [SHUT, SHUT, OPEN], 300)).toEqual({ phase: 'blinked', blinks: 2 });
  });

  it('needs open eyes first: a face first seen with eyes closed does not blink on opening', () => {
    const d = createBlinkDetector();
    expect(feed(d, [SHUT, SHUT, OPEN])).toEqual({ phase: 'open', blinks: 0 });
    expect(d.blinked).toBe(false);
  });

  it('does not count eyes closed for longer than maxClosedMs', () => {
    const d = createBlinkDetector();
    d.update(OPEN, 0);
    d.update(SHUT, 100);
    expect(d.update(OPEN, 1101)).toEqual({ phase: 'open', blinks: 0 });
    // Exactly at the limit still counts (a blink seen at 1 fps is 1000 ms long).
    const e = createBlinkDetector();
    e.update(OPEN, 0);
    e.update(SHUT, 100);
    expect(e.update(OPEN, 1100).blinks).toBe(1);
  });

  it('ignores samples between the thresholds and needs both eyes to agree', () => {
    const d = createBlinkDetector();
    d.update(OPEN, 0);
    expect(d.update({ left: 0.5, right: 0.5 }, 33).phase).toBe('open');
    expect(d.update({ left: 0.05, right: 0.9 }, 66).phase).toBe('open'); // one eye shut: a wink or noise
    expect(d.update(SHUT, 100).phase).toBe('closed');
    expect(d.update({ left: 0.95, right: 0.5 }, 133).phase).toBe('closed'); // one eye open: not yet
    expect(d.update({ left: Number.NaN, right: 0.9 }, 166).phase).toBe('closed');
    expect(d.update({ left: 0.6, right: 0.6 }, 200).phase).toBe('blinked'); // thresholds inclusive
  });

  it('restarts the phase when the face is lost, keeping the count', () => {
    const d = createBlinkDetector();
    feed(d, [OPEN, SHUT, OPEN]);
    expect(feed(d, [OPEN, SHUT, undefined, OPEN], 200)).toEqual({ phase: 'open', blinks: 1 });
    expect(d.update(undefined, 400)).toEqual({ phase: 'waiting-open', blinks: 1 });
    d.reset();
    expect(d.blinked).toBe(false);
    expect(d.update(SHUT, 500)).toEqual({ phase: 'waiting-open', blinks: 0 });
  });

  it('sees a 100 ms blink in a 30 fps stream with noisy probabilities', () => {
    const d = createBlinkDetector();
    const s = feed(d, [...times(20, { left: 0.8, right: 0.7 }), { left: 0.45, right: 0.3 }, ...times(2, { left: 0.1, right: 0.2 }), { left: 0.55, right: 0.7 }, ...times(20, { left: 0.8, right: 0.75 })]);
    expect(s).toEqual({ phase: 'blinked', blinks: 1 });
  });

  it('rejects thresholds that overlap', () => {
    expect(() => createBlinkDetector({ openAbove: 0.4, closedBelow: 0.4 })).toThrow(InvalidOptionError);
    expect(() => createBlinkDetector({ openAbove: 1.2 })).toThrow(InvalidOptionError);
    expect(() => createBlinkDetector({ maxClosedMs: 0 })).toThrow(InvalidOptionError);
  });

  it('with keypoints, refuses a closing while the face moved or changed scale, and counts it in moved', () => {
    const at = (dx: number, iod = 60): Keypoints5 => [[100 + dx, 100], [100 + dx + iod, 100], [130 + dx, 130], [110 + dx, 160], [150 + dx, 160]];
    const still = createBlinkDetector();
    still.update(OPEN, 0, at(0));
    still.update(SHUT, 100, at(5)); // 5 px of 60: within 0.25
    expect(still.update(OPEN, 200, at(3))).toEqual({ phase: 'blinked', blinks: 1 });
    const moving = createBlinkDetector();
    moving.update(OPEN, 0, at(0));
    moving.update(SHUT, 100, at(30)); // half an inter-ocular distance
    expect(moving.update(OPEN, 200, at(30))).toEqual({ phase: 'open', blinks: 0, moved: 1 });
    // The reopened frame arms the next closing, which holds still.
    moving.update(SHUT, 300, at(31));
    expect(moving.update(OPEN, 400, at(30))).toEqual({ phase: 'blinked', blinks: 1, moved: 1 });
    const zoom = createBlinkDetector();
    zoom.update(OPEN, 0, at(0));
    zoom.update(SHUT, 100, at(0, 72)); // 20 % larger
    expect(zoom.update(OPEN, 200, at(0, 72)).blinks).toBe(0);
    expect(() => createBlinkDetector({ maxMove: -1 })).toThrow(InvalidOptionError);
  });
});
