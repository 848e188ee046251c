import { AbortedError, CameraDeniedError, CameraInUseError, FaceKitError, InvalidOptionError, NoCameraError, UnsupportedBrowserError } from '../errors.js';

/** Options of `openCamera`. */
export interface CameraOptions {
  /** A `deviceId` from `listCameras()`; wins over `facing`. */
  deviceId?: string;
  /** `'user'` (front, selfie) or `'environment'` (back). @defaultValue 'user' */
  facing?: 'user' | 'environment';
  /**
   * Wanted frame size; the camera picks the closest it has (an `ideal`, not an `exact`). 720p
   * because verification wants the eyes ≥ 60 px apart (the quality gate's default): at 640×480
   * that means sitting within about 50 cm of a typical webcam. @defaultValue 1280 × 720
   */
  width?: number;
  height?: number;
  /** Wanted frame rate (ideal). @defaultValue 30 */
  frameRate?: number;
  signal?: AbortSignal;
}

/** An open camera. `stop()` ends every track of the stream (the camera light goes off). */
export interface Camera {
  readonly stream: MediaStream;
  readonly track: MediaStreamTrack;
  /** What the camera actually delivers (size, frame rate, deviceId). */
  readonly settings: MediaTrackSettings;
  stop(): void;
}

/** One video input, as `listCameras` returns it. Labels are empty until the page has been granted a camera once. */
export interface CameraInfo { deviceId: string; label: string; groupId: string }

function mediaDevices(): MediaDevices {
  const md = globalThis.navigator?.mediaDevices;
  if (!md?.getUserMedia) {
    throw new UnsupportedBrowserError(globalThis.isSecureContext === false
      ? 'The camera is only available on secure pages (https:// or http://localhost).'
      : 'This browser has no camera API (navigator.mediaDevices.getUserMedia).');
  }
  return md;
}

/** Maps getUserMedia's DOMExceptions to facekit's camera errors. */
export function cameraError(e: unknown): FaceKitError {
  if (e instanceof FaceKitError) return e;
  const name = (e as { name?: string } | null)?.name ?? '';
  const detail = (e as { message?: string } | null)?.message ?? String(e);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return new CameraDeniedError(undefined, { cause: e });
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new NoCameraError(`No camera matches the request (${detail}). Connect a camera, or pick another one from listCameras().`, { cause: e });
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CameraInUseError(undefined, { cause: e });
    default:
      return new CameraInUseError(`The camera could not be started: ${name || 'error'}: ${detail}`, { cause: e });
  }
}

const size = (v: number | undefined, name: string, fallback: number): number => {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v <= 0) throw new InvalidOptionError(`${name} must be a positive number, got ${v}`);
  return v;
};

/**
 * Opens a camera. Rejects with `CameraDeniedError`, `NoCameraError`, `CameraInUseError` or
 * `UnsupportedBrowserError`, never with a bare DOMException. Aborting stops the camera if it
 * opened meanwhile.
 */
export async function openCamera(options: CameraOptions = {}): Promise<Camera> {
  const md = mediaDevices();
  const width = size(options.width, 'width', 1280);
  const height = size(options.height, 'height', 720);
  const frameRate = size(options.frameRate, 'frameRate', 30);
  if (options.signal?.aborted) throw new AbortedError();
  const video: MediaTrackConstraints = {
    width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: frameRate },
    ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : { facingMode: options.facing ?? 'user' }),
  };
  let stream: MediaStream;
  try {
    stream = await md.getUserMedia({ video, audio: false });
  } catch (e) {
    throw cameraError(e);
  }
  const track = stream.getVideoTracks()[0];
  const stop = () => { for (const t of stream.getTracks()) t.stop(); };
  if (!track) { stop(); throw new NoCameraError('The camera stream has no video track.'); }
  if (options.signal?.aborted) { stop(); throw new AbortedError(); }
  return { stream, track, settings: track.getSettings(), stop };
}

/** The video inputs of this device. Labels appear once the page has been granted a camera. */
export async function listCameras(): Promise<CameraInfo[]> {
  const md = mediaDevices();
  try {
    const all = await md.enumerateDevices();
    return all.filter((d) => d.kind === 'videoinput').map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
  } catch (e) {
    throw cameraError(e);
  }
}
