import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend } from '../../src/backend/select-backend.ts';
import { readRunLog } from '../../src/train/run-log.ts';
import { train } from '../../src/train/train-loop.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { writeDataWithBadFrame, writeSmallTriplets } from './bad-data.ts';
import { generatorWeights, stepLosses, trainTiny } from './train-tiny.ts';

const temp = makeTempDir('fruc-train-loop-');
let runCount = 0;

beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => temp.cleanup());

function newOut(): string {
  runCount += 1;
  return join(temp.dir, `run-${runCount}`);
}

const run = trainTiny;

describe('train', () => {
  const straight = newOut();
  let straightResult: Awaited<ReturnType<typeof train>>;

  it('trains, validates, checkpoints and points latest and best', async () => {
    straightResult = await run({ outDir: straight });

    expect(straightResult.step).toBe(4);
    expect(existsSync(join(straight, 'config.json'))).toBe(true);
    const checkpoints = join(straight, 'checkpoints');
    expect(readlinkSync(join(checkpoints, 'latest'))).toBe('step-4');
    expect(straightResult.best?.checkpoint)
      .toBe(join(checkpoints, readlinkSync(join(checkpoints, 'best'))));
    expect(existsSync(join(checkpoints, 'step-2', 'discriminator'))).toBe(true);
    const log = readRunLog(join(straight, 'log.jsonl'));
    const validations = log.filter((r) => 'valPsnr' in r);
    expect(validations.map((r) => r.step)).toEqual([2, 4]);
    expect(validations[0].valPsnr).toBeGreaterThan(20);
    expect(log.filter((r) => 'g_total' in r).map((r) => r.step))
      .toEqual([1, 2, 3, 4]);
    expect(log[0]).toHaveProperty('samplesPerSec');
    expect(log[0]).toHaveProperty('dataWaitMs');
    expect(log[0].lrD).toBe(1e-3);
  });

  it('when run again with the same seed then the result is the same',
    async () => {
      const again = newOut();

      await run({ outDir: again });

      expect(stepLosses(again)).toEqual(stepLosses(straight));
      const last = (dir: string) => join(dir, 'checkpoints', 'step-4');
      expect(await generatorWeights(last(again)))
        .toEqual(await generatorWeights(last(straight)));
    });

  it('when killed after step 3 and resumed then nothing differs', async () => {
    const out = newOut();
    await run({ outDir: out, stopAfterStep: 3 });
    expect(readlinkSync(join(out, 'checkpoints', 'latest'))).toBe('step-2');

    const resumed = await run({ outDir: out, resume: true });

    expect(resumed.step).toBe(4);
    expect(stepLosses(out)).toEqual(stepLosses(straight));
    expect(await generatorWeights(join(out, 'checkpoints', 'step-4')))
      .toEqual(await generatorWeights(
        join(straight, 'checkpoints', 'step-4')));
    expect(resumed.best).toEqual({
      ...straightResult.best,
      checkpoint: join(out, 'checkpoints', `step-${resumed.best?.step}`),
    });
  });

  it('warm-up steps run without D; a step schedule halves both rates',
    async () => {
      const out = newOut();

      await run({ outDir: out }, {
        warmupSteps: 2, steps: 3,
        schedule: { kind: 'step', every: 2, gamma: 0.5 },
        optim: { lrG: 1e-3, lrRatio: 2 },
      });

      const log = readRunLog(join(out, 'log.jsonl'))
        .filter((r) => 'g_total' in r);
      expect(log.map((r) => r.d_total === undefined))
        .toEqual([true, true, false]);
      expect(log.map((r) => [r.lrG, r.lrD]))
        .toEqual([[1e-3, 2e-3], [1e-3, 2e-3], [5e-4, 1e-3]]);
    });

  it('--init starts from the generator of a checkpoint', async () => {
    const out = newOut();
    const init = join(straight, 'checkpoints', 'step-4');

    await run(
      { outDir: out, initCheckpoint: init },
      { loss: { name: 'pixel' }, optim: { lrG: 1e-12 }, steps: 1 },
    );

    const started = await generatorWeights(join(out, 'checkpoints', 'step-1'));
    const source = await generatorWeights(init);
    const maxDiff = Math.max(...started.flatMap((w, i) =>
      w.map((v, j) => Math.abs(v - source[i][j]))));
    expect(maxDiff).toBeLessThan(1e-6);
  });
});

describe('train refuses bad input before touching the run folder', () => {
  it('an existing run folder without --resume or --overwrite', async () => {
    const out = newOut();
    mkdirSync(out);

    await expect(run({ outDir: out })).rejects.toMatchObject(
      { code: 'FRUC_OUTPUT_EXISTS' });
  });

  it('--resume of a folder with no checkpoint', async () => {
    const out = newOut();
    mkdirSync(out);

    await expect(run({ outDir: out, resume: true })).rejects.toThrow(
      /cannot resume: .* holds no checkpoints\/latest/);
  });

  it('--resume of a folder that does not exist', async () => {
    const out = newOut();

    await expect(run({ outDir: out, resume: true })).rejects.toMatchObject(
      { code: 'FRUC_NO_RUN_FOLDER', exitCode: 2 });
    expect(existsSync(out)).toBe(false);
  });

  it('data with no triplets', async () => {
    const out = newOut();
    const empty = join(temp.dir, 'empty');
    mkdirSync(empty, { recursive: true });

    await expect(run({ outDir: out, dataRoot: empty })).rejects
      .toMatchObject({ code: 'FRUC_NO_TRIPLETS' });
    expect(existsSync(out)).toBe(false);
  });

  it('--init with a generator of another size', async () => {
    const out = newOut();
    const init = join(straight(), 'checkpoints', 'step-4');

    await expect(run(
      { outDir: out, initCheckpoint: init },
      { generator: { width: 8, levels: 2 } },
    )).rejects.toThrow(/width 4, levels 2; the config asks for width 8/);
    expect(existsSync(out)).toBe(false);
  });

  it('a crop size the generator cannot take', async () => {
    await expect(run(
      { outDir: newOut() },
      { cropSize: 36, generator: { width: 4, levels: 3 } },
    )).rejects.toMatchObject({ code: 'FRUC_TRAIN_CONFIG' });
  });
});

function straight(): string {
  return join(temp.dir, 'run-1');
}

/** A copy of the straight run's step-4 checkpoint with `damage` done. */
function damagedInit(name: string, damage: (generator: string) => void) {
  const dir = join(temp.dir, name);
  cpSync(join(straight(), 'checkpoints', 'step-4'), dir, { recursive: true });
  damage(join(dir, 'generator'));
  return dir;
}

function reverseFirstShape(generator: string): void {
  const path = join(generator, 'model.json');
  const model = JSON.parse(readFileSync(path, 'utf8'));
  const first = model.weightsManifest[0].weights[0];
  first.shape = [...first.shape].reverse();
  writeFileSync(path, JSON.stringify(model));
}

describe('a new run that fails before its first checkpoint leaves no ' +
  'run folder', () => {
  it.each([
    ['generator/model.json is not JSON', 'FRUC_CHECKPOINT_UNREADABLE',
      (g: string) => writeFileSync(join(g, 'model.json'), '{nope')],
    ['weights.bin is truncated', 'FRUC_CHECKPOINT_UNREADABLE',
      (g: string) => writeFileSync(join(g, 'weights.bin'), 'short')],
    ['manifest shapes do not match', 'FRUC_CHECKPOINT_MISMATCH',
      reverseFirstShape],
  ])('--init whose %s', async (_what, code, damage) => {
    const out = newOut();
    const init = damagedInit(`init-${code}-${runCount}`, damage);

    await expect(run({ outDir: out, initCheckpoint: init })).rejects
      .toMatchObject({ code });
    expect(existsSync(out)).toBe(false);
  });

  it('triplets smaller than cropSize', async () => {
    const out = newOut();
    const data = writeSmallTriplets(join(temp.dir, 'small'), 4, 32);

    await expect(run({ outDir: out, dataRoot: data }, { cropSize: 64 }))
      .rejects.toMatchObject({
        code: 'FRUC_TRAIN_DATA',
        message: expect.stringContaining('is 32x32, smaller than cropSize 64'),
      });
    expect(existsSync(out)).toBe(false);
  });

  it.each([['garbage'], ['truncated']] as const)(
    'a frame that is %s', async (kind) => {
      const out = newOut();
      const data = writeDataWithBadFrame(join(temp.dir, `bad-${kind}`), kind);

      await expect(run({ outDir: out, dataRoot: data }, {
        validation: { every: 4, samples: 2 }, checkpoint: { every: 4 },
      })).rejects.toMatchObject({
        code: 'FRUC_IMAGE_UNREADABLE',
        message: expect.stringContaining(join(data, 'bad', 'frame1.png')),
      });
      expect(existsSync(out)).toBe(false);
    });

  it('--overwrite keeps the old run when the new one is refused', async () => {
    const out = join(temp.dir, 'old-run');
    cpSync(straight(), out, { recursive: true, verbatimSymlinks: true });
    const init = damagedInit('init-overwrite', reverseFirstShape);

    await expect(run({ outDir: out, overwrite: true, initCheckpoint: init }))
      .rejects.toMatchObject({ code: 'FRUC_CHECKPOINT_MISMATCH' });
    expect(readlinkSync(join(out, 'checkpoints', 'latest'))).toBe('step-4');
  });
});

afterAll(() => {
  expect(tf.memory().numTensors).toBeLessThan(50);
});
