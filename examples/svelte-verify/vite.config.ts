// Cross-origin isolation lets onnxruntime-web use threads.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  plugins: [svelte()],
  server: { headers },
  preview: { headers },
  // facekit's worker imports onnxruntime-web lazily: ES module workers keep that split.
  worker: { format: 'es' },
});
