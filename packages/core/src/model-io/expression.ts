// fr_expression: 7 logits → softmax. The class order is not published with the package; it was
// worked out on the shared photos (see attributes.test.ts): index 3 fires on every broad smile and
// index 6 on passport-style faces, as in the FER2013 order below.
import { softmax } from './minifasnet.js';
import { FaceKitError } from '../errors.js';

/** The 7 expression classes, in fr_expression's output order (FER2013's). */
export const EXPRESSIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;
export type Expression = (typeof EXPRESSIONS)[number];

export interface ExpressionResult {
  /** The most probable class. */
  label: Expression;
  /** Its probability (0–1). */
  probability: number;
  /** Every class's probability (softmax; they sum to 1). */
  probabilities: Record<Expression, number>;
}

export function decodeExpression(logits: ArrayLike<number>): ExpressionResult {
  if (logits.length !== EXPRESSIONS.length) throw new FaceKitError('INTERNAL', `Expected ${EXPRESSIONS.length} expression logits, got ${logits.length}; the model file does not match its registry entry (a facekit bug)`);
  const p = softmax(logits);
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  const probabilities = Object.fromEntries(EXPRESSIONS.map((e, i) => [e, p[i]!])) as Record<Expression, number>;
  return { label: EXPRESSIONS[best]!, probability: p[best]!, probabilities };
}
