// The video section of `pnpm bench` on its own (see video.ts). Tables, then one JSON line.
//   pnpm bench:video [-- --frames 2000 --stream still|pan --threads 1]
import { parseArgs } from '@facekit/test-support/browser-session';
import { benchVideo, printVideo } from './video.js';

const args = parseArgs(process.argv.slice(2));
const v = await benchVideo({
  frames: Number(args.get('frames') ?? 2000),
  stream: args.get('stream') === 'pan' ? 'pan' : 'still',
  ...(args.get('threads') ? { threadsPerWorker: Number(args.get('threads')) } : {}),
  onProgress: (line) => process.stdout.write(line),
});
printVideo(v);
console.log(JSON.stringify(v));
