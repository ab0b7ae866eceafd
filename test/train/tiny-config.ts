import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig } from '../../src/config/load-config.ts';
import {
  trainConfigSchema,
  type TrainConfig,
} from '../../src/config/train-config.ts';
import { sharedData } from '../helpers/paths.ts';

/** Real triplets every training test uses (21 UCF101 triplets). */
export const UCF_TRIPLETS = sharedData('ucf101-triplets');

/**
 * A config small enough for tests: widths 4, 32x32 crops, batch 2, two
 * validation triplets. `overrides` replaces whole top-level sections.
 */
export function tinyRawConfig(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    generator: { width: 4, levels: 2 },
    discriminator: { width: 4, depth: 2, inputChannels: 9 },
    loss: { name: 'aagan', weights: { adv: 0.05 } },
    optim: { lrG: 1e-3, lrRatio: 1, beta1: 0.5 },
    steps: 4,
    batchSize: 2,
    cropSize: 32,
    validation: { every: 2, samples: 2 },
    checkpoint: { every: 2 },
    seed: 3,
    ...overrides,
  };
}

/** {@link tinyRawConfig} validated by the real schema. */
export function tinyConfig(
  overrides: Record<string, unknown> = {},
): TrainConfig {
  return parseConfig(tinyRawConfig(overrides), trainConfigSchema, 'test');
}

/** Writes {@link tinyRawConfig} to `dir/name` and returns its path. */
export function writeTinyConfig(
  dir: string,
  overrides: Record<string, unknown> = {},
  name = 'tiny.json',
): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(tinyRawConfig(overrides)));
  return path;
}
