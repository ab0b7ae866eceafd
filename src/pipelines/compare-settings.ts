/**
 * Settings of the loss-comparison pipeline (`pipelines/configs/*.json`):
 * what to extract, how long to pre-train and fine-tune, which losses and
 * seeds, what the training configs are overridden with, and where to
 * evaluate. CLI flags override single fields.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { z } from 'zod';

import { loadConfig, parseConfig } from '../config/load-config.ts';
import { LOSS_NAMES } from '../losses/names.ts';
import { UnknownSettingError } from './errors.ts';

/** Repository root; relative paths in settings files start here. */
export const REPO_ROOT = resolve(
  fileURLToPath(new URL('../..', import.meta.url)));

/** Shipped settings: `pipelines/configs/<name>.json`. */
export const SETTING_NAMES = ['small', 'full', 'default'] as const;

/** Any JSON object; deep-merged into every training config. */
const overridesSchema = z.record(z.string(), z.unknown()).default({});

/** How triplets are cut out of the videos (see `extractTriplets`). */
const extractSchema = z.strictObject({
  /** Side of the stored crops, >= 16; training crops come from these. */
  cropSize: z.int().min(16).default(128),
  /** Crops per kept triplet, >= 1. Default 1. */
  cropsPerTriplet: z.int().min(1).default(1),
  /** Most triplets kept per video, >= 1 or null (no limit). Default null. */
  maxTriplets: z.int().min(1).nullable().default(null),
  /** Frames between the first frames of consecutive triplets. Default 2. */
  stride: z.int().min(1).default(2),
  /** Frame gaps: triplets (f, f + g, f + 2g) for each g. Default [1]. */
  gaps: z.array(z.int().min(1)).min(1).default([1]),
  /** Crops with less prev/next difference (0..255) are redrawn. */
  minCropMotion: z.number().min(0).max(255).default(0),
});

/** Schema of a pipeline settings file. Objects are strict. */
export const compareSettingsSchema = z.strictObject({
  /** Videos or folders of videos to extract from (repo-relative). */
  videos: z.array(z.string().min(1)).min(1)
    .default(['../shared/data/videos']),
  extract: extractSchema.prefault({}),
  /** Pre-training config (repo-relative). Default `configs/pixel.json`. */
  pretrainConfig: z.string().min(1).default('configs/pixel.json'),
  /** Folder of the per-loss configs `<loss>.json`. Default `configs`. */
  lossConfigs: z.string().min(1).default('configs'),
  /** Pixel-loss pre-training steps, >= 1. */
  pretrainSteps: z.int().min(1),
  /** Fine-tuning steps of every loss, >= 1. */
  finetuneSteps: z.int().min(1),
  /** Training crop side for every run (overrides the configs'). */
  cropSize: z.int().min(16).max(1024).default(64),
  /** Triplets per step for every run (overrides the configs'). */
  batchSize: z.int().min(1).max(256).default(8),
  /** Losses to fine-tune with, in report order; `pixel` is the control. */
  losses: z.array(z.enum(LOSS_NAMES)).min(1).default([...LOSS_NAMES]),
  /** Seeds; each runs the whole recipe. Several give mean ± std. */
  seeds: z.array(z.int().min(0)).min(1).default([0]),
  /** Deep-merged into every training config (pre-training and losses). */
  overrides: overridesSchema,
  /**
   * Deep-merged into every fine-tuning config after `overrides`, so that
   * the pixel control and the adversarial losses share one optimiser.
   */
  finetuneOverrides: overridesSchema,
  /** Evaluation data (repo-relative), any layout `fruc eval` reads. */
  evalData: z.array(z.string().min(1)).min(1).default([
    '../shared/data/middlebury-others',
    '../shared/data/ucf101-triplets',
  ]),
  /** Most samples per evaluation set, or null for all. Default null. */
  maxEvalSamples: z.int().min(1).nullable().default(null),
});

/** A validated pipeline setting, defaults filled in. */
export type CompareSettings = z.output<typeof compareSettingsSchema>;

/** Path of a shipped setting, or `name` itself when it is a file. */
export function resolveSettingPath(name: string): string {
  const shipped = SETTING_NAMES.find((n) => n === name);
  if (shipped) {
    return join(REPO_ROOT, 'pipelines', 'configs', `${shipped}.json`);
  }
  if (name.endsWith('.json') && existsSync(name)) {
    return resolve(name);
  }
  throw new UnknownSettingError(name, SETTING_NAMES);
}

/** A path from a settings file, resolved against the repository root. */
export function repoPath(path: string): string {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

/**
 * Loads a setting by name (`small`, `full`) or file path.
 * @throws UnknownSettingError, or the config loader's errors
 *   (`FRUC_CONFIG_*`) for a file that is not a valid setting.
 */
export function loadCompareSettings(name: string): CompareSettings {
  return loadConfig(resolveSettingPath(name), compareSettingsSchema);
}

/** CLI flags that override single setting fields. */
export interface CompareFlags {
  videos?: string[];
  pretrainSteps?: number;
  finetuneSteps?: number;
  cropSize?: number;
  batchSize?: number;
  losses?: string[];
  seeds?: number[];
  evalData?: string[];
  maxEvalSamples?: number;
}

/**
 * Applies the flags that were given, each to the field it names (paths
 * made absolute, as flags are relative to the working folder), and
 * validates the result.
 * @throws ConfigInvalidError (`FRUC_CONFIG_INVALID`) naming the field.
 */
export function applyCompareFlags(
  settings: CompareSettings,
  flags: CompareFlags,
): CompareSettings {
  const fields: (keyof CompareFlags)[] = [
    'videos', 'pretrainSteps', 'finetuneSteps', 'cropSize', 'batchSize',
    'losses', 'seeds', 'evalData', 'maxEvalSamples',
  ];
  const given = Object.fromEntries(fields
    .filter((field) => flags[field] !== undefined)
    .map((field) => [field, flags[field]]));
  const absolute = (paths: string[] | undefined) =>
    paths?.map((p) => resolve(p));
  const merged = {
    ...settings,
    ...given,
    ...(flags.videos ? { videos: absolute(flags.videos) } : {}),
    ...(flags.evalData ? { evalData: absolute(flags.evalData) } : {}),
  };
  return parseConfig(merged, compareSettingsSchema, 'command-line flags');
}
