import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { randomBatch } from '../../src/bench/train-bench.ts';
import { loadTrainConfig } from '../../src/config/train-config.ts';
import { SignalChannel, SLOT } from '../../src/train/parallel-shared.ts';
import { createParallelTrainStep } from '../../src/train/parallel-step.ts';
import {
  checkTrainConfig,
  createTrainParts,
  type TrainParts,
} from '../../src/train/train-setup.ts';
import { createTrainStep } from '../../src/train/train-step.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const config = {
  ...loadTrainConfig(`${REPO_ROOT}/configs/aagan.json`),
  cropSize: 16,
  batchSize: 4,
};

/** Parts whose weights are copied from `from` (the discriminator's u too). */
function partsLike(from?: TrainParts): TrainParts {
  const parts = createTrainParts(config, checkTrainConfig(config));
  if (from) {
    parts.generator.setWeights(from.generator.getWeights());
    parts.discriminator?.model.setWeights(
      from.discriminator?.model.getWeights() ?? []);
  }
  return parts;
}

function weightsOf(parts: TrainParts): Float32Array[] {
  return [
    ...parts.generator.getWeights(),
    ...(parts.discriminator?.model.getWeights() ?? []),
  ].map((w) => w.dataSync() as Float32Array);
}

describe('createParallelTrainStep', () => {
  it('matches a one-thread step on the same weights and batch', async () => {
    await tf.setBackend('wasm');
    const batch = randomBatch(4, 16);
    const plainParts = partsLike();
    const parallelParts = partsLike(plainParts);
    const plain = createTrainStep(plainParts);
    const parallel = await createParallelTrainStep(parallelParts, { config });

    const results = [];
    for (let i = 0; i < 2; i++) {
      results.push([
        plain(batch, { adversarial: true }),
        parallel.step(batch, { adversarial: true }),
      ]);
    }
    const pixelOnly = parallel.step(batch, { adversarial: false });
    plain(batch, { adversarial: false });
    await parallel.dispose();

    for (const [a, b] of results) {
      expect(Object.keys(b.losses).sort()).toEqual(
        Object.keys(a.losses).sort());
      for (const name of Object.keys(a.losses)) {
        expect(b.losses[name]).toBeCloseTo(a.losses[name], 4);
      }
    }
    expect(Object.keys(pixelOnly.losses)).not.toContain('d_total');
    const expected = weightsOf(plainParts);
    const actual = weightsOf(parallelParts);
    let maxDiff = 0;
    expected.forEach((values, k) => values.forEach((v, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - actual[k][i]));
    }));
    expect(maxDiff).toBeLessThan(1e-4);
    // Training moved the weights, so the comparison was not vacuous.
    expect(weightsOf(partsLike())[0]).not.toEqual(expected[0]);
    tf.dispose([batch.prev, batch.middle, batch.next]);
    plainParts.dispose();
    parallelParts.dispose();
  }, 120_000);

  it('gives bit-identical results on a rerun from the same state', async () => {
    await tf.setBackend('wasm');
    const batch = randomBatch(3, 16);
    const base = partsLike();
    const runs = [];
    for (let r = 0; r < 2; r++) {
      const parts = partsLike(base);
      const parallel = await createParallelTrainStep(parts, { config });
      const losses = parallel.step(batch, { adversarial: true }).losses;
      await parallel.dispose();
      runs.push({ losses, weights: weightsOf(parts) });
      parts.dispose();
    }
    expect(runs[1].losses).toEqual(runs[0].losses);
    expect(runs[1].weights).toEqual(runs[0].weights);
    tf.dispose([batch.prev, batch.middle, batch.next]);
    base.dispose();
  }, 120_000);
});

describe('SignalChannel', () => {
  it('throws when the other side sends nothing in time', () => {
    const control = new Int32Array(new SharedArrayBuffer(32));
    expect(() => new SignalChannel(control, 50).receive(SLOT.toMain))
      .toThrow(/sent nothing for 50 ms/);
  });

  it('throws when the worker reported a failure', () => {
    const control = new Int32Array(new SharedArrayBuffer(32));
    Atomics.store(control, SLOT.failed, 1);
    expect(() => new SignalChannel(control, 5000).receive(SLOT.toMain))
      .toThrow(/training worker failed/);
  });

  it('returns once per send', () => {
    const control = new Int32Array(new SharedArrayBuffer(32));
    const sender = new SignalChannel(control, 50);
    const receiver = new SignalChannel(control, 50);
    sender.send(SLOT.toWorker);
    receiver.receive(SLOT.toWorker);
    expect(() => receiver.receive(SLOT.toWorker)).toThrow(/sent nothing/);
  });
});
