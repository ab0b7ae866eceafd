import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  aaganDiscriminatorLoss,
  raaganDiscriminatorLoss,
} from '../../src/losses/aagan.ts';
import { fromProbs, pair, valuesOf } from './loss-helpers.ts';

// One image of two one-channel pixels, worked out by hand:
// gt = [0.5, 1.0], out = [0.3, 1.0], D(gt) = [0.2, 0.4], D(out) = [0.5, 0.1].
// |gt - out| = [0.2, 0]; r = 2, w_fake = 1, w_disp = 0.5, w_sel = 1.
function inputs() {
  return {
    gt: pair(0.5, 1.0),
    out: pair(0.3, 1.0),
    dReal: fromProbs(0.2, 0.4),
    dFake: fromProbs(0.5, 0.1),
  };
}
const options = { fake: 1, disp: 0.5, disparity: 2 };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('aaganDiscriminatorLoss', () => {
  it('matches the hand-worked terms', () => {
    // real = (0.2 + 0.4) / 2 = 0.3
    // sel = D(out)*gt + (1 - D(out))*out
    //     = [0.5*0.5 + 0.5*0.3, 0.1*1 + 0.9*1] = [0.4, 1.0]
    // fake = (|0.4 - 0.5| + |1 - 1|) / 2 = 0.05
    // disp = (|0.5 - 2*0.2| + |0.1 - 0|) / 2 = (0.1 + 0.1) / 2 = 0.1
    // L_D = 0.3 + 1*0.05 + 0.5*0.1 = 0.4
    const result = valuesOf(aaganDiscriminatorLoss(inputs(), options));

    expect(result.terms.real).toBeCloseTo(0.3, 6);
    expect(result.terms.fake).toBeCloseTo(0.05, 6);
    expect(result.terms.disp).toBeCloseTo(0.1, 6);
    expect(result.total).toBeCloseTo(0.4, 6);
  });

  it('adds exactly its four result tensors to memory', () => {
    const data = inputs();
    const before = tf.memory().numTensors;

    const result = aaganDiscriminatorLoss(data, options);

    expect(tf.memory().numTensors - before).toBe(4);
    tf.dispose(result);
  });

  it('rejects out of another shape than gt', () => {
    const data = { ...inputs(), out: tf.zeros([1, 1, 3, 1]) as tf.Tensor4D };

    expect(() => aaganDiscriminatorLoss(data, options)).toThrow(
      /out must have gt's shape \[1, 1, 2, 1\], but got \[1, 1, 3, 1\]/,
    );
  });

  it('rejects a discriminator map of the wrong size', () => {
    const data = { ...inputs(), dFake: fromProbs(0.5, 0.5) };
    data.dFake.probs = tf.zeros([1, 2, 2, 1]);

    expect(() => aaganDiscriminatorLoss(data, options)).toThrow(
      expect.objectContaining({ code: 'FRUC_LOSS_INPUT' }),
    );
  });
});

describe('raaganDiscriminatorLoss', () => {
  it('with the mean over rel (default) matches the hand-worked terms', () => {
    // mean D(out) = 0.3; rel = ReLU(1 + [0.2, 0.4] - 0.3) = [0.9, 1.1]
    // real = mean |rel| = 1.0; mean rel = 1.0
    // s = ReLU([0.5, 0.1] - 1.0) = [0, 0]; sel_loss = mean |0 - 1| = 1
    // sel = out, so fake = mean |out - gt| = (0.2 + 0) / 2 = 0.1
    // disp = 0.1 (as for AAGAN)
    // L_D = 1 + 1*0.1 + 1*1 + 0.5*0.1 = 2.15
    const result = valuesOf(
      raaganDiscriminatorLoss(inputs(), { ...options, sel: 1, mean: 'rel' }),
    );

    expect(result.terms.real).toBeCloseTo(1.0, 6);
    expect(result.terms.sel).toBeCloseTo(1.0, 6);
    expect(result.terms.fake).toBeCloseTo(0.1, 6);
    expect(result.terms.disp).toBeCloseTo(0.1, 6);
    expect(result.total).toBeCloseTo(2.15, 6);
  });

  it('with the raw mean of D(gt) matches the hand-worked terms', () => {
    // mean D(gt) = 0.3; s = ReLU([0.5, 0.1] - 0.3) = [0.2, 0]
    // sel_loss = (|0.2 - 1| + |0 - 1|) / 2 = 0.9
    // sel = [0.2*0.5 + 0.8*0.3, 0*1 + 1*1] = [0.34, 1.0]
    // fake = (|0.34 - 0.5| + 0) / 2 = 0.08
    // L_D = 1 + 0.08 + 0.9 + 0.5*0.1 = 2.03
    const result = valuesOf(
      raaganDiscriminatorLoss(inputs(), { ...options, sel: 1, mean: 'raw' }),
    );

    expect(result.terms.real).toBeCloseTo(1.0, 6);
    expect(result.terms.sel).toBeCloseTo(0.9, 6);
    expect(result.terms.fake).toBeCloseTo(0.08, 6);
    expect(result.total).toBeCloseTo(2.03, 6);
  });

  it('broadcasts the one-channel map over three colour channels', () => {
    // Every channel equals the one-channel case, so the means agree.
    const rgb = (t: tf.Tensor4D) => tf.tile(t, [1, 1, 1, 3]) as tf.Tensor4D;
    const data = inputs();
    const wide = { ...data, gt: rgb(data.gt), out: rgb(data.out) };

    const result = valuesOf(
      raaganDiscriminatorLoss(wide, { ...options, sel: 1, mean: 'raw' }),
    );

    expect(result.total).toBeCloseTo(2.03, 6);
  });
});
