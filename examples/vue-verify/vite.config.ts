// Vue's compiler must know <facekit-verify> is a custom element (else it looks for a Vue
// component of that name). Cross-origin isolation lets onnxruntime-web use threads.
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('facekit-') } } })],
  server: { headers },
  preview: { headers },
  // facekit's worker imports onnxruntime-web lazily: ES module workers keep that split.
  worker: { format: 'es' },
});
