import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { cropFrame, type Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { disposeLayersModel } from '../../src/models/dispose.ts';
import {
  createGenerator,
  DEFAULT_GENERATOR_CONFIG,
  sizeMultiple,
  validateGeneratorConfig,
} from '../../src/models/generator.ts';
import { sharedData } from '../helpers/paths.ts';

const SIZE = 32;

function toTensor(frame: Frame): tf.Tensor4D {
  return tf.tidy(() =>
    tf.div(
      tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'float32'),
      255,
    ),
  ) as tf.Tensor4D;
}

/** A real 32x32 UCF101 triplet crop: previous, middle, next. */
async function realTriplet(): Promise<tf.Tensor4D[]> {
  const names = ['frame0.png', 'frame1.png', 'frame2.png'];
  const frames = await Promise.all(
    names.map((n) => readPng(sharedData('ucf101-triplets', '10', n))),
  );
  return frames.map((f) => toTensor(cropFrame(f, 150, 100, SIZE, SIZE)));
}

describe('createGenerator', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has fewer than 1M parameters by default', () => {
    const model = createGenerator();

    expect(model.countParams()).toBeGreaterThan(20_000);
    expect(model.countParams()).toBeLessThan(1_000_000);
    expect(model.inputs.map((i) => i.shape)).toEqual([
      [null, null, null, 3],
      [null, null, null, 3],
    ]);
    disposeLayersModel(model);
  });

  it('grows with width and depth', () => {
    const small = createGenerator({ width: 8, levels: 3 });
    const deep = createGenerator({ width: 8, levels: 4 });
    const wide = createGenerator(DEFAULT_GENERATOR_CONFIG);

    expect(deep.countParams()).toBeGreaterThan(small.countParams());
    expect(wide.countParams()).toBeGreaterThan(small.countParams());
    [small, deep, wide].forEach(disposeLayersModel);
  });

  it('frees every weight, shared encoder included', () => {
    const before = tf.memory().numTensors;
    const model = createGenerator();

    disposeLayersModel(model);

    expect(tf.memory().numTensors).toBe(before);
  });

  it('needs sizes that are multiples of 2 ** levels', () => {
    expect(sizeMultiple({ width: 16, levels: 3 })).toBe(8);
    expect(sizeMultiple({ width: 16, levels: 5 })).toBe(32);
  });

  it('when untrained then returns a real still frame unchanged', async () => {
    // The bilateral cost of a still pair is the same for moves D and -D,
    // so the matched flow is zero; the zero heads add nothing to it.
    const [frame] = await realTriplet();
    const model = createGenerator({ width: 8, levels: 3 });

    const middle = model.predict([frame, frame]) as tf.Tensor4D;

    expect(middle.shape).toEqual([1, SIZE, SIZE, 3]);
    const diff = tf.max(tf.abs(tf.sub(middle, frame))).dataSync()[0];
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([frame, middle]);
    disposeLayersModel(model);
  });

  it('when untrained then moves pixels of a real moving pair', async () => {
    const [prev, , next] = await realTriplet();
    const model = createGenerator({ width: 8, levels: 3 });

    const middle = model.predict([prev, next]) as tf.Tensor4D;

    const blend = tf.div(tf.add(prev, next), 2);
    const diff = tf.max(tf.abs(tf.sub(middle, blend))).dataSync()[0];
    expect(diff).toBeGreaterThan(0.01);
    tf.dispose([prev, next, middle, blend]);
    disposeLayersModel(model);
  });

  it('keeps its output in [0, 1] with random weights', async () => {
    const [prev, , next] = await realTriplet();
    const model = createGenerator({ width: 8, levels: 2 });
    model.setWeights(model.getWeights().map((w, i) =>
      tf.randomNormal(w.shape, 0, 0.5, 'float32', i)));

    const middle = model.predict([prev, next]) as tf.Tensor4D;

    expect(tf.min(middle).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(middle).dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose([prev, next, middle]);
    disposeLayersModel(model);
  });

  it('passes pixel-loss gradients through the warps to the flow head', async () => {
    const [prev, gt, next] = await realTriplet();
    const model = createGenerator({ width: 8, levels: 3 });

    const { value, grads } = tf.variableGrads(() => {
      const middle = model.apply([prev, next]) as tf.Tensor4D;
      return tf.mean(tf.abs(tf.sub(middle, gt))) as tf.Scalar;
    });

    const norm = (name: string) => {
      const key = Object.keys(grads).find((k) => k.startsWith(`${name}/kernel`));
      expect(key, name).toBeDefined();
      return tf.norm(grads[key as string]).dataSync()[0];
    };
    expect(value.dataSync()[0]).toBeGreaterThan(0);
    // Through both propagation passes and every refinement warp.
    expect(norm('est3_head')).toBeGreaterThan(0);
    tf.dispose([prev, gt, next, value, ...Object.values(grads)]);
    disposeLayersModel(model);
  });

  it('rejects a config out of range', () => {
    expect(() => validateGeneratorConfig({ width: 3, levels: 3 })).toThrow(
      expect.objectContaining({ code: 'FRUC_GENERATOR_CONFIG' }),
    );
    expect(() => createGenerator({ width: 16, levels: 6 })).toThrow(
      /levels must be an integer in \[2, 5\], but got 6/,
    );
    expect(() => createGenerator({ width: 12.5, levels: 3 })).toThrow(
      /width must be an integer/,
    );
  });
});
