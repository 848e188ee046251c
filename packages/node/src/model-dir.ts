// The one default model folder of @facekit/node: createFaceKit reads it, `facekit-node enroll`
// reads it and `facekit-node models` writes it. It is the folder `npx facekit assets ./facekit`
// fills (<dir>/models), so the browser package's command and this one agree.

/** Where model files are read and written when no folder is given and $FACEKIT_MODELS is unset; relative to the working directory. */
export const DEFAULT_MODEL_DIR = './facekit/models';

/** The model folder to use: `dir` when given, else `$FACEKIT_MODELS` when set and not empty, else {@link DEFAULT_MODEL_DIR}. */
export function chooseModelDir(dir?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return dir ?? (env.FACEKIT_MODELS || DEFAULT_MODEL_DIR);
}
