import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { selectBackend } from '../../src/backend/select-backend.ts';
import { psnr } from '../../src/eval/metrics.ts';
import { readPng } from '../../src/image/png-io.ts';
import { blendFrames } from '../../src/models/baselines.ts';
import { defaultMethods } from '../../src/eval/run-eval.ts';
import { loadModelInterpolator } from '../../src/models/model-interpolator.ts';
import {
  DEFAULT_CHECKPOINT,
  findDefaultCheckpoint,
} from '../../src/models/default-checkpoint.ts';
import { ForeignFolderError } from '../../src/errors.ts';
import { checkDestination } from '../../src/util/atomic.ts';
import { REPO_ROOT, sharedData } from '../helpers/paths.ts';

describe('default checkpoint', () => {
  it('lives in the package, not the working folder', () => {
    expect(DEFAULT_CHECKPOINT).toBe(join(REPO_ROOT, 'checkpoints', 'default'));
  });

  it('is found only where a checkpoint.json is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fruc-default-'));

    expect(findDefaultCheckpoint(dir)).toBeUndefined();
    await writeFile(join(dir, 'checkpoint.json'), '{}');
    expect(findDefaultCheckpoint(dir)).toBe(dir);
    await rm(dir, { recursive: true, force: true });
  });

  it('is not an output folder, so --overwrite cannot replace it', () => {
    expect(() => checkDestination(DEFAULT_CHECKPOINT, true, 'folder'))
      .toThrow(ForeignFolderError);
  });

  it('joins the eval baselines when it ships', () => {
    expect(defaultMethods(null)).toEqual(['repeat', 'blend', 'minterpolate']);
    expect(defaultMethods(DEFAULT_CHECKPOINT)).toEqual(
      ['repeat', 'blend', 'minterpolate', 'default']);
  });

  it('ships a generator that beats blend on real UCF101 triplets', async () => {
    await selectBackend('wasm');
    const model = await loadModelInterpolator(DEFAULT_CHECKPOINT);
    const gains: number[] = [];

    for (const id of ['1', '2', '3', '4']) {
      const [prev, middle, next] = await Promise.all(
        ['frame0.png', 'frame1.png', 'frame2.png'].map((name) =>
          readPng(sharedData('ucf101-triplets', id, name))));
      const out = await model.interpolate(prev, next);
      gains.push(psnr(middle, out) - psnr(middle, blendFrames(prev, next)));
    }

    model.dispose();
    const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
    expect(mean).toBeGreaterThan(1);
    expect(Math.min(...gains)).toBeGreaterThan(0);
  });
});
