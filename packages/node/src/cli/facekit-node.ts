#!/usr/bin/env node
// The `facekit-node` command (the browser package has the `facekit` one, for `facekit assets`).
// Only argument handling and exit codes live here; the work is runModels' and runEnroll's, which
// tests call without spawning. Exit codes: 0 done, 1 a fatal error (database or models), 2 a
// usage error, 130 interrupted (as a shell reports a SIGINT).
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { FaceKitError, InvalidOptionError, PACKS } from '@facekit/core';
import { DEFAULT_MODEL_DIR } from '../model-dir.js';
import { MULTI_FACE_POLICIES, runEnroll, type EnrollSummary, type MultiFacePolicy } from './enroll.js';
import { runModels, type ModelsSummary } from './models.js';

export const USAGE = `Usage: facekit-node models [--dir <dir>] [--pack <pack>] [--add <id,id>] [--from <dir>]
       facekit-node enroll <folder|file.csv> [options]

facekit-node models
Writes the model files of a pack into the model folder, each checked against its SHA-256;
files already there with the right hash are kept. The model folder, here and for enroll and
createFaceKit(), is --dir, else $FACEKIT_MODELS, else ${DEFAULT_MODEL_DIR} (where
\`npx facekit assets ./facekit\` puts the browser's copy).

  --dir <dir>         the model folder (default $FACEKIT_MODELS, else ${DEFAULT_MODEL_DIR})
  --pack <pack>       ${Object.keys(PACKS).join(' | ')} (default facekit_s)
  --add <id,id>       more models, e.g. minifasnet_v2,minifasnet_v1se for analyze(…, { liveness: true })
  --from <dir>        take the files from this folder instead of downloading them
  --quiet             no progress line

facekit-node enroll
Enrolls photos into a PostgreSQL (pgvector) gallery. <folder> holds one sub-folder per
identity (its name is the id); a CSV holds id,path rows (paths relative to the CSV).
Interrupted runs resume where they stopped: run the same command again.

  --db <url>          postgres:// URL, memory:, or a folder for the embedded database
                      (default ./facekit-gallery-db)
  --models <dir>      the model folder (default $FACEKIT_MODELS, else ${DEFAULT_MODEL_DIR})
  --name <name>       gallery name, the tables' prefix (default facekit)
  --threads <n>       onnxruntime threads
  --batch <n>         templates written per transaction (default 32)
  --multi-face <p>    photos with several faces: skip | largest | largest-clear (default
                      largest-clear: the largest face if the next is at most half its area)
  --log <file>        skipped photos, one JSON line each (default <db folder>/enroll-skipped.jsonl,
                      else ./facekit-enroll-skipped.jsonl)
  --json              print the summary as JSON
  --quiet             no progress bar or status lines

  -h, --help          this text
`;

/** A usage mistake: exit code 2 and a pointer to --help. */
class UsageError extends Error {}

const OPTIONS = {
  db: { type: 'string' }, models: { type: 'string' }, name: { type: 'string' }, threads: { type: 'string' },
  batch: { type: 'string' }, 'multi-face': { type: 'string' }, log: { type: 'string' },
  dir: { type: 'string' }, pack: { type: 'string' }, add: { type: 'string' }, from: { type: 'string' },
  json: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

/** Each command's options; one given to the other command is a usage error, not silently ignored. */
const COMMAND_OPTIONS: Record<'models' | 'enroll', readonly (keyof typeof OPTIONS)[]> = {
  models: ['dir', 'pack', 'add', 'from', 'quiet', 'json', 'help'],
  enroll: ['db', 'models', 'name', 'threads', 'batch', 'multi-face', 'log', 'json', 'quiet', 'help'],
};

/** Parses a count flag; runEnroll checks its range. */
const count = (v: string | undefined): number | undefined => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : Number.NaN);

export function summaryLine(s: EnrollSummary): string {
  return `enrolled ${s.enrolled}, skipped ${s.skipped}, already done ${s.alreadyDone}, identities ${s.identities}, ${s.imagesPerSecond.toFixed(1)} images/s (${(s.durationMs / 1000).toFixed(1)} s in all)`;
}

/** The models command's one line on stdout. */
export function modelsLine(s: ModelsSummary): string {
  return `${s.fetched.length + s.present.length} model files in ${s.dir} (fetched ${s.fetched.length}, already there ${s.present.length})`;
}

/** Reports a failed command: exit code 2 for a bad option, else 1. */
function failed(e: unknown): number {
  if (e instanceof InvalidOptionError) {
    process.stderr.write(`facekit-node: ${e.message}\n${e.message.includes('multiFace') ? `--multi-face takes ${MULTI_FACE_POLICIES.join(' | ')}.\n` : ''}Run facekit-node --help for the options.\n`);
    return 2;
  }
  // Typed errors carry a message meant for people; anything else is a bug: show the stack.
  process.stderr.write(`facekit-node: ${e instanceof FaceKitError ? e.message : (e as Error)?.stack ?? String(e)}\n`);
  return 1;
}

/** Runs the command; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`facekit-node: ${(e as Error).message}\nRun facekit-node --help for the options.\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) { process.stdout.write(USAGE); return 0; }
  const [command, ...rest] = positionals;
  try {
    if (command === undefined) throw new UsageError('no command given.');
    // The browser package's command: point there rather than just refuse.
    if (command === 'assets') throw new UsageError('assets is a command of the browser package: npx -p facekit facekit assets <dir>. This package fetches its own models: facekit-node models.');
    if (command !== 'enroll' && command !== 'models') throw new UsageError(`unknown command "${command}".`);
    const foreign = Object.keys(v).filter((k) => !(COMMAND_OPTIONS[command] as readonly string[]).includes(k));
    if (foreign.length) throw new UsageError(`${foreign.map((k) => `--${k}`).join(', ')} ${foreign.length > 1 ? 'are not options' : 'is not an option'} of ${command}${command === 'models' && foreign.includes('models') ? ' (the model folder is --dir here)' : ''}.`);
    if (command === 'models' && rest.length) throw new UsageError(`models takes no arguments, got ${rest.join(' ')} (the folder is --dir <dir>).`);
    if (command === 'enroll' && rest.length === 0) throw new UsageError('enroll needs a folder or a CSV file.');
    if (command === 'enroll' && rest.length > 1) throw new UsageError(`enroll takes one folder or CSV file, got ${rest.length}: ${rest.join(' ')}.`);
  } catch (e) {
    process.stderr.write(`facekit-node: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }

  if (command === 'models') {
    try {
      const summary = await runModels({ dir: v.dir, pack: v.pack, add: v.add?.split(',').filter(Boolean), from: v.from, quiet: v.quiet ?? false });
      process.stdout.write(v.json ? `${JSON.stringify(summary)}\n` : `${modelsLine(summary)}\n`);
      return 0;
    } catch (e) {
      return failed(e);
    }
  }

  // First signal: finish the photo in hand, write the batch, report. Second: leave now (the
  // next run redoes the unwritten batch).
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    if (!v.quiet) process.stderr.write('\nstopping after the current image (again to quit at once)…\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runEnroll({
      input: rest[0]!,
      db: v.db, modelDir: v.models, name: v.name, log: v.log,
      threads: count(v.threads), batch: count(v.batch),
      multiFace: v['multi-face'] as MultiFacePolicy | undefined,
      quiet: v.quiet ?? false, signal: stop.signal,
    });
    process.stdout.write(v.json ? `${JSON.stringify(summary)}\n` : `${summaryLine(summary)}\n`);
    if (summary.interrupted) {
      process.stderr.write(`interrupted: ${summary.remaining} left; run the same command again to resume\n`);
      return 130;
    }
    return 0;
  } catch (e) {
    return failed(e);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** True when this file is the process's entry (tsx, node, or an npm bin symlink), not an import. */
function isEntry(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntry()) {
  // Exit explicitly: native thread pools must not keep a finished command alive. stdout and
  // stderr are synchronous for files and pipes on POSIX, so nothing written is lost.
  main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
    process.stderr.write(`facekit-node: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  });
}
