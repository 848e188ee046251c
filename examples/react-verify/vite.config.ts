// No React plugin needed: Vite compiles the JSX (tsconfig "jsx": "react-jsx"); the plugin adds
// only Fast Refresh. Cross-origin isolation lets onnxruntime-web use threads.
import { defineConfig } from 'vite';

const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  server: { headers },
  preview: { headers },
  // facekit's worker imports onnxruntime-web lazily: ES module workers keep that split.
  worker: { format: 'es' },
});
