import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { parseConfig } from '../../src/config/load-config.ts';
import { trainConfigSchema } from '../../src/config/train-config.ts';
import { LOSS_NAMES } from '../../src/losses/names.ts';
import { createLoss } from '../../src/losses/registry.ts';
import type { TrainingLoss } from '../../src/losses/types.ts';
import {
  createDiscriminator,
  discriminatorInput,
  type Discriminator,
} from '../../src/models/discriminator.ts';
import { stopGradient } from '../../src/models/layers/spectral-norm.ts';

// A one-layer generator stands in for the real one: what is under test is
// which variables each step's loss reaches, not the generator.
function createTinyGenerator(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 6] });
  const output = tf.layers.conv2d({
    filters: 3, kernelSize: 3, padding: 'same', activation: 'sigmoid',
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    name: 'tiny_gen_conv',
  }).apply(input) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

const prev = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
const next = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
const gt = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
const pairInput = () => tf.concat([prev, next], 3);

function lossFor(name: string, adv = 0.01): TrainingLoss {
  const raw = { loss: { name, weights: { adv } } };
  return createLoss(parseConfig(raw, trainConfigSchema, 'test').loss);
}

function namesOf(vars: tf.Variable[]): string[] {
  return vars.map((v) => v.name).sort();
}

/** The discriminator step: D's loss, `out` made by the caller. */
function discriminatorObjective(
  loss: TrainingLoss,
  disc: Discriminator,
  out: tf.Tensor4D,
): tf.Scalar {
  const judge = (x: tf.Tensor4D) =>
    disc.judge(discriminatorInput(x, prev, next, 9), true);
  const terms = loss.discriminatorLoss!({
    gt, out, dReal: judge(gt), dFake: judge(out),
  });
  return terms.total;
}

/** The generator step: L_G through a frozen-in-place D. */
function generatorObjective(
  loss: TrainingLoss,
  disc: Discriminator,
  gen: tf.LayersModel,
): tf.Scalar {
  const out = gen.apply(pairInput()) as tf.Tensor4D;
  const judge = (x: tf.Tensor4D) =>
    disc.judge(discriminatorInput(x, prev, next, 9), false);
  const dReal = loss.needsRealInGenerator ? judge(gt) : undefined;
  return loss.generatorLoss({ gt, out, dFake: judge(out), dReal }).total;
}

function maxAbs(t: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0]);
}

const models: { dispose(): void }[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  models.splice(0).forEach((m) => m.dispose());
});

describe('gradient flow of each training step', () => {
  for (const name of LOSS_NAMES.filter((n) => n !== 'pixel')) {
    it(`${name}: the D step reaches every D weight and no G weight`, () => {
      const loss = lossFor(name);
      const gen = createTinyGenerator();
      const disc = createDiscriminator({ width: 4, depth: 2,
        inputChannels: 9, globalHead: loss.needsGlobalHead, seed: 1 });
      models.push(gen, disc);
      const genNames = gen.trainableWeights.map((w) => w.name);
      const out = tf.tidy(() => gen.predict(pairInput()) as tf.Tensor4D);

      const { grads } = tf.variableGrads(
        () => discriminatorObjective(loss, disc, out),
      );

      expect(Object.keys(grads).sort())
        .toEqual(namesOf(disc.trainableVariables()));
      expect(Object.keys(grads).filter((k) => genNames.includes(k)))
        .toEqual([]);
      // Biases may get exactly zero: hinge's real and fake bias gradients
      // cancel at initialisation, and RaLSGAN's differences ignore the
      // last bias. Kernels must all get some gradient.
      const kernels = Object.keys(grads).filter((k) => k.includes('kernel'));
      expect(kernels.length).toBeGreaterThan(0);
      for (const key of kernels) {
        expect(maxAbs(grads[key]), key).toBeGreaterThan(0);
      }
      tf.dispose([out, grads]);
    });

    it(`${name}: the G step reaches G through D, and only G`, () => {
      const gen = createTinyGenerator();
      const disc = createDiscriminator({ width: 4, depth: 2,
        inputChannels: 9, globalHead: lossFor(name).needsGlobalHead,
        seed: 1 });
      models.push(gen, disc);
      const genVars = gen.trainableWeights.map((w) => w.read() as tf.Variable);

      const withAdv = tf.variableGrads(
        () => generatorObjective(lossFor(name, 1), disc, gen), genVars);
      const pixelOnly = tf.variableGrads(
        () => generatorObjective(lossFor(name, 0), disc, gen), genVars);

      expect(Object.keys(withAdv.grads).sort()).toEqual(namesOf(genVars));
      // The adversarial term changes G's gradient: it flows through D.
      const kernel = genVars[0].name;
      const change = tf.sub(withAdv.grads[kernel], pixelOnly.grads[kernel]);
      expect(maxAbs(change)).toBeGreaterThan(1e-6);
      tf.dispose([withAdv, pixelOnly, change]);
    });
  }

  it('when out is made in the D step, G gets gradients unless stopped', () => {
    const loss = lossFor('aagan');
    const gen = createTinyGenerator();
    const disc = createDiscriminator({ width: 4, depth: 2, inputChannels: 9 });
    models.push(gen, disc);
    const genNames = gen.trainableWeights.map((w) => w.name);
    const makeOut = () => gen.apply(pairInput()) as tf.Tensor4D;

    const leaking = tf.variableGrads(
      () => discriminatorObjective(loss, disc, makeOut()));
    const stopped = tf.variableGrads(
      () => discriminatorObjective(loss, disc, stopGradient(makeOut())));

    const leaked = genNames.map((n) => maxAbs(leaking.grads[n]));
    const blocked = genNames.map((n) => maxAbs(stopped.grads[n]));
    expect(Math.max(...leaked)).toBeGreaterThan(0);
    expect(blocked).toEqual(genNames.map(() => 0));
    tf.dispose([leaking, stopped]);
  });
});
