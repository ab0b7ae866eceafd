/**
 * The run folder of `fruc train`: checked before any work starts, created
 * (or replaced) only once everything else is known to be good, and
 * removed again when a new run fails or is interrupted before its first
 * checkpoint, so that a failed run never blocks the next one.
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

import type { TrainConfig } from '../config/train-config.ts';
import { readCheckpointInfo } from '../models/checkpoint.ts';
import {
  checkDestination,
  markOutputFolder,
  writeFileAtomically,
} from '../util/atomic.ts';
import { removeOnInterrupt } from '../util/interrupt.ts';
import { getLogger } from '../util/logger.ts';
import {
  NoRunFolderError,
  ResumeDataError,
  ResumeError,
  RunDataUnknownError,
  TrainConfigError,
} from './errors.ts';
import { asCheckpointDamaged, resolvePointer } from './train-checkpoint.ts';

/** Name of the resolved config copied into the run folder. */
export const RUN_CONFIG_FILE = 'config.json';

/** How the run folder is to be used. */
export interface RunFolderOptions {
  outDir: string;
  /** Continue from `<out>/checkpoints/latest`. */
  resume: boolean;
  /** Delete an existing run folder and start again. */
  overwrite: boolean;
  /** Training data; it may not lie inside the run folder. */
  dataRoot: string;
}

/**
 * Finds the checkpoint `--resume` continues in run folder `outDir`.
 * @returns `<outDir>/checkpoints/latest`, resolved to its step folder.
 * @throws NoRunFolderError when `outDir` does not exist.
 * @throws ResumeError when it holds no `checkpoints/latest`.
 */
export async function findResumeCheckpoint(outDir: string): Promise<string> {
  if (!existsSync(outDir)) {
    throw new NoRunFolderError(outDir);
  }
  const checkpoint = await resolvePointer(outDir, 'latest');
  if (!checkpoint) {
    throw new ResumeError(`${outDir} holds no checkpoints/latest`);
  }
  return checkpoint;
}

/**
 * The data folder a run trained on, as training checkpoint `checkpoint`
 * records it (`meta.data` of its `checkpoint.json`, written with every
 * training checkpoint); undefined when it records none.
 * Limitation: runs started before `fruc train` made the path absolute may
 * record a relative one; it is taken relative to the working folder.
 * @throws CheckpointDamagedError when `checkpoint.json` cannot be read.
 */
export async function readRunData(
  checkpoint: string,
): Promise<string | undefined> {
  let meta: Record<string, unknown>;
  try {
    meta = (await readCheckpointInfo(checkpoint)).meta;
  } catch (err) {
    throw asCheckpointDamaged(checkpoint, err);
  }
  const recorded = meta.data;
  if (typeof recorded !== 'string' || recorded === '') {
    return undefined;
  }
  return resolve(recorded);
}

/** `path` with links resolved where it exists, else made absolute. */
function realPath(path: string): string {
  return existsSync(path) ? realpathSync(path) : resolve(path);
}

/**
 * The data a resumed run trains on: `dataRoot` when given, else what
 * `checkpoint` records. A `dataRoot` other than the recorded one is
 * refused unless `newData`, because validation would then use other
 * triplets than the best checkpoint was chosen on; with `newData` a
 * warning says so.
 * @throws RunDataUnknownError without `dataRoot` when nothing is recorded.
 * @throws ResumeDataError when `dataRoot` differs and `newData` is unset.
 */
export async function resolveResumeData(
  checkpoint: string,
  dataRoot: string | undefined,
  newData: boolean,
): Promise<string> {
  const recorded = await readRunData(checkpoint);
  const logger = getLogger();
  if (dataRoot === undefined) {
    if (!recorded) {
      throw new RunDataUnknownError(checkpoint);
    }
    logger.info(`data: ${recorded}, as the run recorded it`);
    return recorded;
  }
  const data = resolve(dataRoot);
  if (!recorded || realPath(recorded) === realPath(data)) {
    return data;
  }
  if (!newData) {
    throw new ResumeDataError(dataRoot, recorded);
  }
  logger.warn(
    `--new-data: training continues on ${data}, not ${recorded}; ` +
      'validation now uses other triplets, so the best checkpoint ' +
      'compares PSNR across two validation sets.');
  return data;
}

/**
 * Checks the run folder without touching it. A new run refuses an
 * existing folder unless `overwrite`; a resumed one needs
 * `checkpoints/latest`.
 * @returns The checkpoint to resume from, if resuming.
 * @throws TrainConfigError when the data lies inside the run folder;
 *   NoRunFolderError, ResumeError as {@link findResumeCheckpoint};
 *   `checkDestination`'s errors.
 */
export async function checkRunFolder(
  options: RunFolderOptions,
): Promise<string | undefined> {
  const { outDir, resume, overwrite } = options;
  const out = resolve(outDir);
  const data = resolve(options.dataRoot);
  if (data === out || data.startsWith(`${out}${sep}`)) {
    throw new TrainConfigError(
      `train: the data ${options.dataRoot} lies inside the run folder ` +
        `${outDir}; choose an --out outside the data.`,
    );
  }
  if (resume) {
    return findResumeCheckpoint(outDir);
  }
  checkDestination(outDir, overwrite, 'folder');
  return undefined;
}

/** A run folder in use; see {@link openRunFolder}. */
export interface RunFolder {
  /**
   * Marks the folder as holding a checkpoint: from then on it is kept
   * whatever happens.
   */
  keep(): void;
  /** True while {@link close} would remove the folder after a failure. */
  readonly removable: boolean;
  /**
   * Ends the use: after a failure (`failed`) the folder of a new run with
   * no checkpoint is removed; a resumed run's folder is never removed.
   */
  close(failed: boolean): Promise<void>;
}

/**
 * Opens the run folder {@link checkRunFolder} accepted. A new run's folder
 * is created (an existing one, accepted with `overwrite`, is deleted
 * first, as `--overwrite` says) and removed if the process is interrupted
 * before {@link RunFolder.keep}.
 */
export async function openRunFolder(
  options: RunFolderOptions,
): Promise<RunFolder> {
  const { outDir } = options;
  if (options.resume) {
    return { keep() {}, removable: false, close: async () => undefined };
  }
  // Checked again: the folder may have appeared while models were built.
  checkDestination(outDir, options.overwrite, 'folder');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const forget = removeOnInterrupt(outDir);
  let kept = false;
  await markOutputFolder(outDir);
  return {
    keep() {
      kept = true;
      forget();
    },
    get removable() {
      return !kept;
    },
    async close(failed) {
      forget();
      if (failed && !kept) {
        await rm(outDir, { recursive: true, force: true });
      }
    },
  };
}

/** Writes the resolved config into the run folder. */
export async function writeRunConfig(
  outDir: string,
  config: TrainConfig,
): Promise<void> {
  await writeFileAtomically(
    join(outDir, RUN_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Reads the config a run folder was started with (unvalidated JSON).
 * @throws ResumeError when it is not valid JSON.
 */
export async function readRunConfig(outDir: string): Promise<unknown> {
  const path = join(outDir, RUN_CONFIG_FILE);
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ResumeError(
      `${path} is not valid JSON (${(err as Error).message})`);
  }
}
