// Errors of the camera and the browser: only the web package meets them. The base class and
// the codes live in @facekit/core.
import { FaceKitError } from '@facekit/core';

/** The user (or a permissions policy) refused the camera. Ask again after they allow it in the site settings. */
export class CameraDeniedError extends FaceKitError {
  constructor(message = 'Camera access was denied. Allow the camera for this site (address bar → site settings) and try again.', options?: { cause?: unknown }) {
    super('CAMERA_DENIED', message, options);
    this.name = 'CameraDeniedError';
  }
}

/** No camera matches the request (none attached, or the requested deviceId is gone). */
export class NoCameraError extends FaceKitError {
  constructor(message = 'No camera was found. Connect a camera, or pick another one from listCameras().', options?: { cause?: unknown }) {
    super('NO_CAMERA', message, options);
    this.name = 'NoCameraError';
  }
}

/** The camera exists but could not be started: another application (or tab) is using it, or the hardware failed. */
export class CameraInUseError extends FaceKitError {
  constructor(message = 'The camera could not be started: another application or tab is probably using it. Close it and try again.', options?: { cause?: unknown }) {
    super('CAMERA_IN_USE', message, options);
    this.name = 'CameraInUseError';
  }
}

/** The browser lacks something facekit needs (camera API, VideoFrame, OffscreenCanvas, workers, …). */
export class UnsupportedBrowserError extends FaceKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNSUPPORTED_BROWSER', message, options);
    this.name = 'UnsupportedBrowserError';
  }
}
