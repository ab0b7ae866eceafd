import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend } from '../../src/backend/select-backend.ts';
import {
  listCheckpointSteps,
  readTrainCheckpoint,
} from '../../src/train/train-checkpoint.ts';
import { train } from '../../src/train/train-loop.ts';
import {
  checkTrainConfig,
  createTrainParts,
} from '../../src/train/train-setup.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { tinyConfig, UCF_TRIPLETS } from './tiny-config.ts';

const temp = makeTempDir('fruc-train-checkpoint-');
afterAll(() => temp.cleanup());
const config = tinyConfig({ steps: 2, checkpoint: { every: 1 } });
const original = join(temp.dir, 'original');
let copies = 0;

beforeAll(async () => {
  await selectBackend('wasm');
  await train({
    config, dataRoot: UCF_TRIPLETS, outDir: original, backend: 'wasm' });
});

/** A copy of the two-checkpoint run with `damage` done to it. */
function damagedRun(damage: (step2: string) => void): string {
  copies += 1;
  const run = join(temp.dir, `copy-${copies}`);
  cpSync(original, run, { recursive: true, verbatimSymlinks: true });
  damage(join(run, 'checkpoints', 'step-2'));
  return run;
}

function truncate(path: string, bytes: number): void {
  writeFileSync(path, readFileSync(path).subarray(0, bytes));
}

async function resumeFrom(checkpoint: string): Promise<unknown> {
  const parts = createTrainParts(config, checkTrainConfig(config));
  try {
    return await readTrainCheckpoint(checkpoint, parts);
  } finally {
    parts.dispose();
  }
}

describe('readTrainCheckpoint of a damaged checkpoint', () => {
  it.each([
    ['train-state.json is garbage', 'train-state.json', 'garbage',
      /train-state\.json is not valid JSON \(Unexpected token 'g'/],
    ['train-state.json lacks a field', 'train-state.json', '{"step": 2}',
      /train-state\.json: lrG: /],
    ['optimizer-d.json is garbage', 'optimizer-d.json', '{',
      /optimizer-d\.json is not valid JSON/],
    ['discriminator/model.json is garbage', 'discriminator/model.json', '{',
      /discriminator\/model\.json cannot be read \(/],
  ])('when %s then FRUC_CHECKPOINT_DAMAGED names it', async (
    _case, file, content, what) => {
    const run = damagedRun((step2) => {
      writeFileSync(join(step2, file), content);
    });
    const step2 = join(run, 'checkpoints', 'step-2');

    const reading = resumeFrom(step2);

    await expect(reading).rejects.toMatchObject(
      { code: 'FRUC_CHECKPOINT_DAMAGED', exitCode: 2 });
    await expect(reading).rejects.toThrow(what);
    await expect(reading).rejects.toThrow(
      `checkpoint ${step2} is damaged (`);
  });

  it.each([
    ['optimizer-g.bin',
      /\(optimizer-g\.bin holds 24 bytes but optimizer-g\.json needs \d+\)/],
    ['generator/weights.bin', new RegExp('\\(.*step-2/generator cannot be ' +
      'read \\(its weights hold 24 bytes')],
  ])('when %s is truncated then FRUC_CHECKPOINT_DAMAGED says so', async (
    file, what) => {
    const run = damagedRun((step2) => truncate(join(step2, file), 24));

    const reading = resumeFrom(join(run, 'checkpoints', 'step-2'));

    await expect(reading).rejects.toMatchObject(
      { code: 'FRUC_CHECKPOINT_DAMAGED' });
    await expect(reading).rejects.toThrow(what);
  });

  it('names the newest earlier checkpoint and how to resume from it',
    async () => {
      const run = damagedRun((step2) => {
        writeFileSync(join(step2, 'train-state.json'), 'garbage');
      });
      const latest = join(run, 'checkpoints', 'latest');

      await expect(resumeFrom(join(run, 'checkpoints', 'step-2'))).rejects
        .toThrow(`); resume from an earlier checkpoint (step-1 is the ` +
          `newest: ln -sfn step-1 ${latest}) or start a new run ` +
          '(--overwrite replaces this one).');
      await expect(resumeFrom(join(run, 'checkpoints', 'step-1'))).resolves
        .toMatchObject({ step: 1 });
    });

  it('says when the run has no earlier checkpoint', async () => {
    const run = damagedRun(() => undefined);
    const step1 = join(run, 'checkpoints', 'step-1');
    truncate(join(step1, 'optimizer-g.bin'), 24);

    await expect(resumeFrom(step1)).rejects.toThrow(
      'resume from an earlier checkpoint (this run has no earlier one)');
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;

    await resumeFrom(join(original, 'checkpoints', 'step-2'));

    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('listCheckpointSteps', () => {
  it('lists the step folders in step order, without the links', () => {
    expect(listCheckpointSteps(original)).toEqual([1, 2]);
    expect(listCheckpointSteps(join(temp.dir, 'none'))).toEqual([]);
  });
});
