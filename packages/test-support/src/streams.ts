// Fake-camera video files: y4m streams made with ffmpeg from the shared photos, for Chromium's
// `--use-file-for-fake-video-capture` (the device reads one file per browser launch and loops it).
// Files are cached in .cache/streams/ under a hash of their spec, so a spec is rendered once.
//
// What Chromium 156 does with them (camera-streams.spec.ts): getUserMedia gives a track of the
// file's size at the file's rate (its label is the file path); MediaStreamTrackProcessor yields
// I420 VideoFrames carrying the file's bytes unchanged, one per 1/fps (±10 ms). Each time the
// file loops its first frame is delivered twice, so an N-frame file repeats every N + 1 frames.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { jpegOrientation } from './exif.js';
import { ROOT, SHARED_DIR } from './config.js';

export { jpegOrientation };

export const STREAMS_DIR = resolve(ROOT, '.cache/streams');
/** The folder `image` paths are relative to. */
export const DATA_DIR = resolve(SHARED_DIR, 'data');
/** Neutral grey of padding and backgrounds. */
export const BACKGROUND = '0x808080';

/** Bump when the rendering changes, so cached files are remade. */
const GENERATOR_VERSION = 1;

/** Frame size and rate, common to every kind. */
export interface FrameOptions {
  /** Frame width in pixels (even); default 640. */
  width?: number;
  /** Frame height in pixels (even); default 480. Use 1280×720 for an HD camera. */
  height?: number;
  /** Frames per second; default 15. */
  fps?: number;
}

/** How a photo is placed in the frame (still, alternate, sequence). */
export interface PhotoLook {
  /** 'contain' (default) shows the whole photo, padded with grey; 'cover' fills the frame and crops the centre. Aspect ratio is always kept. */
  fit?: 'contain' | 'cover';
  /** Linear size of the photo relative to its fitted size, centred on grey: 1 (default) = fitted, 0.25 = a quarter of the width and height. */
  scale?: number;
  /** Multiplies the RGB values of the whole frame (photo and background), e.g. 0.15 for a dark room; default 1. */
  brightness?: number;
}

/** One photo, shown still. The file holds `seconds` of identical frames (the device loops it). */
export interface StillSpec extends FrameOptions, PhotoLook {
  kind: 'still';
  /** Photo path relative to shared/data (e.g. 'images/ppu_uniface/image-kevin1.png'), or absolute. */
  image: string;
  /** Default 2 (a still loops seamlessly, so longer files only cost disk). */
  seconds?: number;
}

/** Photos shown in turn: `images[i]` for `segmentMs[i]` ms (a single value applies to all), cycling. */
export interface AlternateSpec extends FrameOptions, PhotoLook {
  kind: 'alternate';
  images: string[];
  segmentMs: number[];
  /** Default: one cycle (Σ segmentMs). Segment ends fall on the frame nearest their time (at least 1 frame each). */
  seconds?: number;
}

/** Photos one after another, `secondsEach` each (an alternate with equal segments), one pass. */
export interface SequenceSpec extends FrameOptions, PhotoLook {
  kind: 'sequence';
  images: string[];
  secondsEach: number;
}

/**
 * A smooth pan across a photo (a hand-held camera over a group photo). The photo, scaled to
 * `scale` × its 'contain' fit, sits on grey with the photo point `centre` at the frame centre,
 * offset at time t by (ax·cos(2πt/T), ay·sin(2πt/T)) frame pixels, T = `seconds`: it moves from
 * +ax to −ax and back (ping-pong, eased at the ends) while bobbing ±ay vertically, an ellipse
 * that closes on itself, so the looped file has no jump. Positions are whole pixels.
 */
export interface PanSpec extends FrameOptions {
  kind: 'pan';
  image: string;
  /** Length of the file: one full back-and-forth cycle. */
  seconds: number;
  /** Linear size relative to the 'contain' fit; default 0.9. */
  scale?: number;
  /** The photo point (upright photo pixels) placed at the frame centre mid-pan; default the photo centre. */
  centre?: [number, number];
  /** Half the travel in frame pixels, [x, y]; default [24, 6]. */
  amplitude?: [number, number];
}

/**
 * One photo, hand-held: shown as a still ('contain' × `scale`), it slowly zooms by ±zoom, rolls
 * by ±roll degrees and pans by ±pan frame pixels, each a sine of its own phase over one period
 * `seconds` long, so the looped file has no jump. A person in front of a webcam moves like this
 * while holding still; a real head turn is another thing.
 */
export interface MotionSpec extends FrameOptions {
  kind: 'motion';
  image: string;
  /** One period; default 4. */
  seconds?: number;
  /** Linear size relative to the 'contain' fit; default 1. */
  scale?: number;
  /** Relative zoom amplitude; default 0.04 (±4 %). */
  zoom?: number;
  /** Roll amplitude, degrees; default 5. */
  roll?: number;
  /** Pan amplitude in frame pixels, [x, y]; default [20, 8]. */
  pan?: [number, number];
}

/**
 * A print of one photo held up and tilted in front of the camera: the whole frame (photo on grey,
 * placed as a still) turned about its vertical axis by ±`tilt` degrees, then about its
 * horizontal axis by ±tilt/2, a quarter period apart, seen from close by (perspective): every
 * frame is a plane-to-plane map of the first, as a flat picture's must be.
 */
export interface PrintSpec extends FrameOptions {
  kind: 'print';
  image: string;
  /** One period; default 4. */
  seconds?: number;
  /** Largest tilt about the vertical axis, degrees; default 40. */
  tilt?: number;
}

export type StreamSpec = StillSpec | AlternateSpec | SequenceSpec | PanSpec | MotionSpec | PrintSpec;

/**
 * The pan over insightface/t1.jpg (6 faces, 1280×886) at 640×480: the photo at 0.94 × its fit
 * (0.47 of its pixels: 602×416, centred, so 32 px grey above and below), moving ±24 px
 * horizontally (24 px/s on average, 38 px/s at most) and ±6 px vertically over a 4 s cycle.
 * The faces are as large as the width allows (inter-ocular ≈ 11–20 px): in every frame
 * det_500m finds all 6, their boxes spanning x 19.5–619 and y 52–264.
 */
export const T1_PAN: PanSpec = { kind: 'pan', image: 'images/insightface/t1.jpg', seconds: 4, scale: 0.94, amplitude: [24, 6] };

/**
 * The same pan at 1280×720: the photo at 0.94 of its pixels (1.157 × its height-limited fit;
 * 1204×834, cropped below), its point (640, 396) at the frame centre so the top edge never
 * shows grey, moving ±48 px horizontally and ±12 px vertically over 4 s. det_500m finds all 6
 * faces in every frame, boxes spanning x 42–1240 and y 28–451 (inter-ocular ≥ 23 px).
 */
export const T1_PAN_720P: PanSpec = { kind: 'pan', image: 'images/insightface/t1.jpg', seconds: 4, width: 1280, height: 720, scale: 1.157, centre: [640, 396], amplitude: [48, 12] };

/**
 * Absolute path of the y4m file for `spec`, rendered on first use, in `dir` (default the cache
 * folder STREAMS_DIR; an evaluation that makes thousands passes its own and deletes them).
 */
export function makeStream(spec: StreamSpec, dir = STREAMS_DIR): string {
  const full = normalise(spec);
  const hash = createHash('sha256').update(JSON.stringify({ v: GENERATOR_VERSION, ...full })).digest('hex').slice(0, 10);
  const path = resolve(dir, `${slug(full)}-${hash}.y4m`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    if (full.kind === 'pan') renderPan(full, tmp);
    else if (full.kind === 'motion') renderMotion(full, tmp);
    else if (full.kind === 'print') renderPrint(full, tmp);
    else writeFrames(full, tmp);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
  return path;
}

/**
 * `image` (under shared/data, or absolute) through ffmpeg with output `args` into
 * .cache/<folder>/, once: a stable path (a stream made from it is rendered once and reused, its
 * cache key holding the path).
 */
function rendered(image: string, folder: string, suffix: string, args: string[]): string {
  const dir = resolve(ROOT, '.cache', folder);
  mkdirSync(dir, { recursive: true });
  const out = resolve(dir, `${image.replace(/[^\w]+/g, '_')}${suffix}`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}${extname(out)}`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-i', resolve(SHARED_DIR, 'data', image), ...args, tmp]);
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed on ${image}: ${r.stderr.toString()}`);
  renameSync(tmp, out);
  return out;
}

/** `image` mirrored left-right, as a PNG in .cache/mirrored/: the same head turned the other way. */
export function mirrored(image: string): string {
  return rendered(image, 'mirrored', '-mirrored.png', ['-vf', 'hflip']);
}

/**
 * `image` as a JPEG file in .cache/jpeg/, as a page would upload it: optionally mirrored, scaled
 * (`scale` of its size) and at ffmpeg quality `q` (2 best … 31 worst; default 3).
 */
export function jpegOf(image: string, o: { mirror?: boolean; scale?: number; q?: number } = {}): string {
  const q = o.q ?? 3;
  const filters = [...(o.mirror ? ['hflip'] : []), ...(o.scale ? [`scale=trunc(iw*${o.scale}/2)*2:-2`] : [])];
  return rendered(image, 'jpeg', `${o.mirror ? '-mirrored' : ''}${o.scale ? `-x${o.scale}` : ''}-q${q}.jpg`,
    [...(filters.length ? ['-vf', filters.join(',')] : []), '-q:v', String(q), '-frames:v', '1']);
}

/** Reads a y4m file: its header fields and each frame's Y (luma) plane mean. */
export function readY4m(path: string): { width: number; height: number; fps: number; frames: number; lumaMeans: number[] } {
  const bytes = readFileSync(path);
  const headerEnd = bytes.indexOf(0x0a);
  const header = bytes.subarray(0, headerEnd).toString('latin1');
  const tag = (c: string) => header.split(' ').find((t) => t.startsWith(c))?.slice(1) ?? '';
  const width = Number(tag('W')), height = Number(tag('H'));
  const [num, den] = tag('F').split(':').map(Number);
  const frameBytes = width * height * 1.5;
  const lumaMeans: number[] = [];
  for (let p = headerEnd + 1; p < bytes.length;) {
    const data = bytes.indexOf(0x0a, p) + 1;
    let sum = 0;
    for (let i = data; i < data + width * height; i++) sum += bytes[i]!;
    lumaMeans.push(sum / (width * height));
    p = data + frameBytes;
  }
  return { width, height, fps: num! / (den ?? 1), frames: lumaMeans.length, lumaMeans };
}

// ---------------------------------------------------------------------------------------------

/** A spec with its defaults filled in (what the file name hashes); null = computed from the photo(s). */
type Full<T> = Required<Omit<T, 'centre' | 'seconds'>> & (T extends PanSpec ? { centre: [number, number] | null; seconds: number }
  : T extends AlternateSpec ? { seconds: number | null } : T extends StillSpec ? { seconds: number } : unknown);
type FullSpec = Full<StillSpec> | Full<AlternateSpec> | Full<SequenceSpec> | Full<PanSpec> | Required<MotionSpec> | Required<PrintSpec>;

function normalise(spec: StreamSpec): FullSpec {
  const frame = { width: spec.width ?? 640, height: spec.height ?? 480, fps: spec.fps ?? 15 };
  if (frame.width % 2 || frame.height % 2) throw new Error(`makeStream: frame ${frame.width}×${frame.height} must have even sides (yuv420p)`);
  const look = (s: PhotoLook) => ({ fit: s.fit ?? 'contain', scale: s.scale ?? 1, brightness: s.brightness ?? 1 });
  switch (spec.kind) {
    case 'still': return { kind: 'still', image: spec.image, seconds: spec.seconds ?? 2, ...frame, ...look(spec) };
    case 'alternate': {
      if (!spec.images.length || !(spec.segmentMs.length === 1 || spec.segmentMs.length === spec.images.length)) {
        throw new Error('makeStream: alternate needs images and one segmentMs, or one per image');
      }
      return { kind: 'alternate', images: spec.images, segmentMs: spec.segmentMs, seconds: spec.seconds ?? null, ...frame, ...look(spec) };
    }
    case 'sequence': return { kind: 'sequence', images: spec.images, secondsEach: spec.secondsEach, ...frame, ...look(spec) };
    case 'print': return { kind: 'print', image: spec.image, seconds: spec.seconds ?? 4, tilt: spec.tilt ?? 40, ...frame };
    case 'motion': return { kind: 'motion', image: spec.image, seconds: spec.seconds ?? 4, scale: spec.scale ?? 1, zoom: spec.zoom ?? 0.04, roll: spec.roll ?? 5, pan: spec.pan ?? [20, 8], ...frame };
    case 'pan': return { kind: 'pan', image: spec.image, seconds: spec.seconds, scale: spec.scale ?? 0.9, centre: spec.centre ?? null, amplitude: spec.amplitude ?? [24, 6], ...frame };
  }
}

function slug(s: FullSpec): string {
  const name = (p: string) => basename(p, extname(p)).replace(/[^\w-]+/g, '_').slice(0, 24);
  const images = 'image' in s ? [s.image] : s.images;
  const names = [...new Set(images.map(name))].slice(0, 3).join('+');
  return `${s.kind}-${names}-${s.width}x${s.height}`;
}

function run(cmd: string, args: string[]): Buffer {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${cmd} could not run (${r.error.message}); install it (scripts/setup.sh test does)`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.toString().trim()}`);
  return r.stdout;
}

function imagePath(image: string): string {
  const p = resolve(DATA_DIR, image);
  if (!existsSync(p)) throw new Error(`makeStream: no image ${p}`);
  return p;
}


/** ffmpeg filters that turn the stored pixels upright, as a browser shows them (EXIF orientation 1–8). */
const ORIENT_FILTERS: Record<number, string[]> = {
  1: [], 2: ['hflip'], 3: ['hflip', 'vflip'], 4: ['vflip'],
  5: ['transpose=cclock_flip'], 6: ['transpose=clock'], 7: ['transpose=clock_flip'], 8: ['transpose=cclock'],
};

interface Photo { path: string; width: number; height: number; orient: string[] }

/** The photo as a browser shows it: its upright size and the filters that make it upright. */
function probePhoto(image: string): Photo {
  const path = imagePath(image);
  const [w, h] = run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path])
    .toString().trim().split(',').map(Number);
  if (!w || !h) throw new Error(`makeStream: ffprobe found no picture size in ${path}`);
  const orientation = jpegOrientation(readFileSync(path));
  const swap = orientation >= 5;
  return { path, width: swap ? h : w, height: swap ? w : h, orient: ORIENT_FILTERS[orientation]! };
}

const even = (v: number) => Math.max(2, 2 * Math.round(v / 2));

/**
 * The filtergraph that draws input 0 (the photo) scaled by `k` on a grey `width`×`height`
 * background at (x, y), which may be expressions of t. Ends in yuv420p as [out].
 */
function drawGraph(photo: Photo, k: number, o: { width: number; height: number; fps: number; seconds: number; x: string; y: string; brightness: number }): string {
  const w = even(photo.width * k), h = even(photo.height * k);
  const fg = [...photo.orient, `scale=${w}:${h}:flags=bicubic`, 'format=rgba'].join(',');
  const bright = o.brightness === 1 ? '' : `,lutrgb=r='val*${o.brightness}':g='val*${o.brightness}':b='val*${o.brightness}'`;
  return `color=c=${BACKGROUND}:s=${o.width}x${o.height}:r=${o.fps}:d=${o.seconds}[bg];[0:v]${fg}[fg];`
    + `[bg][fg]overlay=x='${o.x}':y='${o.y}':format=rgb:eval=frame:shortest=1${bright},format=yuv420p[out]`;
}

/** One frame of a photo placed per `look`, as a y4m header line and the frame's I420 bytes. */
function renderPhotoFrame(image: string, s: Required<FrameOptions> & Required<PhotoLook>): { header: Buffer; frame: Buffer } {
  const photo = probePhoto(image);
  const fit = (s.fit === 'cover' ? Math.max : Math.min)(s.width / photo.width, s.height / photo.height);
  const k = fit * s.scale;
  const x = Math.round((s.width - even(photo.width * k)) / 2), y = Math.round((s.height - even(photo.height * k)) / 2);
  const graph = drawGraph(photo, k, { ...s, seconds: 1, x: String(x), y: String(y) });
  const out = run('ffmpeg', ['-v', 'error', '-nostdin', '-noautorotate', '-i', photo.path, '-filter_complex', graph, '-map', '[out]',
    '-frames:v', '1', '-r', String(s.fps), '-f', 'yuv4mpegpipe', '-']);
  const headerEnd = out.indexOf(0x0a) + 1;
  const frameStart = out.indexOf(0x0a, headerEnd) + 1;
  const frame = out.subarray(frameStart);
  if (frame.length !== s.width * s.height * 1.5) throw new Error(`makeStream: ffmpeg gave ${frame.length} bytes for a ${s.width}×${s.height} frame`);
  return { header: out.subarray(0, headerEnd), frame };
}

/** Still, alternate and sequence: each photo rendered once by ffmpeg, then its frame repeated. */
function writeFrames(s: Full<StillSpec> | Full<AlternateSpec> | Full<SequenceSpec>, file: string): void {
  const images = s.kind === 'still' ? [s.image] : s.images;
  const ms = s.kind === 'still' ? [s.seconds * 1000] : s.kind === 'sequence' ? [s.secondsEach * 1000] : s.segmentMs;
  const frames = new Map<string, { header: Buffer; frame: Buffer }>();
  for (const image of images) if (!frames.has(image)) frames.set(image, renderPhotoFrame(image, s));
  // Frames per segment, from rounded cumulative times (a cycle keeps its length: 700 + 300 ms at
  // 15 fps is 11 + 4 frames); a sequence is one cycle, an alternate repeats it for `seconds`.
  let end = 0, endFrame = 0;
  const segments = images.map((image, i) => {
    end += ms[i] ?? ms[0]!;
    const n = Math.max(1, Math.round(end * s.fps / 1000) - endFrame);
    endFrame += n;
    return { image, n };
  });
  const total = s.kind === 'alternate' && s.seconds !== null ? Math.max(1, Math.round(s.seconds * s.fps)) : endFrame;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, frames.get(images[0]!)!.header);
    const tag = Buffer.from('FRAME\n', 'latin1');
    for (let written = 0, i = 0; written < total; i = (i + 1) % segments.length) {
      const { image, n } = segments[i]!;
      const { frame } = frames.get(image)!;
      for (let j = 0; j < n && written < total; j++, written++) { writeSync(fd, tag); writeSync(fd, frame); }
    }
  } finally {
    closeSync(fd);
  }
}

function renderPan(s: Full<PanSpec>, file: string): void {
  const photo = probePhoto(s.image);
  const k = Math.min(s.width / photo.width, s.height / photo.height) * s.scale;
  const [cx, cy] = s.centre ?? [photo.width / 2, photo.height / 2];
  const [ax, ay] = s.amplitude;
  const x0 = s.width / 2 - cx * (even(photo.width * k) / photo.width);
  const y0 = s.height / 2 - cy * (even(photo.height * k) / photo.height);
  const frames = Math.round(s.seconds * s.fps);
  const w = `2*PI*t/${s.seconds}`;
  const graph = drawGraph(photo, k, { ...s, brightness: 1, x: `round(${x0}+${ax}*cos(${w}))`, y: `round(${y0}+${ay}*sin(${w}))` });
  run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-noautorotate', '-loop', '1', '-framerate', String(s.fps), '-i', photo.path,
    '-filter_complex', graph, '-map', '[out]', '-frames:v', String(frames), '-r', String(s.fps), '-f', 'yuv4mpegpipe', file]);
}

/**
 * The photo placed as a still, then per frame: zoomed about the frame centre (scale with
 * eval=frame), rolled (rotate, grey fill) and panned (the crop back to the frame moves).
 * Zoom, roll and pan run a quarter period apart, so the face never stops moving.
 */
function renderMotion(s: Required<MotionSpec>, file: string): void {
  const photo = probePhoto(s.image);
  const k = Math.min(s.width / photo.width, s.height / photo.height) * s.scale;
  const w = even(photo.width * k), h = even(photo.height * k);
  const x = Math.round((s.width - w) / 2), y = Math.round((s.height - h) / 2);
  const frames = Math.round(s.seconds * s.fps);
  const phase = (q: number) => `sin(2*PI*t/${s.seconds}+${q}*PI/2)`;
  // Enlarged by the zoom and pan amplitudes so the crop never leaves the picture.
  const grow = 1 + s.zoom, bw = even(s.width * grow + 2 * s.pan[0]), bh = even(s.height * grow + 2 * s.pan[1]);
  const zoomed = (full: number) => `trunc(${full}*(1+${s.zoom}*${phase(0)})/2)*2`;
  const graph = [
    `[0:v]${[...photo.orient, `scale=${w}:${h}:flags=bicubic`].join(',')}`,
    `pad=${s.width}:${s.height}:${x}:${y}:${BACKGROUND}`,
    `pad=${bw}:${bh}:(ow-iw)/2:(oh-ih)/2:${BACKGROUND}`,
    `scale=w='${zoomed(bw)}':h='${zoomed(bh)}':eval=frame:flags=bicubic`,
    `rotate=a='${s.roll}*PI/180*${phase(1)}':c=${BACKGROUND}:ow=iw:oh=ih`,
    `crop=${s.width}:${s.height}:x='(iw-${s.width})/2+${s.pan[0]}*${phase(2)}':y='(ih-${s.height})/2+${s.pan[1]}*${phase(3)}'`,
    'format=yuv420p[out]',
  ].join(',');
  run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-noautorotate', '-loop', '1', '-framerate', String(s.fps), '-i', photo.path,
    '-filter_complex', graph, '-map', '[out]', '-frames:v', String(frames), '-r', String(s.fps), '-f', 'yuv4mpegpipe', file]);
}

/**
 * The print: each corner of the frame goes where a plane turned by yaw a(n) and pitch b(n) about
 * the frame centre lands in a pinhole camera 3 half-widths away (ffmpeg's perspective filter,
 * corners given in the destination, evaluated per frame number n).
 */
function renderPrint(s: Required<PrintSpec>, file: string): void {
  const photo = probePhoto(s.image);
  const k = Math.min(s.width / photo.width, s.height / photo.height);
  const w = even(photo.width * k), h = even(photo.height * k);
  const x = Math.round((s.width - w) / 2), y = Math.round((s.height - h) / 2);
  const frames = Math.round(s.seconds * s.fps);
  const a = `(${s.tilt}*PI/180*sin(2*PI*in/${frames}))`, b = `(${s.tilt / 2}*PI/180*cos(2*PI*in/${frames}))`;
  const w2 = s.width / 2, h2 = s.height / 2;
  // A corner (u, v) ∈ {−1, 1}²: depth z = u·w2·sin(a) + v·h2·sin(b) (towards the camera), scale 3·w2 / (3·w2 − z).
  const corner = (u: number, v: number) => {
    const f = `(${3 * w2}/(${3 * w2}-(${u * w2}*sin${a}+${v * h2}*sin${b})))`;
    return [`${w2}+${u * w2}*cos${a}*${f}`, `${h2}+${v * h2}*cos${b}*${f}`];
  };
  const [c0, c1, c2, c3] = [corner(-1, -1), corner(1, -1), corner(-1, 1), corner(1, 1)];
  const persp = `perspective=x0='${c0[0]}':y0='${c0[1]}':x1='${c1[0]}':y1='${c1[1]}':x2='${c2[0]}':y2='${c2[1]}':x3='${c3[0]}':y3='${c3[1]}':sense=destination:eval=frame`;
  const graph = [
    `[0:v]${[...photo.orient, `scale=${w}:${h}:flags=bicubic`].join(',')}`,
    `pad=${s.width}:${s.height}:${x}:${y}:${BACKGROUND}`,
    persp,
    'format=yuv420p[out]',
  ].join(',');
  run('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-noautorotate', '-loop', '1', '-framerate', String(s.fps), '-i', photo.path,
    '-filter_complex', graph, '-map', '[out]', '-frames:v', String(frames), '-r', String(s.fps), '-f', 'yuv4mpegpipe', file]);
}
