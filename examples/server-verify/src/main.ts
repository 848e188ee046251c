// Starts the example: `pnpm --filter @facekit/example-server-verify start`, or from the repository
// root `pnpm exec tsx examples/server-verify/src/main.ts`. Enroll people first with
// `pnpm facekit-node enroll <folder> --db <same db>`, and build the browser package the page loads
// (`pnpm build:package`).
//   PORT (8787), HOST (127.0.0.1), FACEKIT_DB (./facekit-gallery-db: a folder for the embedded
//   PGlite, or a postgres:// URL), FACEKIT_MODELS (the model folder: DEFAULT_MODEL_DIR,
//   ./facekit/models; the repository's own is models/files), MAX_BODY_BYTES (5 MB).
import { chooseModelDir, createFaceKit, createPgGallery } from '@facekit/node';
import { createVerifyServer } from './server.js';

const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST ?? '127.0.0.1';
const modelDir = chooseModelDir(); // the server also serves these files to the page
const kit = await createFaceKit({ modelDir });
const gallery = await createPgGallery({ db: process.env.FACEKIT_DB ?? './facekit-gallery-db', model: kit.info.recognizer });
const server = createVerifyServer({
  kit, gallery, modelDir,
  // The audit log: one JSON line per login with the scores the client is not told.
  onResult: ({ id, result, client }) => console.log(JSON.stringify({ at: new Date().toISOString(), id, client, ...result })),
  ...(process.env.MAX_BODY_BYTES ? { maxBodyBytes: Number(process.env.MAX_BODY_BYTES) } : {}),
});
server.listen(port, host, () => {
  console.log(`server-verify on http://${host}:${port}/ (gallery "${gallery.name}", ${kit.info.recognizer})`);
});

const stop = async (): Promise<void> => {
  server.close();
  await gallery.close();
  await kit.dispose();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
