import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from '../../src/config/load-config.ts';
import {
  trainConfigSchema,
  type LossConfig,
} from '../../src/config/train-config.ts';
import { LOSS_NAMES } from '../../src/losses/names.ts';
import { createLoss, getLossFactory } from '../../src/losses/registry.ts';
import { fromLogits, fromProbs, pair, valuesOf } from './loss-helpers.ts';

// Conventional losses, worked out by hand on pre-sigmoid maps
// z_r = D(gt) = [0, 2], z_f = D(out) = [-1, 0]; U-Net GAN global logits
// g_r = 1, g_f = -2. Values used: softplus(0) = ln 2 = 0.693147,
// softplus(-2) = 0.126928, softplus(-1) = 0.313262, softplus(1) = 1.313262,
// softplus(2) = 2.126928. gt = [0.5, 1], out = [0.3, 1]; L1 pixel = 0.1.
function lossConfig(patch: Record<string, unknown> = {}): LossConfig {
  const raw = { loss: { pixel: 'l1', weights: { adv: 0.1 }, ...patch } };
  return parseConfig(raw, trainConfigSchema, 'test').loss;
}

function adversarialInputs() {
  return {
    gt: pair(0.5, 1),
    out: pair(0.3, 1),
    dReal: fromLogits(0, 2, 1),
    dFake: fromLogits(-1, 0, -2),
  };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conventional GAN losses', () => {
  const cases: {
    name: string;
    d: Record<string, number>;
    gAdv: Record<string, number>;
  }[] = [
    // D: real = (softplus(0) + softplus(-2)) / 2 = 0.410038
    //    fake = (softplus(-1) + softplus(0)) / 2 = 0.503204
    // G: adv = (softplus(1) + softplus(0)) / 2 = 1.003204
    { name: 'sngan', d: { real: 0.410038, fake: 0.503204 },
      gAdv: { adv: 1.003204 } },
    // D: real = 0.5 * ((0-1)^2 + (2-1)^2) / 2 = 0.5
    //    fake = 0.5 * (1 + 0) / 2 = 0.25
    // G: adv = 0.5 * ((-2)^2 + (-1)^2) / 2 = 1.25
    { name: 'lsgan', d: { real: 0.5, fake: 0.25 }, gAdv: { adv: 1.25 } },
    // D: real = (ReLU(1) + ReLU(-1)) / 2 = 0.5; fake = (0 + 1) / 2 = 0.5
    // G: adv = -(-1 + 0) / 2 = 0.5
    { name: 'hinge', d: { real: 0.5, fake: 0.5 }, gAdv: { adv: 0.5 } },
    // mean z_r = 1, mean z_f = -0.5
    // D: real = 0.5 * mean([0 + 0.5 - 1, 2 + 0.5 - 1]^2)
    //         = 0.5 * (0.25 + 2.25) / 2 = 0.625
    //    fake = 0.5 * mean([-1 - 1 + 1, 0 - 1 + 1]^2) = 0.5 * 0.5 = 0.25
    // G: 0.5 * mean([-1 - 1 - 1, 0 - 1 - 1]^2) = 0.5 * 6.5 = 3.25
    //  + 0.5 * mean([0 + 0.5 + 1, 2 + 0.5 + 1]^2) = 0.5 * 7.25 = 3.625
    { name: 'ralsgan', d: { real: 0.625, fake: 0.25 },
      gAdv: { adv: 6.875 } },
    // D: encReal = softplus(-1) = 0.313262, encFake = softplus(-2) =
    //    0.126928, decReal = 0.410038, decFake = 0.503204
    // G: advEnc = softplus(2) = 2.126928, advDec = 1.003204
    { name: 'unetgan',
      d: { encReal: 0.313262, encFake: 0.126928, decReal: 0.410038,
        decFake: 0.503204 },
      gAdv: { advEnc: 2.126928, advDec: 1.003204 } },
  ];

  for (const { name, d, gAdv } of cases) {
    it(`${name} matches the hand-worked D and G terms`, () => {
      const loss = createLoss(lossConfig({ name }));
      const data = adversarialInputs();

      const dResult = valuesOf(loss.discriminatorLoss!(data));
      const gResult = valuesOf(loss.generatorLoss(data));

      const dSum = Object.values(d).reduce((a, b) => a + b, 0);
      const advSum = Object.values(gAdv).reduce((a, b) => a + b, 0);
      expect(Object.keys(dResult.terms).sort()).toEqual(Object.keys(d).sort());
      for (const [key, value] of Object.entries(d)) {
        expect(dResult.terms[key]).toBeCloseTo(value, 5);
      }
      expect(dResult.total).toBeCloseTo(dSum, 5);
      for (const [key, value] of Object.entries(gAdv)) {
        expect(gResult.terms[key]).toBeCloseTo(value, 5);
      }
      expect(gResult.terms.pixel).toBeCloseTo(0.1, 6);
      // L_G = pixel + w_adv * adv, w_adv = 0.1
      expect(gResult.total).toBeCloseTo(0.1 + 0.1 * advSum, 5);
    });
  }
});

describe('createLoss', () => {
  it('aagan generator loss is pixel + w_adv * mean |D(out)|', () => {
    // mean |D(out)| = (0.5 + 0.1) / 2 = 0.3; L_G = 0.1 + 0.1 * 0.3 = 0.13
    const loss = createLoss(lossConfig({ name: 'aagan' }));
    const data = { gt: pair(0.5, 1), out: pair(0.3, 1),
      dFake: fromProbs(0.5, 0.1) };

    const result = valuesOf(loss.generatorLoss(data));

    expect(result.terms).toEqual({
      pixel: expect.closeTo(0.1, 6),
      adv: expect.closeTo(0.3, 6),
    });
    expect(result.total).toBeCloseTo(0.13, 6);
  });

  it('aagan and raagan read their weights from the config', () => {
    // As in aagan.test.ts: with r = 2, w_fake = 1, w_disp = 0.5,
    // L_D(aagan) = 0.4 and L_D(raagan, raw mean) = 2.03.
    const patch = { disparity: 2, weights: { fake: 1, disp: 0.5, sel: 1 } };
    const data = { gt: pair(0.5, 1), out: pair(0.3, 1),
      dReal: fromProbs(0.2, 0.4), dFake: fromProbs(0.5, 0.1) };

    const aagan = createLoss(lossConfig({ name: 'aagan', ...patch }));
    const raagan = createLoss(
      lossConfig({ name: 'raagan', raaganMean: 'raw', ...patch }),
    );

    expect(valuesOf(aagan.discriminatorLoss!(data)).total).toBeCloseTo(0.4, 6);
    expect(valuesOf(raagan.discriminatorLoss!(data)).total)
      .toBeCloseTo(2.03, 6);
  });

  it('pixel has no discriminator and returns the pixel term only', () => {
    const loss = createLoss(lossConfig({ name: 'pixel' }));

    const result = valuesOf(loss.generatorLoss({ gt: pair(0.5, 1),
      out: pair(0.3, 1) }));

    expect(loss.adversarial).toBe(false);
    expect(loss.discriminatorLoss).toBeUndefined();
    expect(result).toEqual({ total: expect.closeTo(0.1, 6),
      terms: { pixel: expect.closeTo(0.1, 6) } });
  });

  it('every loss keeps the tensor count flat after disposal', () => {
    for (const name of LOSS_NAMES) {
      const loss = createLoss(lossConfig({ name }));
      const data = adversarialInputs();
      const before = tf.memory().numTensors;

      tf.dispose(loss.generatorLoss(data));
      if (loss.discriminatorLoss) {
        tf.dispose(loss.discriminatorLoss(data));
      }

      expect(tf.memory().numTensors, name).toBe(before);
    }
  });

  it('an adversarial generator loss without dFake is an error', () => {
    const loss = createLoss(lossConfig({ name: 'hinge' }));

    expect(() => loss.generatorLoss({ gt: pair(0, 0), out: pair(0, 0) }))
      .toThrow(/hinge\.generatorLoss: dFake is required by this loss/);
  });

  it('ralsgan needs dReal in the generator loss', () => {
    const loss = createLoss(lossConfig({ name: 'ralsgan' }));
    const { gt, out, dFake } = adversarialInputs();

    expect(loss.needsRealInGenerator).toBe(true);
    expect(() => loss.generatorLoss({ gt, out, dFake }))
      .toThrow(/dReal is required/);
  });

  it('unetgan rejects a discriminator without its global head', () => {
    const loss = createLoss(lossConfig({ name: 'unetgan' }));
    const data = { ...adversarialInputs(), dFake: fromLogits(-1, 0) };

    expect(loss.needsGlobalHead).toBe(true);
    expect(() => loss.discriminatorLoss!(data)).toThrow(
      /dFake\.globalLogit must be \[1, 1\], but got none/,
    );
  });
});

describe('getLossFactory', () => {
  it('knows every name in LOSS_NAMES', () => {
    for (const name of LOSS_NAMES) {
      expect(getLossFactory(name)(lossConfig()).name).toBe(name);
    }
  });

  it('suggests the nearest name for a typo', () => {
    expect(() => getLossFactory('ragan')).toThrow(
      'unknown loss "ragan"; did you mean "aagan"? valid losses: pixel, ' +
        'aagan, raagan, sngan, lsgan, hinge, ralsgan, unetgan.',
    );
  });

  it('lists the valid names without a suggestion when nothing is close', () => {
    expect(() => getLossFactory('wasserstein-gp')).toThrow(
      expect.objectContaining({
        code: 'FRUC_UNKNOWN_LOSS',
        message: expect.stringMatching(/^unknown loss "wasserstein-gp"; valid/),
      }),
    );
  });
});
