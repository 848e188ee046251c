// The page's half of the login. facekit runs here first: its verifier watches the camera until
// three good frames of one live person (quality gate, passive liveness) and hands them over as
// JPEGs — capture() decides nothing. They go to the server with its one-time challenge, and
// only the server's answer logs anyone in: whoever controls this browser controls this code.
import { createFaceKit, LivenessError, VerificationTimeoutError } from '/facekit/facekit.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
// `?liveness=off` plays a tampered page that skips the browser's liveness check: the server
// must still refuse a photo.
const liveness = new URLSearchParams(location.search).get('liveness') === 'off' ? 'off' : 'passive';

let kit;
let stream;

async function login(id) {
  status('Loading…');
  kit ??= await createFaceKit({ assetBaseUrl: '/facekit/' });
  stream ??= await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  $('video').srcObject = stream;
  const verifier = await kit.createVerifier({ liveness, verifyFrames: 3, timeoutMs: 20_000 });
  status('Look at the camera…');
  const captured = await verifier.capture(stream, { onProgress: (p) => status(`Look at the camera (${p.hint}, ${p.goodFrames}/${p.neededFrames})`) });
  status('Checking…');
  const challenge = await (await fetch('/challenge', { method: 'POST' })).json();
  const form = new FormData();
  form.append('nonce', challenge.nonce);
  form.append('id', id);
  captured.images.forEach((jpeg, i) => form.append('frame', jpeg, `frame-${i}.jpg`));
  // Kept so the e2e test can replay this exact request (the server must refuse it).
  window.lastLoginForm = form;
  const res = await fetch('/verify', { method: 'POST', body: form });
  return { status: res.status, body: await res.json() };
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  document.body.dataset.state = 'busy';
  try {
    const r = await login($('id').value);
    window.lastLoginResult = r;
    status(r.body.verified ? 'Logged in.' : `Not logged in: ${(r.body.reasons ?? [r.body.message]).join(', ')}`);
    $('result').textContent = JSON.stringify(r.body, null, 2);
  } catch (err) {
    // The browser's own checks stop here before anything is sent: a photo or screen (not live),
    // or no good frame in time.
    window.lastLoginResult = { status: 0, body: { error: err.name, code: err.code, message: err.message } };
    status(err instanceof LivenessError ? 'That does not look like a live face.'
      : err instanceof VerificationTimeoutError ? 'No clear view of a face; try again.' : `Error: ${err.message}`);
  } finally {
    document.body.dataset.state = 'done';
  }
});
