// Which model answers each attribute (checked at kit creation), and the attribute lists of calls.
import { ATTRIBUTE_KINDS, checkAttributeModel, getModel, type AttributeKind, type ModelSpec } from '@facekit/core';
import { InvalidOptionError } from '../errors.js';
import type { FaceKitOptions } from './options.js';

const DEFAULT_ATTRIBUTE_MODELS = { age: 'fr_age', gender: 'fr_gender', expression: 'fr_expression', pose: 'fr_pose', landmarks: 'fr_landmark' } as const;

/** The model spec for each attribute, checked to be one that can answer it. */
export function attributeModelOptions(given: FaceKitOptions['attributeModels'] = {}, eyes: ModelSpec): Record<AttributeKind, ModelSpec> {
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_ATTRIBUTE_MODELS)) throw new InvalidOptionError(`attributeModels: unknown attribute "${key}"; use ${Object.keys(DEFAULT_ATTRIBUTE_MODELS).join(', ')} (eye state: eyeStateModel)`);
  }
  const out = { eyes } as Record<AttributeKind, ModelSpec>;
  for (const kind of Object.keys(DEFAULT_ATTRIBUTE_MODELS) as (keyof typeof DEFAULT_ATTRIBUTE_MODELS)[]) {
    const id = given[kind] ?? DEFAULT_ATTRIBUTE_MODELS[kind];
    let spec: ModelSpec;
    try {
      spec = getModel(id);
      checkAttributeModel(kind, spec);
    } catch (e) {
      throw new InvalidOptionError(`attributeModels.${kind}: ${(e as Error).message}`);
    }
    out[kind] = spec;
  }
  return out;
}

/** Checks a list of attribute names; returns it without repeats. */
export function attributeList(value: readonly AttributeKind[] | undefined, name: string): AttributeKind[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidOptionError(`${name} must be an array of attribute names (${ATTRIBUTE_KINDS.join(', ')})`);
  for (const v of value) if (!ATTRIBUTE_KINDS.includes(v)) throw new InvalidOptionError(`${name}: unknown attribute "${String(v)}"; use ${ATTRIBUTE_KINDS.join(', ')}`);
  return [...new Set(value)];
}

/**
 * The models (each once) and the id answering each asked attribute; with gender asked and a
 * gender head in use, also its recognizer (`genderHead`: its id, for the worker).
 */
export function attributeNeeds(models: { attributeModels: Readonly<Record<AttributeKind, ModelSpec>>; genderHead?: ModelSpec }, kinds: readonly AttributeKind[]): { specs: ModelSpec[]; ids: Partial<Record<AttributeKind, string>>; genderHead?: string } {
  const head = kinds.includes('gender') ? models.genderHead : undefined;
  return {
    specs: [...new Set([...kinds.map((k) => models.attributeModels[k]), ...(head ? [head] : [])])],
    ids: Object.fromEntries(kinds.map((k) => [k, models.attributeModels[k].id])) as Partial<Record<AttributeKind, string>>,
    ...(head ? { genderHead: head.id } : {}),
  };
}
