import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { UCF_TRIPLETS, writeTinyConfig } from '../train/tiny-config.ts';

const temp = makeTempDir('fruc-train-cli-');
afterAll(() => temp.cleanup());
const config = writeTinyConfig(temp.dir, { steps: 3 });
const run = join(temp.dir, 'run');

function train(...args: string[]) {
  return runCli(['train', '--backend', 'wasm', ...args]);
}

describe('fruc train', () => {
  it('trains, prints the best validation PSNR and its checkpoint', () => {
    const result = train('--config', config, '--data', UCF_TRIPLETS,
      '--out', run);

    expect(result.stderr).toContain('data: 19 training and 2 validation');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^best validation PSNR \d+\.\d\d dB \(SSIM 0\.\d{4}\) at step \d: /);
    expect(result.stdout).toMatch(/: .*step-\d\n/);
    const latest = join(run, 'checkpoints', 'step-3');
    expect(result.stdout).toContain(
      `trained 3 steps; latest checkpoint ${latest}`);
    const stored = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(stored.generator).toEqual({ width: 4, levels: 2 });
    expect(stored.optim.beta2).toBe(0.999);
  });

  it('--resume --steps continues the run with its own config', () => {
    const result = train('--data', UCF_TRIPLETS, '--out', run, '--resume',
      '--steps', '4');

    expect(result.stderr).toContain('restoring checkpoint');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('trained 4 steps');
    const steps = readFileSync(join(run, 'log.jsonl'), 'utf8').trim()
      .split('\n').map((l) => JSON.parse(l))
      .filter((r) => 'g_total' in r).map((r) => r.step);
    expect(steps).toEqual([1, 2, 3, 4]);
  });
});

describe('fruc train: bad input gets one line and status 2', () => {
  const expectError = (result: ReturnType<typeof train>, text: RegExp) => {
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(text);
  };
  const out = join(temp.dir, 'refused');

  it('a missing config', () => {
    expectError(
      train('--config', join(temp.dir, 'nope.json'), '--data', UCF_TRIPLETS,
        '--out', out),
      /^fruc: error: config .*nope\.json does not exist/);
  });

  it('an invalid config', () => {
    const bad = writeTinyConfig(temp.dir, { batchSize: 0 }, 'bad.json');

    expectError(
      train('--config', bad, '--data', UCF_TRIPLETS, '--out', out),
      /^fruc: error: config .*bad\.json: batchSize: .*fix that value/);
  });

  it('no config at all', () => {
    expectError(train('--data', UCF_TRIPLETS, '--out', out),
      /no config; pass --config FILE/);
  });

  it('data with no triplets', () => {
    const empty = join(temp.dir, 'empty');
    mkdirSync(empty);

    expectError(train('--config', config, '--data', empty, '--out', out),
      /holds no triplets/);
    expect(existsSync(out)).toBe(false);
  });

  it('an existing output without --resume or --overwrite', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', run), /already exists; .*--overwrite/);
  });

  it('--resume together with --overwrite', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', run, '--resume', '--overwrite'), /pass only one/);
  });

  it('--resume with a config other than the run\'s', () => {
    const other = writeTinyConfig(temp.dir, { seed: 9 }, 'other.json');

    expectError(train('--config', other, '--data', UCF_TRIPLETS,
      '--out', run, '--resume'), /differs from the config of the run/);
  });

  it('--init that is not a generator checkpoint', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', out, '--init', temp.dir), /is not a checkpoint/);
  });

  it('--init whose generator does not fit the config', () => {
    const wide = writeTinyConfig(
      temp.dir, { generator: { width: 8, levels: 2 } }, 'wide.json');

    expectError(train('--config', wide, '--data', UCF_TRIPLETS, '--out', out,
      '--init', join(run, 'checkpoints', 'step-3')),
    /--init .* does not fit this config .*width 4, levels 2/);
    expect(existsSync(out)).toBe(false);
  });
});
