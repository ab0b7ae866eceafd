import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseConfig } from '../../src/config/load-config.ts';
import {
  loadTrainConfig,
  resolveLearningRates,
  trainConfigSchema,
} from '../../src/config/train-config.ts';
import { LOSS_NAMES } from '../../src/losses/names.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const CONFIG_DIR = join(REPO_ROOT, 'configs');

function parse(raw: unknown) {
  return parseConfig(raw, trainConfigSchema, 'inline');
}

describe('configs/', () => {
  it('holds one config per loss', () => {
    const files = readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.json'));

    expect(files.sort()).toEqual(LOSS_NAMES.map((n) => `${n}.json`).sort());
  });

  for (const name of LOSS_NAMES) {
    it(`${name}.json is valid and names its own loss`, () => {
      const config = loadTrainConfig(join(CONFIG_DIR, `${name}.json`));

      expect(config.loss.name).toBe(name);
      expect(config.cropSize % 2 ** config.discriminator.depth).toBe(0);
    });
  }

  it('the adversarial configs differ only in the loss section', () => {
    const strip = (name: string) => {
      const { loss: _loss, ...rest } = loadTrainConfig(
        join(CONFIG_DIR, `${name}.json`),
      );
      return rest;
    };
    const reference = strip('aagan');

    for (const name of LOSS_NAMES.filter((n) => n !== 'pixel')) {
      expect(strip(name), name).toEqual(reference);
    }
  });
});

describe('trainConfigSchema', () => {
  it('gives the documented defaults for an empty config', () => {
    const config = parse({});

    expect(config.loss).toEqual({
      name: 'aagan', pixel: 'charbonnier', charbonnierEps: 1e-3,
      weights: { adv: 5e-3, fake: 1, disp: 1, sel: 1 },
      disparity: 1, raaganMean: 'rel',
    });
    expect(config.discriminator).toEqual({ width: 32, depth: 3,
      inputChannels: 9 });
    expect(config.schedule).toEqual({ kind: 'constant' });
    expect(resolveLearningRates(config.optim)).toEqual({ lrG: 1e-4,
      lrD: 1e-4 });
  });

  it('resolves lrD from the ratio or takes it as given', () => {
    const ratio = parse({ optim: { lrG: 2e-4, lrRatio: 4 } }).optim;
    const direct = parse({ optim: { lrD: 3e-4 } }).optim;

    expect(resolveLearningRates(ratio).lrD).toBeCloseTo(8e-4, 12);
    expect(resolveLearningRates(direct)).toEqual({ lrG: 1e-4, lrD: 3e-4 });
  });

  it('fills the defaults of the chosen schedule kind', () => {
    const config = parse({ schedule: { kind: 'plateau' } });

    expect(config.schedule).toEqual({ kind: 'plateau', patience: 3,
      factor: 0.5, threshold: 0.01, minLr: 1e-7 });
  });

  const invalid: [string, unknown, RegExp][] = [
    ['an unknown loss', { loss: { name: 'wgan' } },
      /loss\.name: Invalid option: expected one of "pixel"\|/],
    ['inputChannels other than 3 or 9', { discriminator: { inputChannels: 6 } },
      /discriminator\.inputChannels: .*expected one of 3\|9 \(got 6\)/],
    ['both lrD and lrRatio', { optim: { lrD: 1e-4, lrRatio: 2 } },
      /optim: give lrD or lrRatio, not both/],
    ['a crop that is not a multiple of 2^depth', { cropSize: 60 },
      /cropSize: must be a multiple of 2\^discriminator\.depth = 8 \(got 60\)/],
    ['more warm-up steps than steps', { steps: 10, warmupSteps: 20 },
      /warmupSteps: must not exceed steps \(10\)/],
    ['a step schedule without its period', { schedule: { kind: 'step' } },
      /schedule\.every: missing; expected a number/],
    ['a negative weight', { loss: { weights: { disp: -1 } } },
      /loss\.weights\.disp: Too small/],
    ['a misspelt top-level key', { stpes: 5 },
      /\(top level\): unknown key "stpes"/],
    ['a non-integer batch size', { batchSize: 2.5 },
      /batchSize: .*expected int/],
  ];
  for (const [what, raw, message] of invalid) {
    it(`rejects ${what}`, () => {
      expect(() => parse(raw)).toThrow(message);
    });
  }
});
