// The Embed page: the <facekit-verify> custom element live, its events as they come, and the HTML
// a developer pastes to get the same (kept in step with the name and mode chosen on the page).
// The live element has no asset-base-url: on this site the models are at /models/, next to the
// page (the element's default), and Vite bundles the runtime.
import { defineFaceKitVerify, type FaceKitVerifyEventMap } from 'facekit';
import { de } from 'facekit/locales/de';
import { mountNav } from './nav.js';

mountNav('embed');
defineFaceKitVerify();

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
};
const element = $<HTMLElementTagNameMap['facekit-verify']>('embed-element');
const idInput = $<HTMLInputElement>('embed-id');
const modeSelect = $<HTMLSelectElement>('embed-mode');
const languageSelect = $<HTMLSelectElement>('embed-language');
const log = $<HTMLOListElement>('embed-log');
const code = $<HTMLElement>('embed-code');

/** The log keeps the latest entries only (hints come at every change of what the camera sees). */
const MAX_LOG = 200;

/** `value` as the inside of a double-quoted HTML attribute. */
const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The HTML to paste for this mode and name. */
function snippet(mode: string, id: string, language: string): string {
  const german = language === 'de';
  return [
    `<facekit-verify mode="${attr(mode)}" subject-id="${attr(id)}" liveness="passive" asset-base-url="/facekit/"></facekit-verify>`,
    '<script type="module">',
    "  import { defineFaceKitVerify } from 'facekit';",
    ...(german ? ["  import { de } from 'facekit/locales/de';"] : []),
    '  defineFaceKitVerify();',
    "  const element = document.querySelector('facekit-verify');",
    ...(german ? ['  element.messages = de;'] : []),
    "  element.addEventListener('facekit-verified', (e) => console.log(e.detail));",
    '</script>',
  ].join('\n');
}

/** Controls → the element's attributes and the code shown. The element reads them at its next start. */
function sync(): void {
  const id = idInput.value.trim();
  const mode = modeSelect.value;
  element.setAttribute('mode', mode);
  element.setAttribute('subject-id', id);
  element.messages = languageSelect.value === 'de' ? de : {};
  code.textContent = snippet(mode, id, languageSelect.value);
}

function logEvent(type: string, detail: unknown): void {
  log.querySelector('li.empty')?.remove();
  const li = document.createElement('li');
  const name = document.createElement('span');
  name.className = 'type';
  name.textContent = type;
  li.append(name, ` ${JSON.stringify(detail)}`);
  log.append(li);
  while (log.childElementCount > MAX_LOG) log.firstElementChild?.remove();
  log.scrollTop = log.scrollHeight;
}

const EVENTS: readonly (keyof FaceKitVerifyEventMap)[] = ['facekit-enrolled', 'facekit-verified', 'facekit-hint', 'facekit-error'];
for (const type of EVENTS) element.addEventListener(type, (e: Event) => logEvent(type, (e as CustomEvent<unknown>).detail));

idInput.addEventListener('input', sync);
modeSelect.addEventListener('change', sync);
languageSelect.addEventListener('change', sync);
sync();
