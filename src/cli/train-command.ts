import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { BackendChoice } from '../backend/select-backend.ts';
import { parseConfig } from '../config/load-config.ts';
import {
  loadTrainConfig,
  trainConfigSchema,
  type TrainConfig,
} from '../config/train-config.ts';
import { UsageError } from '../errors.ts';
import { deferInterrupts, exitInterrupted } from '../util/interrupt.ts';
import {
  BACKEND_OPTION,
  OVERWRITE_OPTION,
  addOptions,
  intInRange,
  type OptionSpec,
} from './options.ts';

const TRAIN_OPTIONS: OptionSpec[] = [
  {
    flags: '--config <file>',
    description:
      'training config (configs/*.json); with --resume it may be left ' +
      'out, the run folder keeps a copy',
  },
  {
    flags: '--data <dir>',
    description:
      'triplets: fruc extract output, triplet folders or a Middlebury ' +
      'folder; with --resume it may be left out, the run\'s checkpoints ' +
      'record the data it trained on (other data needs --new-data)',
  },
  {
    flags: '--out <dir>',
    description: 'run folder: config.json, log.jsonl, checkpoints/',
  },
  {
    flags: '--resume',
    description:
      'continue the run in --out from checkpoints/latest (same step, ' +
      'learning rate and data position)',
  },
  {
    flags: '--new-data',
    description:
      'with --resume: continue on a --data other than the run\'s; the ' +
      'best checkpoint then compares validation PSNR across two ' +
      'validation sets (without it such a --data is refused)',
  },
  {
    flags: '--init <checkpoint>',
    description:
      'start from the generator of this checkpoint (e.g. a pixel-loss ' +
      'run); not with --resume',
  },
  {
    flags: '--steps <n>',
    description: 'total steps; overrides only the config\'s steps',
    parse: intInRange(1),
  },
  {
    flags: '--threads <n>',
    description:
      'gradient threads on the wasm backend: 2 computes half of each ' +
      'batch in a worker thread, 1 turns it off (default: 2 when the ' +
      'machine has more than one core)',
    parse: intInRange(1, 2),
  },
  BACKEND_OPTION,
  OVERWRITE_OPTION,
];

interface TrainFlags {
  config?: string;
  data?: string;
  out?: string;
  resume?: boolean;
  newData?: boolean;
  init?: string;
  steps?: number;
  threads?: number;
  backend: BackendChoice;
  overwrite?: boolean;
}

const withoutSteps = (config: TrainConfig) =>
  JSON.stringify({ ...config, steps: 0 });

/** The config to train with: the file, the run's copy, and `--steps`. */
async function resolveConfig(flags: TrainFlags, out: string) {
  let config: TrainConfig | undefined = flags.config
    ? loadTrainConfig(flags.config)
    : undefined;
  if (flags.resume && existsSync(join(out, 'config.json'))) {
    const { readRunConfig, RUN_CONFIG_FILE } = await import(
      '../train/run-folder.ts');
    const stored = parseConfig(
      await readRunConfig(out), trainConfigSchema, `${out}/${RUN_CONFIG_FILE}`);
    if (config && withoutSteps(config) !== withoutSteps(stored)) {
      throw new UsageError(
        `train: ${flags.config} differs from the config of the run in ` +
          `${out}; leave out --config to resume with the run's own config.`,
      );
    }
    config = { ...stored, steps: config?.steps ?? stored.steps };
  }
  if (!config) {
    throw new UsageError('train: no config; pass --config FILE.');
  }
  if (flags.steps !== undefined) {
    config = parseConfig(
      { ...config, steps: flags.steps }, trainConfigSchema, '--steps');
  }
  return config;
}

/**
 * The data folder, made absolute (checkpoints record it, and `--resume`
 * may run from another folder): `--data`, or with `--resume` the data the
 * run's latest checkpoint records; see `resolveResumeData` for a `--data`
 * other than that. Refuses a `--resume` with no run folder or no
 * checkpoint before anything else.
 */
async function resolveData(flags: TrainFlags, out: string): Promise<string> {
  if (flags.resume) {
    const { findResumeCheckpoint, resolveResumeData } = await import(
      '../train/run-folder.ts');
    const checkpoint = await findResumeCheckpoint(out);
    return resolveResumeData(
      checkpoint, flags.data, flags.newData ?? false);
  }
  if (flags.newData) {
    throw new UsageError(
      'train: --new-data changes the data of a resumed run; pass it ' +
        'with --resume, or leave it out.');
  }
  if (!flags.data) {
    throw new UsageError(
      'train: no data; pass --data DIR (or --resume to continue a run).');
  }
  return resolve(flags.data);
}

/**
 * Builds `fruc train --config FILE --data DIR --out DIR [--resume
 * [--new-data]] [--init CKPT] [--steps N] [--backend] [--overwrite]`;
 * with `--resume`, `--config` and `--data` default to what the run folder
 * records. Ctrl-C stops after the running step and saves it; a second
 * one stops at once.
 */
export function createTrainCommand(): Command {
  const command = new Command('train').description(
    'Train the interpolation generator (pixel loss, AAGAN, RAAGAN or a ' +
      'conventional GAN loss) on triplets, with validation and checkpoints.',
  );
  addOptions(command, TRAIN_OPTIONS);
  command.action(async (flags: TrainFlags) => {
    if (!flags.out) {
      throw new UsageError(
        'train: no run folder; pass --out DIR (and --data DIR for a new run).');
    }
    if (flags.resume && flags.overwrite) {
      throw new UsageError(
        'train: --resume continues the run and --overwrite replaces it; ' +
          'pass only one.');
    }
    if (flags.resume && flags.init) {
      throw new UsageError(
        'train: --init starts a new run; leave it out with --resume.');
    }
    const dataRoot = await resolveData(flags, flags.out);
    const config = await resolveConfig(flags, flags.out);
    // The models and backend load only once the flags are known to be good.
    const { selectBackend } = await import('../backend/select-backend.ts');
    const { train } = await import('../train/train-loop.ts');
    const { TrainInterruptedError } = await import('../train/errors.ts');
    const backend = await selectBackend(flags.backend);
    // Ctrl-C stops after the running step, which is saved first.
    const stop = deferInterrupts('stopping after the current step');
    let result;
    try {
      result = await train({
        config,
        dataRoot,
        outDir: flags.out,
        resume: flags.resume ?? false,
        overwrite: flags.overwrite ?? false,
        initCheckpoint: flags.init,
        backend,
        threads: flags.threads,
        stop,
      });
    } catch (err) {
      if (err instanceof TrainInterruptedError) {
        exitInterrupted(err.signal, err.message);
      }
      throw err;
    } finally {
      stop.end();
    }
    const { best } = result;
    if (best) {
      process.stdout.write(
        `best validation PSNR ${best.psnr.toFixed(2)} dB ` +
          `(SSIM ${best.ssim.toFixed(4)}) at step ${best.step}: ` +
          `${best.checkpoint}\n`,
      );
    }
    process.stdout.write(
      `trained ${result.step} steps; latest checkpoint ` +
        `${result.latestCheckpoint}\n`,
    );
  });
  return command;
}
