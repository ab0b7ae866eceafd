import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir, REPO_ROOT, sharedData } from '../helpers/paths.ts';

const temp = makeTempDir('fruc-compare-');
afterAll(() => temp.cleanup());

/** Runs the pipeline script as `npm run compare` does. */
function runCompare(args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'pipelines', 'compare-losses.ts'),
      ...args],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

// A tiny setting: 6 triplets of 48x48 from one real video, width-4 nets,
// 2 pre-training and 2 fine-tuning steps, 2 evaluation samples per set.
const TINY = {
  videos: [sharedData('videos', 'box.mp4')],
  extract: { cropSize: 48, maxTriplets: 6 },
  pretrainSteps: 2,
  finetuneSteps: 2,
  cropSize: 32,
  batchSize: 2,
  losses: ['pixel', 'aagan'],
  seeds: [0],
  overrides: {
    generator: { width: 4, levels: 2 },
    discriminator: { width: 4, depth: 2 },
    validation: { every: 2, samples: 2 },
    checkpoint: { every: 2 },
  },
  maxEvalSamples: 2,
};
const settingPath = join(temp.dir, 'tiny.json');
writeFileSync(settingPath, JSON.stringify(TINY));

const base = (out: string) =>
  ['--setting', settingPath, '--out', out, '--backend', 'wasm'];

describe('compare-losses pipeline', () => {
  const out = join(temp.dir, 'run');

  it('writes the comparison with one finite row per method and set', () => {
    const result = runCompare(base(out));

    expect(result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
    for (const file of ['report.md', 'report.json', 'report.html']) {
      expect(existsSync(join(out, file))).toBe(true);
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(result.stdout).toBe(md);
    for (const method of ['blend', 'start (pixel pre-training)',
      'pixel (control)', 'aagan']) {
      expect(md).toContain(`| ${method} |`);
    }
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.sets).toEqual(['middlebury-others', 'ucf101-triplets']);
    expect(report.rows).toHaveLength(4);
    for (const row of report.rows) {
      for (const set of report.sets) {
        for (const metric of ['psnr', 'ssim', 'ie']) {
          expect(Number.isFinite(row.sets[set][metric].mean)).toBe(true);
        }
      }
    }
    expect(readFileSync(join(out, 'report.html'), 'utf8'))
      .toContain('<td>aagan</td>');
  });

  it('reuses finished phases and redoes those whose settings changed', () => {
    const result = runCompare([...base(out), '--finetune-steps', '3']);

    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/phase extract: reusing/);
    expect(result.stderr).toMatch(/phase seed-0\/pretrain: reusing/);
    expect(result.stderr).toMatch(/phase seed-0\/finetune-aagan: starting/);
    expect(result.stdout).toContain('start + 3 steps, aagan');
  });
});

describe('compare-losses errors', () => {
  it('rejects an unknown loss before any work', () => {
    const out = join(temp.dir, 'bad-loss');

    const result = runCompare([...base(out), '--losses', 'pixel,wgan']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--losses: unknown loss "wgan"');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a seed list that is not whole numbers', () => {
    const result = runCompare([...base(join(temp.dir, 's')), '--seeds', '0,x']);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--seeds: "x" is not a whole number');
  });

  it('names a missing video', () => {
    const result = runCompare([
      ...base(join(temp.dir, 'no-video')), '--videos', 'missing.mp4']);

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/missing\.mp4 does not exist/);
  });

  it('asks for --out', () => {
    const result = runCompare(['--setting', settingPath]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('pass --out DIR');
  });

  it('rejects an unknown setting', () => {
    const result = runCompare(['--setting', 'huge', '--out', temp.dir]);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown pipeline setting "huge"');
  });
});
