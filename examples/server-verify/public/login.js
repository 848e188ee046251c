// The page's half of the login: take a few camera frames as JPEG and send them with the
// server's one-time challenge. In an app, run facekit's in-browser verifier first
// (kit.createVerifier().verify(...)) for instant feedback, and send the frames it accepted;
// only the server's answer logs anyone in.
const FRAMES = 3;
const GAP_MS = 150;

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };

async function camera() {
  const video = $('video');
  if (!video.srcObject) {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    await video.play();
  }
  return video;
}

async function grabJpeg(video) {
  const canvas = new OffscreenCanvas(video.videoWidth, video.videoHeight);
  canvas.getContext('2d').drawImage(video, 0, 0);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

async function login(id) {
  const video = await camera();
  const challenge = await (await fetch('/challenge', { method: 'POST' })).json();
  const form = new FormData();
  form.append('nonce', challenge.nonce);
  form.append('id', id);
  for (let i = 0; i < FRAMES; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, GAP_MS));
    form.append('frame', await grabJpeg(video), `frame-${i}.jpg`);
  }
  // Kept so the e2e test can replay this exact request (the server must refuse it).
  window.lastLoginForm = form;
  const res = await fetch('/verify', { method: 'POST', body: form });
  return { status: res.status, body: await res.json() };
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  document.body.dataset.state = 'busy';
  status('Checking…');
  try {
    const r = await login($('id').value);
    window.lastLoginResult = r;
    status(r.body.verified ? 'Logged in.' : `Not logged in: ${(r.body.reasons ?? [r.body.message]).join(', ')}`);
    $('result').textContent = JSON.stringify(r.body, null, 2);
  } catch (err) {
    window.lastLoginResult = { status: 0, body: { error: String(err) } };
    status(`Error: ${err.message}`);
  } finally {
    document.body.dataset.state = 'done';
  }
});
