import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { cropFrame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import {
  BilateralCost,
  displacements,
  SoftFlow,
} from '../../src/models/layers/cost-volume.ts';
import { sharedData } from '../helpers/paths.ts';

const SIZE = 40;

/** A crop of a real Middlebury frame, offset by (dx, dy), in [0, 1]. */
async function realCrop(dx: number, dy: number): Promise<tf.Tensor4D> {
  const frame = await readPng(
    sharedData('middlebury-others', 'input', 'RubberWhale', 'frame10.png'));
  const crop = cropFrame(frame, 160 + dx, 100 + dy, SIZE, SIZE);
  return tf.tidy(() => tf.div(
    tf.tensor4d(crop.data, [1, SIZE, SIZE, 3], 'float32'), 255)) as tf.Tensor4D;
}

/** Index of move (dx, dy) in the channels of a radius-`r` volume. */
function moveIndex(radius: number, dx: number, dy: number): number {
  return displacements(radius).findIndex(([x, y]) => x === dx && y === dy);
}

describe('cost volume', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('lists (2r + 1)^2 moves, dy outer and dx inner', () => {
    const table = displacements(1);

    expect(table).toHaveLength(9);
    expect(table[0]).toEqual([-1, -1]);
    expect(table[1]).toEqual([0, -1]);
    expect(table[4]).toEqual([0, 0]);
    expect(table[8]).toEqual([1, 1]);
  });

  it.each([
    ['an even', -4, 2],
    ['an odd', 3, -1],
  ])('peaks at %s move that links a real shifted pair', async (_, dx, dy) => {
    // The content moves by D from prev to next: next(p + D) = prev(p).
    const [fx, fy] = [Math.floor(dx / 2), Math.floor(dy / 2)];
    const prev = await realCrop(fx, fy);
    const next = await realCrop(fx - dx, fy - dy);
    const layer = new BilateralCost({
      name: 'cost', radius: 4, normWindow: 7, aggregate: 9,
    });

    const cost = layer.apply([prev, next]) as tf.Tensor4D;

    expect(cost.shape).toEqual([1, SIZE, SIZE, 81]);
    const inner = cost.slice([0, 10, 10, 0], [1, SIZE - 20, SIZE - 20, 81]);
    const right = moveIndex(4, dx, dy);
    const best = tf.argMax(inner, -1).dataSync();
    expect(best.filter((index) => index === right).length / best.length)
      .toBeGreaterThan(0.95);
    const means = tf.mean(inner, [0, 1, 2]).arraySync() as number[];
    const others = means.filter((_, index) => index !== right);
    expect(means[right]).toBeGreaterThan(Math.max(...others) + 0.05);
    tf.dispose([prev, next, cost, inner]);
  });

  it('turns a peaked cost into half its move, a flat one into zero', () => {
    const layer = new SoftFlow({ name: 'soft', radius: 2 });
    const peaked = tf.oneHot([moveIndex(2, -2, 1), 12], 25)
      .reshape([1, 1, 2, 25]);

    const flow = layer.apply(tf.mul(peaked, 2)) as tf.Tensor4D;

    const [x0, y0, x1, y1] = flow.dataSync();
    expect(x0).toBeCloseTo(-1, 3);
    expect(y0).toBeCloseTo(0.5, 3);
    expect(x1).toBeCloseTo(0, 5);
    expect(y1).toBeCloseTo(0, 5);
    expect(layer.countParams()).toBe(1);
    tf.dispose([peaked, flow]);
  });

  it('passes gradients to both frames and the sharpness', async () => {
    const prev = tf.variable(await realCrop(-1, 0));
    const next = tf.variable(await realCrop(1, 0));
    const cost = new BilateralCost({
      name: 'cost_g', radius: 2, normWindow: 5, aggregate: 5,
    });
    const soft = new SoftFlow({ name: 'soft_g', radius: 2 });
    soft.build();

    const { grads } = tf.variableGrads(() => {
      const flow = soft.apply(cost.apply([prev, next])) as tf.Tensor4D;
      return tf.sum(tf.square(tf.sub(flow, [0.5, 0.25]))) as tf.Scalar;
    });

    const names = Object.keys(grads);
    expect(names).toHaveLength(3);
    expect(names.some((n) => n.includes('log_sharpness'))).toBe(true);
    for (const name of names) {
      expect(tf.norm(grads[name]).dataSync()[0], name).toBeGreaterThan(0);
    }
    tf.dispose([prev, next, ...Object.values(grads)]);
  });
});
