import { InvalidOptionError } from '../errors.js';
import { getModel } from './model-registry.js';
import type { ModelSpec } from './model-spec.js';

const TASK_NOUN: Record<ModelSpec['task'], string> = {
  detection: 'face detector', recognition: 'face recognizer', antispoof: 'liveness (anti-spoofing) model',
  eyestate: 'eye-state model', landmarks: 'landmark model', attributes: 'attribute model', headpose: 'head-pose model',
};

/**
 * The registered model `id` given for option `what`, checked to do `task`: an unknown id or a
 * model of another task is an InvalidOptionError naming the option (the kits' model options).
 */
export function modelOption(id: string, what: string, task: ModelSpec['task']): ModelSpec {
  let spec: ModelSpec;
  try {
    spec = getModel(id);
  } catch (e) {
    throw new InvalidOptionError(`${what}: ${(e as Error).message}`);
  }
  if (spec.task !== task) throw new InvalidOptionError(`${what}: "${spec.id}" is a ${spec.task} model, not a ${TASK_NOUN[task]}`);
  return spec;
}
