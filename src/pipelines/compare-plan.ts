/**
 * Turns a pipeline setting into the training configs it runs: the loss
 * configs from `configs/`, deep-merged with the setting's overrides, then
 * steps, crop size, batch size and seed, validated by the training schema.
 * Every config is built before any work starts, so a bad one fails first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseConfig } from '../config/load-config.ts';
import {
  trainConfigSchema,
  type TrainConfig,
} from '../config/train-config.ts';
import type { LossName } from '../losses/names.ts';
import { checkTrainConfig } from '../train/train-setup.ts';
import { repoPath, type CompareSettings } from './compare-settings.ts';
import { PipelineConfigError } from './errors.ts';

/** The training configs of one seed. */
export interface SeedPlan {
  seed: number;
  pretrain: TrainConfig;
  /** Fine-tuning config per loss, in the setting's order. */
  finetune: { loss: LossName; config: TrainConfig }[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `patch` into `base`: objects key by key, recursively; any other
 * value (arrays included) replaces the base's. An object whose `kind`
 * differs from the base's (a schedule of another kind) replaces it whole,
 * since the fields of one kind mean nothing to another. Neither input is
 * changed.
 */
export function deepMerge(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    const sameKind = isPlainObject(current) && isPlainObject(value) &&
      (value.kind === undefined || value.kind === current.kind);
    out[key] = sameKind && isPlainObject(current) && isPlainObject(value)
      ? deepMerge(current, value)
      : value;
  }
  return out;
}

function readJson(path: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new PipelineConfigError(path, (err as Error).message);
  }
  if (!isPlainObject(raw)) {
    throw new PipelineConfigError(path, 'is not a JSON object');
  }
  return raw;
}

function buildConfig(
  path: string,
  patches: Record<string, unknown>[],
): TrainConfig {
  const merged = patches.reduce(deepMerge, readJson(path));
  const config = parseConfig(
    merged, trainConfigSchema, `${path} + pipeline setting`);
  checkTrainConfig(config);
  return config;
}

/**
 * Builds every seed's configs.
 * @throws ConfigInvalidError (`FRUC_CONFIG_INVALID`) or TrainConfigError
 *   (`FRUC_TRAIN_CONFIG`) when a merged config is invalid;
 *   PipelineConfigError when a loss config cannot be read as JSON.
 */
export function createComparePlan(settings: CompareSettings): SeedPlan[] {
  const common = (steps: number, seed: number) => ({
    steps,
    cropSize: settings.cropSize,
    batchSize: settings.batchSize,
    seed,
  });
  return settings.seeds.map((seed) => ({
    seed,
    pretrain: buildConfig(repoPath(settings.pretrainConfig), [
      settings.overrides,
      common(settings.pretrainSteps, seed),
    ]),
    finetune: settings.losses.map((loss) => ({
      loss,
      config: buildConfig(
        join(repoPath(settings.lossConfigs), `${loss}.json`), [
          settings.overrides,
          settings.finetuneOverrides,
          common(settings.finetuneSteps, seed),
        ]),
    })),
  }));
}
