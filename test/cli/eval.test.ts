import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { saveCheckpoint } from '../../src/models/checkpoint.ts';
import { createGenerator } from '../../src/models/generator.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';
import { ffmpeg } from '../video/upconvert-fixtures.ts';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

/** Table rows of `fruc eval` stdout keyed `dataset/method`. */
function parseTable(stdout: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of stdout.split('\n').slice(2)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length === 7) {
      rows.set(`${cells[0]}/${cells[1]}`, cells.slice(2));
    }
  }
  return rows;
}

describe('fruc eval', () => {
  it('reproduces the reference rows of issue 2 on both sets', () => {
    const out = join(temp.dir, 'reference');

    const result = runCli(['eval', sharedData('middlebury-others'),
      sharedData('ucf101-triplets'), '--methods', 'repeat,blend,minterpolate',
      '--out', out]);

    expect(result.stderr).not.toMatch(/error/);
    expect(result.status).toBe(0);
    const rows = parseTable(result.stdout);
    // [psnr dB, ssim, tolerance dB] from the table.
    const reference: Record<string, [number, number, number]> = {
      'middlebury-others/repeat': [24.75, 0.7493, 0.01],
      'middlebury-others/blend': [28.00, 0.7993, 0.01],
      'middlebury-others/minterpolate': [31.48, 0.8654, 0.3],
      'ucf101-triplets/repeat': [27.58, 0.8934, 0.01],
      'ucf101-triplets/blend': [30.52, 0.9126, 0.01],
      'ucf101-triplets/minterpolate': [32.90, 0.9466, 0.3],
    };
    expect([...rows.keys()].sort()).toEqual(Object.keys(reference).sort());
    for (const [key, [psnr, ssim, tolerance]] of Object.entries(reference)) {
      const [shownPsnr, shownSsim, , samples] = rows.get(key) ?? [];
      // The table rounds to 2 and 4 digits; half a last digit is added.
      expect(Math.abs(Number(shownPsnr) - psnr)).toBeLessThanOrEqual(
        tolerance + 0.005);
      if (tolerance < 0.3) {
        expect(Math.abs(Number(shownSsim) - ssim)).toBeLessThanOrEqual(0.0005);
      }
      expect(samples).toBe(key.startsWith('middlebury') ? '12' : '21');
    }

    const csv = readFileSync(join(out, 'results.csv'), 'utf8').trimEnd();
    expect(csv.split('\n')).toHaveLength(1 + 3 * (12 + 21) + 6);
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(json.methods).toEqual(['repeat', 'blend', 'minterpolate']);
    // Unrounded Middlebury means from scikit-image 0.19: psnr, ssim, ie.
    const precise: Record<string, number[]> = {
      repeat: [24.753013, 0.749310, 15.985858],
      blend: [27.998263, 0.799253, 11.468310],
    };
    for (const [label, [psnr, ssim, ie]] of Object.entries(precise)) {
      const mean = json.datasets[0].means[label];
      expect(Math.abs(mean.psnr - psnr)).toBeLessThan(1e-6);
      expect(Math.abs(mean.ssim - ssim)).toBeLessThan(1e-6);
      expect(Math.abs(mean.ie - ie)).toBeLessThan(1e-6);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    for (const src of html.matchAll(/<img src="([^"]+)"/g)) {
      expect(existsSync(join(out, src[1]))).toBe(true);
    }
    expect(html.match(/<img /g)).toHaveLength((12 + 21) * 9);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.args).toContain('--methods');
    expect(run.methods.map((m: { label: string }) => m.label))
      .toEqual(['repeat', 'blend', 'minterpolate']);
    expect(run.data.map((d: { path: string }) => d.path)).toEqual(
      [sharedData('middlebury-others'), sharedData('ucf101-triplets')]);
  });

  it('evaluates a video by dropping every other frame', () => {
    const out = join(temp.dir, 'video');

    const result = runCli(['eval', sharedData('videos', 'box.mp4'),
      '--methods', 'blend,minterpolate', '--max-samples', '3',
      '--crop-size', '96', '--out', out]);

    expect(result.status).toBe(0);
    const rows = parseTable(result.stdout);
    expect([...rows.keys()]).toEqual(['box.mp4/blend', 'box.mp4/minterpolate']);
    expect(rows.get('box.mp4/blend')?.[3]).toBe('3');
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.data).toEqual([{ name: 'box.mp4',
      path: sharedData('videos', 'box.mp4'), kind: 'video', samples: 3 }]);
    expect(run).toMatchObject({ maxSamples: 3, cropSize: 96,
      backend: 'none (baselines only)' });
    expect(readdirSync(join(out, 'crops', 'box.mp4'))).toContain(
      'frame-000001-gt.png');
  });

  it('starts a backend named with --backend even for baselines only', () => {
    const out = join(temp.dir, 'named-backend');

    const result = runCli(['eval', sharedData('ucf101-triplets'),
      '--methods', 'blend', '--max-samples', '1', '--backend', 'cpu',
      '--out', out]);

    expect(result.status).toBe(0);
    expect(result.stderr).toContain('TensorFlow.js backend: cpu');
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.backend).toBe('cpu');
  });

  it('evaluates a checkpoint link beside the baselines, noting its target',
    async () => {
      const checkpoints = join(temp.dir, 'run', 'checkpoints');
      const config = { width: 4, levels: 2 };
      await saveCheckpoint(join(checkpoints, 'step-7'),
        { generator: createGenerator(config), config, step: 7 });
      const best = join(checkpoints, 'best');
      await symlink('step-7', best);
      const out = join(temp.dir, 'with-model');

      const result = runCli(['eval', sharedData('ucf101-triplets'),
        '--methods', `blend,${best}`, '--max-samples', '2',
        '--backend', 'cpu', '--out', out]);
      // The run keeps naming the model after `best` moves on.
      await rename(join(checkpoints, 'step-7'), join(checkpoints, 'step-9'));

      expect(result.status).toBe(0);
      expect([...parseTable(result.stdout).keys()]).toEqual(
        ['ucf101-triplets/blend', 'ucf101-triplets/model:best']);
      const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
      expect(run.methods).toEqual([
        { label: 'blend', kind: 'baseline' },
        { label: 'model:best', kind: 'checkpoint', checkpoint: best,
          realPath: join(realpathSync(checkpoints), 'step-7'), step: 7 },
      ]);
      expect(run.backend).toBe('cpu');
    });

  describe('bad input', () => {
    const ucf = sharedData('ucf101-triplets');

    it('rejects a missing data folder', () => {
      const result = runCli(['eval', join(temp.dir, 'missing'),
        '--out', join(temp.dir, 'o-missing')]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^fruc: error: data .*missing does not exist/);
      expect(existsSync(join(temp.dir, 'o-missing'))).toBe(false);
    });

    it('rejects a folder with no triplets', async () => {
      const dir = join(temp.dir, 'no-triplets');
      await mkdir(join(dir, 'a'), { recursive: true });
      await writeFile(join(dir, 'a', 'readme.txt'), 'no frames');

      const result = runCli(['eval', dir, '--out', join(temp.dir, 'o-none')]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/holds no triplets and no PNG frames/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('rejects frames smaller than the SSIM window before any work', () => {
      const clip = join(temp.dir, 'tiny-8x6.mp4');
      ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=8x6:duration=1',
        '-pix_fmt', 'yuv420p', clip]);
      const out = join(temp.dir, 'o-tiny');

      const result = runCli(['eval', clip, '--methods', 'blend',
        '--out', out]);

      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`fruc: error: ${clip} has 8x6 frames but ` +
        'the SSIM metric needs at least 11x11; evaluate larger frames ' +
        '(scale the clip up, e.g. ffmpeg -vf scale=44:-2).\n');
      expect(existsSync(out)).toBe(false);
    });

    it('rejects an unknown method and lists the valid ones', () => {
      const result = runCli(['eval', ucf, '--methods', 'blend,flow',
        '--out', join(temp.dir, 'o-method')]);

      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        'fruc: error: unknown method "flow"; valid methods are repeat, ' +
          'blend, minterpolate, default (the shipped generator) or the path ' +
          'of a checkpoint folder.\n');
    });

    it('says that a method path names no checkpoint folder', () => {
      const missing = join(temp.dir, 'runs', 'nope');
      const result = runCli(['eval', ucf, '--methods', missing,
        '--out', join(temp.dir, 'o-missing')]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(
        `^fruc: error: no checkpoint folder ${missing} exists; valid methods ` +
          'are repeat, blend, minterpolate,.*\n$'));
    });

    it('rejects a method folder that is not a checkpoint', async () => {
      const dir = join(temp.dir, 'not-a-checkpoint');
      await mkdir(dir);

      const result = runCli(['eval', ucf, '--methods', dir,
        '--backend', 'cpu', '--out', join(temp.dir, 'o-ckpt')]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/not-a-checkpoint is not a checkpoint/);
      expect(existsSync(join(temp.dir, 'o-ckpt'))).toBe(false);
    });

    it('refuses an existing output unless --overwrite', () => {
      const out = join(temp.dir, 'o-exists');
      const args = ['eval', ucf, '--methods', 'repeat', '--max-samples', '1',
        '--out', out];
      const first = runCli(args);

      const refused = runCli(args);
      const replaced = runCli([...args, '--overwrite']);

      expect(first.status).toBe(0);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/o-exists already exists; .*--overwrite/);
      expect(replaced.status).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['.fruc-output', 'crops',
        'report.html', 'results.csv', 'results.json', 'run.json']);
      expect(readdirSync(temp.dir).filter((n) => n.includes('partial')))
        .toEqual([]);
    });

    it('does not --overwrite a folder fruc did not write', async () => {
      const out = join(temp.dir, 'o-foreign');
      await mkdir(out);
      await writeFile(join(out, 'keep.txt'), 'mine');

      const result = runCli(['eval', ucf, '--methods', 'repeat',
        '--max-samples', '1', '--out', out, '--overwrite']);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/o-foreign is a folder that fruc did not/);
      expect(readdirSync(out)).toEqual(['keep.txt']);
    });

    it('requires --out', () => {
      const result = runCli(['eval', ucf]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/no output folder; pass --out DIR/);
    });
  });
});
