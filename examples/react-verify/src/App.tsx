// Enroll once, then verify: <facekit-verify> does the camera, the models and the guidance; the
// app only reads its events. Types for the element's props come from facekit/react.
import { useState } from 'react';
import type {} from 'facekit/react';

export function App() {
  const [mode, setMode] = useState<'enroll' | 'verify'>('enroll');
  const [result, setResult] = useState('');
  return (
    <main>
      <h1>facekit · React</h1>
      <facekit-verify
        mode={mode}
        subject-id="me"
        asset-base-url="/facekit/"
        onfacekit-enrolled={(e) => { setResult(`enrolled ${e.detail.id}`); setMode('verify'); }}
        onfacekit-verified={(e) => setResult(e.detail.verified ? `verified ${e.detail.id}` : `not verified: ${e.detail.reasons.join(', ')}`)}
        onfacekit-error={(e) => setResult(`error ${e.detail.code}`)}
      />
      <p role="status" id="result">{result}</p>
    </main>
  );
}
