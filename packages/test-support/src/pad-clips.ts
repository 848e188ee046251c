// The presentation-attack development set: real camera clips (genuine people and attacks filmed by
// a camera), listed with origin, terms and labels in scripts/eval/pad-clips.json, the files
// themselves in .cache/pad-clips/ (never committed: their terms do not allow it everywhere).
// Each clip becomes a fake-camera y4m at 15 fps, framed as asked.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import type { HeadTurnSide } from '@facekit/core';
import { ROOT } from './config.js';

export const PAD_CLIPS_DIR = resolve(ROOT, '.cache/pad-clips');
export const PAD_MANIFEST = resolve(ROOT, 'scripts/eval/pad-clips.json');

export type GenuineKind = 'turn' | 'blink' | 'still' | 'talking';
export type AttackKind = 'print' | 'replay' | 'mask';

export interface PadClip {
  /** Path under .cache/pad-clips/. */
  file: string;
  sha256: string;
  /** Where it came from: the public repository, the path in it and the commit read. */
  repo: string;
  path: string;
  commit: string;
  /** The repository's licence or terms, as it states them. */
  license: string;
  label: 'genuine' | 'attack';
  kind: GenuineKind | AttackKind;
  /** What filmed it, where known. */
  camera: 'webcam' | 'phone' | 'unknown';
  /** How the file was cut from the repository's file (ffmpeg arguments), when it was. */
  cut?: string;
  /** Who is shown: clips of one person share it (cross-validation folds keep a person in one fold). */
  person: string;
  /** The person blinks at least once in the clip (blink modes can accept it). */
  blinks: boolean;
  /** The sides the person turns to, in their own left/right and in the clip's order; null when they do not turn both ways. */
  turns: [HeadTurnSide, HeadTurnSide] | null;
  /** First second of the clip to use (skips titles or an empty start); default 0. */
  start?: number;
  notes: string;
}

/** How a clip is put into the camera frame. */
export type Framing = 'native' | 'grey' | 'black';
export const FRAMINGS: readonly Framing[] = ['native', 'grey', 'black'];

export function readPadManifest(path = PAD_MANIFEST): PadClip[] {
  const clips = JSON.parse(readFileSync(path, 'utf8')) as { clips: PadClip[] };
  return clips.clips;
}

/** The clip's file, checked against its recorded SHA-256; undefined when it is not in .cache. */
export function padClipPath(clip: PadClip, dir = PAD_CLIPS_DIR): string | undefined {
  const p = resolve(dir, clip.file);
  if (!existsSync(p)) return undefined;
  const sha = createHash('sha256').update(readFileSync(p)).digest('hex');
  if (sha !== clip.sha256) throw new Error(`${clip.file}: SHA-256 ${sha} is not the recorded ${clip.sha256}; fetch it again from ${clip.repo}@${clip.commit}:${clip.path}`);
  return p;
}

/** The 'native' framing: the clip's own shape, longer side 640. */
const NATIVE_FIT = 'scale=w=640:h=640:force_original_aspect_ratio=decrease:force_divisible_by=2';

/**
 * The clip's frames at `fps` over `seconds` from its start, in 'native' framing, upright (ffmpeg
 * applies rotation metadata), decoded in one ffmpeg run (an RGBA PAM stream).
 */
export function padClipFrames(path: string, clip: Pick<PadClip, 'start'>, seconds: number, fps: number): { width: number; height: number; data: Uint8ClampedArray }[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-ss', String(clip.start ?? 0), '-i', path, '-t', String(seconds), '-vf', `${NATIVE_FIT},fps=${fps}`,
    '-f', 'image2pipe', '-vcodec', 'pam', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${r.stderr?.toString().trim()}`);
  const out: { width: number; height: number; data: Uint8ClampedArray }[] = [];
  for (let o = 0; o < r.stdout.length;) {
    const end = r.stdout.indexOf('ENDHDR\n', o);
    if (end < 0) break;
    const header = r.stdout.subarray(o, end).toString('latin1');
    const width = Number(/WIDTH (\d+)/.exec(header)?.[1]), height = Number(/HEIGHT (\d+)/.exec(header)?.[1]);
    const data = r.stdout.subarray(end + 7, end + 7 + width * height * 4);
    out.push({ width, height, data: new Uint8ClampedArray(data) });
    o = end + 7 + data.length;
  }
  return out;
}

/**
 * The clip as a y4m at 15 fps, at most `seconds` long: 'native' keeps its shape, the longer
 * side 640 (as a phone held upright gives a portrait track); 'grey' and 'black' fit it into
 * 640×480 and pad the rest, as a fake camera of fixed size shows a portrait clip.
 */
export function padStream(source: string, clip: Pick<PadClip, 'start'>, framing: Framing, outDir: string, seconds = 20): string {
  mkdirSync(outDir, { recursive: true });
  const hash = createHash('sha256').update(`${source}|${clip.start ?? 0}|${framing}|${seconds}|v1`).digest('hex').slice(0, 12);
  const out = resolve(outDir, `${hash}-${framing}.y4m`);
  if (existsSync(out)) return out;
  const fit = framing === 'native'
    ? NATIVE_FIT
    : `scale=w=640:h=480:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=${framing === 'grey' ? '0x808080' : 'black'}`;
  const tmp = `${out}.part`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-ss', String(clip.start ?? 0), '-i', source, '-t', String(seconds),
    '-vf', `${fit},fps=15,format=yuv420p`, '-f', 'yuv4mpegpipe', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`ffmpeg could not make a stream of ${source}: ${r.stderr?.toString().trim()}`);
  renameSync(tmp, out);
  return out;
}
