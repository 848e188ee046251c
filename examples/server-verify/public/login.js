// The page's half of the login. Once facekit has loaded, it asks the server for a one-time
// challenge for the claimed id: a nonce and a head turn (look to one side, then the other, in the
// order the server picked). facekit's verifier then watches the camera until the person faces it
// and turns as asked (quality gate, passive liveness, the turn) and hands over a burst of frames
// over the turn as JPEGs, in capture order; capture() decides nothing. They go to the server with the nonce, and only the
// server's answer logs anyone in: whoever controls this browser controls this code.
import { createFaceKit, LivenessError, VerificationTimeoutError } from '/facekit/facekit.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
// `?liveness=off` plays a tampered page that skips the browser's passive liveness check: the
// server must still refuse a photo.
const passive = new URLSearchParams(location.search).get('liveness') !== 'off';
const HINTS = { 'look-left': 'turn your head to your left', 'look-right': 'turn your head to your right', 'hold-still': 'hold still' };

let kit;
let stream;

/** POST as JSON; the answer's status and body. */
async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function login(id) {
  status('Loading…');
  kit ??= await createFaceKit({ assetBaseUrl: '/facekit/' });
  stream ??= await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  $('video').srcObject = stream;
  const verifier = await kit.createVerifier({ liveness: passive ? 'passive+turn' : 'turn', verifyFrames: 3, timeoutMs: 30_000 });
  // The challenge once the models are loaded (it lasts 2 minutes): the turn it asks for is what the frames must show.
  const challenge = await postJson('/challenge', { id });
  if (challenge.status !== 200) return challenge;
  const { nonce, turns } = challenge.body;
  window.lastChallenge = challenge.body; // for the e2e test
  status(`Look at the camera, then turn your head to your ${turns[0]}, then to your ${turns[1]}.`);
  const captured = await verifier.capture(stream, {
    turns,
    onProgress: (p) => status(`Look at the camera, then to your ${turns[0]}, then to your ${turns[1]} (${HINTS[p.hint] ?? p.hint})`),
  });
  status('Checking…');
  const form = new FormData();
  form.append('nonce', nonce);
  form.append('id', id);
  captured.images.forEach((jpeg, i) => form.append('frame', jpeg, `frame-${i}.jpg`));
  window.lastCaptureYaws = captured.yaws; // for the e2e test
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
    // The server says only yes or no (or what was wrong with the request): no score, no reason, nothing to tune a spoof with.
    status(r.body.verified ? 'Logged in.' : r.status === 200 ? 'Not logged in.' : `Not logged in: ${r.body.message}`);
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
