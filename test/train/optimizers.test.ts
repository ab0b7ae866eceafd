import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend } from '../../src/backend/select-backend.ts';
import {
  createAdam,
  getLearningRate,
  loadOptimizerState,
  saveOptimizerState,
  setLearningRate,
} from '../../src/train/optimizers.ts';
import { makeTempDir } from '../helpers/paths.ts';

const temp = makeTempDir('fruc-optim-');
const settings = { learningRate: 0.05, beta1: 0.5, beta2: 0.999 };
const target = tf.tensor1d([0.3, -1.2, 2.5, 0.01]);

beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() => temp.cleanup());

function steps(
  optimizer: tf.AdamOptimizer,
  variable: tf.Variable,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    optimizer.minimize(
      () => tf.sum(tf.square(tf.sub(variable, target))), false, [variable]);
  }
}

describe('optimizer state', () => {
  it('when saved and restored then training continues bit for bit',
    async () => {
      const straight = tf.variable(tf.zeros([4]));
      const straightOpt = createAdam(settings);
      steps(straightOpt, straight, 304);
      const resumed = tf.variable(tf.zeros([4]));
      const firstOpt = createAdam(settings);
      steps(firstOpt, resumed, 300);

      await saveOptimizerState(firstOpt, temp.dir, 'adam');
      firstOpt.dispose();
      const secondOpt = createAdam(settings);
      await loadOptimizerState(secondOpt, temp.dir, 'adam');
      steps(secondOpt, resumed, 4);

      expect(Array.from(resumed.dataSync()))
        .toEqual(Array.from(straight.dataSync()));
      expect(secondOpt.iterations).toBe(304);
      tf.dispose([straight, resumed]);
      straightOpt.dispose();
      secondOpt.dispose();
    });

  it('changes the learning rate of the next step only', () => {
    const variable = tf.variable(tf.zeros([4]));
    const optimizer = createAdam(settings);
    steps(optimizer, variable, 1);
    const before = Array.from(variable.dataSync());

    setLearningRate(optimizer, 0);
    steps(optimizer, variable, 2);

    expect(getLearningRate(optimizer)).toBe(0);
    expect(Array.from(variable.dataSync())).toEqual(before);
    variable.dispose();
    optimizer.dispose();
  });
});
