// One face's attributes as a card (Photo page): age, gender, expression with all 7 probabilities,
// head pose (model, and the keypoint estimate beside it), eye state, landmark count. Only what the
// face carries is shown, so an attribute that was not asked for leaves no empty row.
import { EXPRESSIONS, type ExpressionResult, type FaceAttributes, type HeadPose } from 'facekit';

const percent = (p: number) => `${Math.round(p * 100)}%`;
/** Whole degrees with a sign, so that "turned right" and "turned left" read apart at a glance. */
const degrees = (v: number) => { const r = Math.round(v); return `${r > 0 ? '+' : ''}${r}°`; };
const eyeText = (p: number) => `${p > 0.5 ? 'open' : 'closed'} (${percent(p)})`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The 7 expression probabilities as labelled bars, the winner marked. */
function expressionBars(expression: ExpressionResult): HTMLElement {
  const list = el('ul', 'bars');
  list.setAttribute('aria-label', 'expression probabilities');
  for (const name of EXPRESSIONS) {
    const p = expression.probabilities[name];
    const li = el('li', name === expression.label ? 'top' : '');
    const bar = el('span', 'bar');
    const fill = el('span', 'fill');
    fill.style.width = percent(p);
    bar.append(fill);
    li.append(el('span', 'name', name), bar, el('span', 'value', percent(p)));
    list.append(li);
  }
  return list;
}

/** Yaw, pitch and roll as columns, one row per estimate, so the model and the keypoints line up. */
function poseTable(rows: readonly [string, HeadPose][]): HTMLElement {
  const table = el('table', 'pose');
  const head = el('tr', '');
  head.append(el('th', ''), ...['yaw', 'pitch', 'roll'].map((h) => el('th', '', h)));
  table.append(head);
  for (const [source, p] of rows) {
    const tr = el('tr', '');
    tr.append(el('th', '', source), ...[p.yaw, p.pitch, p.roll].map((v) => el('td', '', degrees(v))));
    table.append(tr);
  }
  return table;
}

/**
 * A card for face number `index` (1-based, as drawn on the photo). `keypointPose` (from the 5
 * keypoints, no model) is shown under the model's pose for comparison.
 */
export function attributeCard(index: number, attributes: FaceAttributes, keypointPose?: HeadPose): HTMLElement {
  const card = el('article', 'attribute-card');
  card.dataset.face = String(index);
  card.append(el('h3', '', `Face ${index}`));
  const dl = el('dl', '');
  const row = (label: string, ...content: (string | HTMLElement)[]) => {
    const dd = el('dd', '');
    dd.append(...content);
    dl.append(el('dt', '', label), dd);
  };
  const a = attributes;
  if (a.age !== undefined) row('Age', `${a.age.toFixed(0)} years`);
  if (a.gender) row('Gender', `${a.gender.label} (${percent(a.gender.probability)})`);
  if (a.expression) row('Expression', `${a.expression.label} (${percent(a.expression.probability)})`, expressionBars(a.expression));
  const poses: [string, HeadPose][] = [];
  if (a.pose) poses.push(['model', a.pose]);
  if (keypointPose) poses.push(['keypoints', keypointPose]);
  if (poses.length) row('Pose', poseTable(poses));
  // Left and right as the photo shows them (a face looking at the camera: its own right eye is on the left).
  if (a.eyes) row('Eyes', el('div', '', `left ${eyeText(a.eyes.left)}`), el('div', '', `right ${eyeText(a.eyes.right)}`));
  if (a.landmarks) row('Landmarks', `${a.landmarks.length} points (dots on the photo)`);
  card.append(dl);
  return card;
}
