// The frames of one live moment, for a server to check: from the frame facing the camera that a
// head-turn challenge starts from to the frame its second side is counted on, evenly spaced in
// time (a quarter of a second apart when the turn is quick, more when slow), at most BURST_MAX_FRAMES. A
// server checks that each shares its scene with the next (checkSceneContinuity) and that they
// show the turn, so photos from different occasions, placed in the order of a turn, do not pass.
// The challenge's own frames are always kept ("pinned").

/** Most frames kept (the pinned ones may add up to 3 more): 12 frames of 1280×720 at JPEG 0.92 stay under 3 MB. */
export const BURST_MAX_FRAMES = 12;
/** Closest spacing between two kept frames; it doubles whenever more than BURST_MAX_FRAMES would be kept. */
export const BURST_SPACING_MS = 250;

export interface BurstFrame<T> {
  item: T;
  atMs: number;
  pinned: boolean;
}

export interface Burst<T> {
  /** Offers a frame captured at `atMs` (increasing); a pinned one is always kept. `make` is called only for a frame kept (it may encode a picture). */
  add(make: () => T, atMs: number, pinned?: boolean): void;
  /** Starts over (the challenge restarted). */
  reset(): void;
  /** The frames kept, oldest first (read only). */
  readonly frames: BurstFrame<T>[];
}

export function createBurst<T>(): Burst<T> {
  let spacing = BURST_SPACING_MS;
  let frames: BurstFrame<T>[] = [];
  return {
    add(make, atMs, pinned = false) {
      if (!pinned && atMs - (frames.at(-1)?.atMs ?? -Infinity) < spacing) return;
      frames.push({ item: make(), atMs, pinned });
      while (frames.filter((f) => !f.pinned).length > BURST_MAX_FRAMES) {
        // Twice the spacing, walking from the oldest (the pinned ones always stay).
        spacing *= 2;
        let last = -Infinity;
        frames = frames.filter((f) => (f.pinned || f.atMs - last >= spacing) && (last = f.atMs) === f.atMs);
      }
    },
    reset() { frames = []; spacing = BURST_SPACING_MS; },
    get frames() { return frames; },
  };
}
