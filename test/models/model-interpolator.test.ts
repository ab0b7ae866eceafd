import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { cropFrame, type Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { blendFrames } from '../../src/models/baselines.ts';
import { createGenerator, type GeneratorConfig } from '../../src/models/generator.ts';
import { createModelInterpolator } from '../../src/models/model-interpolator.ts';
import { sharedData } from '../helpers/paths.ts';

const CONFIG: GeneratorConfig = { width: 8, levels: 3 };

/** A 101x67 crop (odd size, not a multiple of 8) of two DAVIS frames. */
async function oddPair(): Promise<[Frame, Frame]> {
  const read = async (name: string) =>
    cropFrame(
      await readPng(sharedData('frames', 'davis-selfie-960x507', name)),
      400,
      200,
      101,
      67,
    );
  return [await read('010.png'), await read('011.png')];
}

describe('createModelInterpolator', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('pads an odd-sized pair and crops the middle frame back', async () => {
    const [prev] = await oddPair();
    const interpolator = createModelInterpolator(
      createGenerator(CONFIG), CONFIG, 'model:test');

    const middle = await interpolator.interpolate(prev, prev);

    expect(interpolator.name).toBe('model:test');
    expect([middle.width, middle.height]).toEqual([101, 67]);
    expect(middle.data.length).toBe(101 * 67 * 3);
    // Untrained, the generator returns a still frame as it is (the
    // padding cropped off where it was added); rounding may differ by 1.
    let worst = 0;
    for (let i = 0; i < prev.data.length; i++) {
      worst = Math.max(worst, Math.abs(middle.data[i] - prev.data[i]));
    }
    expect(worst).toBeLessThanOrEqual(1);
    interpolator.dispose();
  });

  it('pads by replicating edge pixels, as a tf reference does', async () => {
    const [prev, next] = await oddPair();
    const model = createGenerator(CONFIG);
    model.setWeights(model.getWeights().map((w, i) =>
      tf.randomNormal(w.shape, 0, 0.2, 'float32', 40 + i)));
    const interpolator = createModelInterpolator(model, CONFIG, 'random');

    const middle = await interpolator.interpolate(prev, next);

    // Reference: 101x67 grows to 104x72 by tiling the last column and row.
    const padded = (frame: Frame) => tf.tidy(() => {
      const x = tf.div(tf.tensor4d(frame.data, [1, 67, 101, 3], 'float32'), 255);
      const lastColumn = tf.slice(x, [0, 0, 100, 0], [1, 67, 1, 3]);
      const wide = tf.concat([x, tf.tile(lastColumn, [1, 1, 3, 1])], 2);
      const lastRow = tf.slice(wide, [0, 66, 0, 0], [1, 1, 104, 3]);
      return tf.concat([wide, tf.tile(lastRow, [1, 5, 1, 1])], 1);
    });
    const expected = tf.tidy(() => {
      const out = model.predict([padded(prev), padded(next)]) as tf.Tensor4D;
      return tf.round(tf.mul(tf.slice(out, [0, 0, 0, 0], [1, 67, 101, 3]), 255));
    });
    const reference = expected.dataSync();
    let worst = 0;
    let moved = 0;
    const blend = blendFrames(prev, next).data;
    for (let i = 0; i < reference.length; i++) {
      worst = Math.max(worst, Math.abs(middle.data[i] - reference[i]));
      moved = Math.max(moved, Math.abs(middle.data[i] - blend[i]));
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(moved).toBeGreaterThan(8);
    expected.dispose();
    interpolator.dispose();
  });

  it('leaves no tensors behind after interpolating and disposing', async () => {
    const [prev, next] = await oddPair();
    const before = tf.memory().numTensors;
    const interpolator = createModelInterpolator(
      createGenerator(CONFIG), CONFIG, 'model:test');
    const withModel = tf.memory().numTensors;

    await interpolator.interpolate(prev, next);
    const afterCall = tf.memory().numTensors;
    interpolator.dispose();

    expect(afterCall).toBe(withModel);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects frames of different sizes', async () => {
    const [prev, next] = await oddPair();
    const interpolator = createModelInterpolator(
      createGenerator(CONFIG), CONFIG, 'model:test');

    await expect(interpolator.interpolate(prev, cropFrame(next, 0, 0, 100, 67)))
      .rejects.toThrow(/same size, but got 101x67 and 100x67/);
    interpolator.dispose();
  });
});
