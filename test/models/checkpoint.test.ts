import * as tf from '@tensorflow/tfjs';
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readPng } from '../../src/image/png-io.ts';
import { blendFrames } from '../../src/models/baselines.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  loadGeneratorCheckpoint,
  loadLayersModel,
  readCheckpointInfo,
  saveCheckpoint,
  saveLayersModel,
} from '../../src/models/checkpoint.ts';
import { disposeLayersModel } from '../../src/models/dispose.ts';
import { createGenerator, type GeneratorConfig } from '../../src/models/generator.ts';
import {
  createModelInterpolator,
  loadModelInterpolator,
} from '../../src/models/model-interpolator.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const SMALL: GeneratorConfig = { width: 8, levels: 2 };

/** A generator whose weights are seeded noise, so outputs are not a blend. */
function randomGenerator(config: GeneratorConfig): tf.LayersModel {
  const model = createGenerator(config);
  model.setWeights(model.getWeights().map((w, i) =>
    tf.randomNormal(w.shape, 0, 0.2, 'float32', 100 + i)));
  return model;
}

describe('checkpoints', () => {
  const temp = makeTempDir('fruc-checkpoint-');
  let count = 0;
  const fresh = () => join(temp.dir, `ckpt-${count++}`);

  async function saved(config = SMALL): Promise<string> {
    const dir = fresh();
    const model = randomGenerator(config);
    await saveCheckpoint(dir, { generator: model, config, step: 7 });
    disposeLayersModel(model);
    return dir;
  }

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => temp.cleanup());

  it('round trip gives bit-identical interpolation on a real ucf101 triplet', async () => {
    const triplet = join('ucf101-triplets', '1');
    const prev = await readPng(sharedData(triplet, 'frame0.png'));
    const next = await readPng(sharedData(triplet, 'frame2.png'));
    const config: GeneratorConfig = { width: 8, levels: 3 };
    const dir = fresh();
    const original = createModelInterpolator(randomGenerator(config), config, 'x');
    const before = await original.interpolate(prev, next);

    await saveCheckpoint(dir, {
      generator: randomGenerator(config), config, step: 1200, meta: { loss: 'aagan' },
    });
    const restored = await loadModelInterpolator(dir);
    const after = await restored.interpolate(prev, next);

    expect(restored.name).toBe(`model:ckpt-${count - 1}`);
    expect([after.width, after.height]).toEqual([320, 240]);
    expect(Buffer.compare(Buffer.from(after.data), Buffer.from(before.data))).toBe(0);
    const blend = blendFrames(prev, next).data;
    expect(after.data.some((v, i) => Math.abs(v - blend[i]) > 8)).toBe(true);
    original.dispose();
    restored.dispose();
  });

  it('writes checkpoint.json with config, step, time and meta', async () => {
    const dir = fresh();
    const model = createGenerator(SMALL);

    await saveCheckpoint(dir, {
      generator: model, config: SMALL, step: 42, meta: { seed: 3 },
    });

    const info = await readCheckpointInfo(dir);
    expect(info).toMatchObject({
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      modelKind: 'mc-blockmatch-v5',
      generator: SMALL,
      step: 42,
      meta: { seed: 3 },
    });
    expect(Date.parse(info.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(readdirSync(join(dir, 'generator')).sort())
      .toEqual(['.fruc-output', 'model.json', 'weights.bin']);
    disposeLayersModel(model);
  });

  it('loads the stored topology on its own, custom layers included', async () => {
    const dir = await saved();
    const reference = (await loadGeneratorCheckpoint(dir)).model;
    const input = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 5);

    const fromTopology = await loadLayersModel(dir, 'generator');

    const a = reference.predict([input, tf.reverse(input, 2)]) as tf.Tensor;
    const b = fromTopology.predict([input, tf.reverse(input, 2)]) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    disposeLayersModel(reference);
    disposeLayersModel(fromTopology);
  });

  it('lets a trainer add more models to the same folder', async () => {
    const dir = fresh();
    const generator = createGenerator(SMALL);
    const other = createGenerator({ width: 4, levels: 2 });

    await saveCheckpoint(dir, { generator, config: SMALL, step: 1 }, {
      writeExtra: (tempDir) => saveLayersModel(tempDir, 'discriminator', other),
    });

    const loaded = await loadLayersModel(dir, 'discriminator');
    expect(loaded.countParams()).toBe(other.countParams());
    [generator, other, loaded].forEach(disposeLayersModel);
  });

  it('refuses an existing folder unless overwrite, and leaves nothing half-written', async () => {
    const dir = await saved();
    const model = createGenerator(SMALL);

    await expect(saveCheckpoint(dir, { generator: model, config: SMALL, step: 2 }))
      .rejects.toMatchObject({ code: 'FRUC_OUTPUT_EXISTS' });
    const failing = fresh();
    await expect(saveCheckpoint(failing, { generator: model, config: SMALL, step: 2 }, {
      writeExtra: async () => {
        throw new Error('disk full');
      },
    })).rejects.toThrow('disk full');
    await saveCheckpoint(dir, { generator: model, config: SMALL, step: 9 }, { overwrite: true });

    expect(existsSync(failing)).toBe(false);
    expect(readdirSync(temp.dir).filter((n) => n.includes('partial'))).toEqual([]);
    expect((await readCheckpointInfo(dir)).step).toBe(9);
    disposeLayersModel(model);
  });

  describe('errors', () => {
    it('when the folder is missing then FRUC_CHECKPOINT_MISSING', async () => {
      await expect(loadModelInterpolator(join(temp.dir, 'nope')))
        .rejects.toMatchObject({
          code: 'FRUC_CHECKPOINT_MISSING',
          message: expect.stringMatching(/does not exist; check the path/),
        });
    });

    it('when checkpoint.json is missing then FRUC_NOT_A_CHECKPOINT', async () => {
      const dir = await saved();
      rmSync(join(dir, 'checkpoint.json'));

      await expect(loadModelInterpolator(dir)).rejects.toMatchObject({
        code: 'FRUC_NOT_A_CHECKPOINT',
        message: expect.stringMatching(/checkpoint\.json is missing/),
      });
    });

    it('when generator/model.json or weights are missing then FRUC_NOT_A_CHECKPOINT', async () => {
      const noModel = await saved();
      rmSync(join(noModel, 'generator', 'model.json'));
      const noWeights = await saved();
      rmSync(join(noWeights, 'generator', 'weights.bin'));

      await expect(loadModelInterpolator(noModel)).rejects.toMatchObject({
        code: 'FRUC_NOT_A_CHECKPOINT',
        message: expect.stringMatching(/generator\/model\.json is missing/),
      });
      await expect(loadModelInterpolator(noWeights)).rejects.toMatchObject({
        code: 'FRUC_NOT_A_CHECKPOINT',
        message: expect.stringMatching(/generator\/weights\.bin is missing/),
      });
    });

    it('when a JSON file is unreadable then FRUC_CHECKPOINT_UNREADABLE', async () => {
      const badInfo = await saved();
      writeFileSync(join(badInfo, 'checkpoint.json'), '{"formatVersion": 1,');
      const badModel = await saved();
      writeFileSync(join(badModel, 'generator', 'model.json'), 'not json');

      await expect(loadModelInterpolator(badInfo)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_UNREADABLE',
        message: expect.stringMatching(/checkpoint\.json cannot be read/),
      });
      await expect(loadModelInterpolator(badModel)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_UNREADABLE',
        message: expect.stringMatching(/model\.json cannot be read/),
      });
    });

    it('when checkpoint.json has a bad field then FRUC_CHECKPOINT_UNREADABLE', async () => {
      const dir = await saved();
      const path = join(dir, 'checkpoint.json');
      const info = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(path, JSON.stringify({ ...info, generator: { width: 0, levels: 2 } }));

      await expect(loadModelInterpolator(dir)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_UNREADABLE',
        message: expect.stringMatching(/generator\.width/),
      });
    });

    it('when config says width 16 but weights are width 32 then mismatch', async () => {
      const dir = await saved({ width: 32, levels: 2 });
      const path = join(dir, 'checkpoint.json');
      const info = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(path, JSON.stringify({ ...info, generator: { width: 16, levels: 2 } }));
      const before = tf.memory().numTensors;

      await expect(loadModelInterpolator(dir)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_MISMATCH',
        message: expect.stringMatching(/do not fit the model/),
      });
      expect(tf.memory().numTensors).toBe(before);
    });

    it('when the weights file is truncated then FRUC_CHECKPOINT_UNREADABLE', async () => {
      const dir = await saved();
      const weights = join(dir, 'generator', 'weights.bin');
      truncateSync(weights, readFileSync(weights).byteLength - 100);

      await expect(loadModelInterpolator(dir)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_UNREADABLE',
        message: expect.stringMatching(
          /its weights hold \d+ bytes but its manifest needs \d+\); the checkpoint is damaged/),
      });
    });

    it('when the model kind is another then FRUC_CHECKPOINT_MISMATCH says to retrain', async () => {
      const dir = await saved();
      const path = join(dir, 'checkpoint.json');
      const info = JSON.parse(readFileSync(path, 'utf8'));
      writeFileSync(path, JSON.stringify({ ...info, modelKind: 'mc-blockmatch-v2' }));

      await expect(loadModelInterpolator(dir)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_MISMATCH',
        message: expect.stringMatching(new RegExp(
          'model kind mc-blockmatch-v2, but this version of fruc builds ' +
          'mc-blockmatch-v5; retrain it')),
      });
    });

    it('when a few weight bytes change but stay finite then the digest says so', async () => {
      const dir = await saved();
      const weights = join(dir, 'generator', 'weights.bin');
      // The lowest mantissa byte of 20 floats: still finite, still the
      // right size, but no longer the trained model.
      const bytes = readFileSync(weights);
      for (let i = 0; i < 20; i++) {
        bytes[i * 4 * 7] ^= 0x5a;
      }
      writeFileSync(weights, bytes);

      await expect(loadModelInterpolator(dir)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_UNREADABLE',
        message: expect.stringMatching(new RegExp(
          'generator cannot be read \\(its weights do not match the ' +
          'SHA-256 digest in model\\.json\\); the checkpoint is damaged')),
      });
    });

    it('when weights without a digest are garbage then unreadable', async () => {
      const dir = await saved();
      const weights = join(dir, 'generator', 'weights.bin');
      // A checkpoint from before the digest: only the values can tell.
      const modelPath = join(dir, 'generator', 'model.json');
      const { weightsSha256: _, ...model } = JSON.parse(
        readFileSync(modelPath, 'utf8'));
      writeFileSync(modelPath, JSON.stringify(model));
      // Every byte 0xff: each float32 is a NaN.
      const size = readFileSync(weights).byteLength;
      writeFileSync(weights, Buffer.alloc(size, 0xff));
      const before = tf.memory().numTensors;

      await expect(loadModelInterpolator(dir)).rejects.toMatchObject({
        code: 'FRUC_CHECKPOINT_UNREADABLE',
        message: expect.stringMatching(new RegExp(
          'weights\\.bin cannot be read \\(\\S+ holds NaN or infinite ' +
          'values\\); the checkpoint is damaged')),
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
