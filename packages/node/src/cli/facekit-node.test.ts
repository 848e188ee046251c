// The real `facekit-node` command in a child process: exit codes, SIGINT mid-run, resuming, and
// the models command.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyLfwFolder } from '@facekit/test-support/lfw-folder';
import { MODEL_DIR, REPO_ROOT, SHARED_DIR } from '@facekit/test-support/node';
import type { EnrollSummary } from './enroll.js';

const CLI = join(REPO_ROOT, 'packages/node/src/cli/facekit-node.ts');
/** One face each (checked with the detector), so every photo is enrolled. */
const PHOTOS: Record<string, number[]> = {
  Bernard_Law: [1, 2, 3, 4], Bob_Graham: [2, 3, 4, 5], Brad_Johnson: [1, 2, 3, 4], Edmund_Stoiber: [4, 5, 7, 9],
};
const TOTAL = 16;

const tmp = mkdtempSync(join(tmpdir(), 'facekit-cli-'));
const photos = join(tmp, 'photos');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(() => {
  copyLfwFolder(photos, PHOTOS);
});

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs the CLI from source through tsx; `onStderr` sees stderr as it comes (and may signal the child). */
function facekit(args: string[], onStderr?: (soFar: string, kill: (s: NodeJS.Signals) => void) => void, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('facekit-node CLI', () => {
  it('stops on SIGINT with exit code 130 after writing its batch, and a second run finishes the job', async () => {
    const db = join(tmp, 'db');
    const args = ['enroll', photos, '--db', db, '--models', MODEL_DIR, '--threads', '1', '--batch', '2', '--json'];
    let sent = false;
    const first = await facekit(args, (soFar, kill) => {
      // The first progress line (`\r 0/16 …`) means models and database are up and photos are next.
      if (!sent && /\r\s*\d+\/16/.test(soFar)) { sent = true; kill('SIGINT'); }
    });
    expect(sent).toBe(true);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(/interrupted: \d+ left; run the same command again to resume/);
    const s1 = JSON.parse(first.stdout) as EnrollSummary;
    expect(s1.interrupted).toBe(true);
    expect(s1.remaining).toBeGreaterThan(0);
    expect(first.stderr).toContain(`interrupted: ${s1.remaining} left`);

    // The same command again, here without --json: one summary line on stdout.
    const second = await facekit(args.slice(0, -1));
    expect(second.code, second.stderr).toBe(0);
    const m = /^enrolled (\d+), skipped (\d+), already done (\d+), identities (\d+), [\d.]+ images\/s/.exec(second.stdout);
    expect(m, second.stdout).not.toBeNull();
    const [enrolled, skipped, alreadyDone, identities] = m!.slice(1).map(Number);
    // Nothing lost and nothing twice: what the first run wrote counts as done.
    expect({ enrolled, skipped, alreadyDone, identities }).toEqual({ enrolled: s1.remaining, skipped: 0, alreadyDone: TOTAL - s1.remaining, identities: 4 });
    expect(s1.enrolled + enrolled!).toBe(TOTAL);
    expect(second.stderr).toContain(`${TOTAL - s1.remaining} already done`);
  }, 180_000);

  it('answers usage mistakes with exit code 2 and fatal errors with 1', async () => {
    const [nonsense, unknownFlag, badBatch, noModels] = await Promise.all([
      facekit(['nonsense']),
      facekit(['enroll', photos, '--frobnicate']),
      facekit(['enroll', photos, '--batch', 'many', '--db', 'memory:']),
      facekit(['enroll', photos, '--db', 'memory:', '--models', join(tmp, 'no-models'), '--quiet']),
    ]);
    expect(nonsense.code).toBe(2);
    expect(nonsense.stderr).toContain('unknown command "nonsense"');
    expect(nonsense.stderr).toContain('Usage: facekit-node models');
    expect(nonsense.stderr).toContain('facekit-node enroll <folder|file.csv>');
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/--frobnicate/);
    expect(badBatch.code).toBe(2);
    expect(badBatch.stderr).toContain('batch must be an integer');
    expect(noModels.code).toBe(1);
    expect(noModels.stderr).toMatch(/det_500m\.onnx/);
  }, 120_000);

  it('--help names facekit-node (not the browser package\'s facekit) and the default model folder', async () => {
    const help = await facekit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: facekit-node models \[--dir <dir>\]/);
    expect(help.stdout).toContain('facekit-node enroll <folder|file.csv> [options]');
    expect(help.stdout).not.toMatch(/(^|\s)facekit (enroll|models)/m);
    // The one default model folder, in the text of both commands.
    expect(help.stdout.match(/--(dir|models) <dir> +the model folder \(default \$FACEKIT_MODELS, else \.\/facekit\/models\)/g)).toHaveLength(2);
    const assets = await facekit(['assets', 'x']);
    expect(assets.code).toBe(2);
    expect(assets.stderr).toMatch(/npx -p facekit facekit assets <dir>.*facekit-node models/);
    const mixed = await facekit(['models', '--models', 'x']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--models is not an option of models (the model folder is --dir here)');
  }, 60_000);

  it('models writes a pack from a local folder (exit 0), and refuses a corrupted file with exit 1 and the typed error\'s message', async () => {
    const out = join(tmp, 'models-cli');
    const env = { ...process.env, FACEKIT_MODELS: out };
    const ok = await facekit(['models', '--from', join(SHARED_DIR, 'models')], undefined, env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`2 model files in ${out} (fetched 2, already there 0)\n`);
    // One progress line, redrawn with \r, ended once.
    expect(ok.stderr.split('\n')[0]).toMatch(/^\r\[1\/2\] det_500m {2}checking…[^\n]*\r\[2\/2\] fr_feature {2}fetched\s*$/);
    expect(readdirSync(out).sort()).toEqual(['det_500m.onnx', 'fr_feature.onnx']);

    const bad = join(tmp, 'bad-source');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'fr_eye.onnx'), 'not the model');
    const refused = await facekit(['models', '--dir', out, '--add', 'fr_eye', '--from', bad, '--quiet']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^facekit-node: Model file .*fr_eye\.onnx has SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}\. Nothing was written/);
    expect(readdirSync(out).sort()).toEqual(['det_500m.onnx', 'fr_feature.onnx']);
  }, 60_000);
});
