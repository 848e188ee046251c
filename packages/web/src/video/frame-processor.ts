// What the live loop sends a worker for each frame: the request (full or regions, with the stages
// the loop's options ask for and the models answering them) and the call that transfers the
// frame to the pool.
import { resolveQualityThresholds, type AttributeKind, type Box, type DetectOptions, type FrameRequest, type ModelSpec } from '@facekit/core';
import { transfer } from 'comlink';
import { attributeList, attributeNeeds } from '../api/attribute-options.js';
import { DisposedError, InvalidOptionError } from '../errors.js';
import type { KitModels } from '../api/kit-options.js';
import { sendImage } from '../media/input.js';
import type { WorkerPool } from '../pool/worker-pool.js';
import type { FrameMessage, WorkerImage } from '../worker/worker-protocol.js';
import type { FrameProcessor, ResolvedLoopOptions, VideoLoopOptions } from './video-loop.js';

/** The model ids every frame message carries. */
export type FrameModels = Omit<FrameMessage, 'image' | 'request'>;

export interface FramePlan {
  /** Models to load before the loop starts. */
  need: ModelSpec[];
  models: FrameModels;
  /** The request for one frame: `regions` for a region pass; attributes when due. */
  buildRequest(regions: readonly Box[] | undefined, attributesDue: boolean): FrameRequest;
}

/** Checks the loop's stage options and plans its requests; `detect` is the resolved detector options. */
export function planFrames(o: VideoLoopOptions, resolved: ResolvedLoopOptions, models: KitModels, detect: Required<DetectOptions>): FramePlan {
  let thresholds;
  try {
    thresholds = resolveQualityThresholds(o.quality ?? {});
  } catch (e) {
    throw new InvalidOptionError((e as Error).message);
  }
  const attributes: AttributeKind[] = attributeList(o.attributes, 'attributes');
  const attr = attributeNeeds(models, attributes);
  const base: Omit<FrameRequest, 'regions'> = {
    // Eyes-closed is judged over frames by the loop (per track, with hysteresis), not per frame.
    detect, regionInputSize: resolved.regionInputSize, thresholds: { ...thresholds, minEyesOpen: 0 },
    eyes: o.eyes ? 'main' : 'none', liveness: o.liveness ? 'main' : 'none', embed: o.embed ? 'main' : 'none',
    flip: o.flip ?? false, onlyWhenOk: o.onlyWhenOk ?? false,
  };
  return {
    need: [...new Set([...(o.embed ? [models.recognizer] : []), ...(o.liveness ? models.antispoof : []), ...(o.eyes ? [models.eyeModel] : []), ...attr.specs])],
    models: {
      detector: models.detector.id,
      ...(o.embed ? { recognizer: models.recognizer.id } : {}),
      ...(o.liveness ? { antispoof: models.antispoof.map((m) => m.id) } : {}),
      ...(o.eyes ? { eyes: models.eyeModel.id } : {}),
      ...(attributes.length ? { attributes: attr.ids } : {}),
      ...(attr.genderHead ? { genderHead: attr.genderHead } : {}),
    },
    buildRequest: (regions, attributesDue) => ({
      ...base,
      ...(regions ? { regions } : {}),
      ...(attributesDue && attributes.length ? { attributes: { kinds: attributes, faces: 'all' as const } } : {}),
    }),
  };
}

/**
 * One frame through the pool: the picture is transferred, not copied; a frame that never reaches
 * a worker (aborted, queue full, disposed) is closed.
 */
export function createFrameProcessor(pool: Pick<WorkerPool, 'run'>, models: FrameModels, disposed: () => boolean): FrameProcessor {
  return (frame, request, signal) => {
    if (disposed()) { frame.close(); return Promise.reject(new DisposedError()); }
    const image: WorkerImage = 'displayWidth' in frame.image
      ? { kind: 'frame', frame: frame.image }
      : { kind: 'bitmap', bitmap: frame.image, decodeMs: 0 };
    return pool.run((remote) => sendImage(image, () => remote.processFrame(transfer({ image, ...models, request }, [frame.image]))), {
      signal,
      onDropped: () => frame.close(),
    });
  };
}
