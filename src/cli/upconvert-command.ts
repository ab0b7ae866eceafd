import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { Command, InvalidArgumentError } from 'commander';

import {
  selectBackend,
  type BackendChoice,
} from '../backend/select-backend.ts';
import { InputMissingError, UsageError } from '../errors.ts';
import {
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../models/baselines.ts';
import { findDefaultCheckpoint } from '../models/default-checkpoint.ts';
import type { Interpolator } from '../models/interpolator.ts';
import { checkDestination } from '../util/atomic.ts';
import { checkOutputPath, isFolderOutput } from '../video/frame-sink.ts';
import { parseFrameRate, type FrameRate } from '../video/ffmpeg.ts';
import { checkOutputIsNotInput } from '../video/same-file.ts';
import { DEFAULT_SCENE_CUT } from '../video/scene-cut.ts';
import {
  formatSummary,
  openUpconvertSource,
  upconvert,
} from '../video/upconvert.ts';
import {
  UPCONVERT_FACTORS,
  type UpconvertFactor,
} from '../video/upconvert-frames.ts';
import {
  BACKEND_OPTION,
  OVERWRITE_OPTION,
  addOptions,
  intInRange,
  numberInRange,
  type OptionSpec,
} from './options.ts';

/** Most inference threads `--threads` takes: one per core (two on a
 * single core, so the threaded path stays testable). */
const MAX_THREADS = Math.max(2, availableParallelism());

/** Values of `--method`. */
export const UPCONVERT_METHODS = [
  'model',
  'blend',
  'repeat',
  'minterpolate',
] as const;
type UpconvertMethodName = (typeof UPCONVERT_METHODS)[number];

function parseFactor(value: string): UpconvertFactor {
  const factor = UPCONVERT_FACTORS.find((f) => String(f) === value.trim());
  if (factor === undefined) {
    throw new InvalidArgumentError(
      `expected ${UPCONVERT_FACTORS.join(', ')} (repeated midpoints).`,
    );
  }
  return factor;
}

function parseRate(value: string): FrameRate {
  const match = /^\s*(\d+)(?:\.(\d+))?(?:\/(\d+))?\s*$/.exec(value);
  // A decimal rate becomes a fraction: 23.976 is 23976/1000.
  const rate = match && !(match[2] && match[3])
    ? parseFrameRate(
      match[2]
        ? `${match[1]}${match[2]}/${10 ** match[2].length}`
        : `${match[1]}/${match[3] ?? '1'}`,
    )
    : { num: 0, den: 1 };
  if (rate.num === 0) {
    throw new InvalidArgumentError(
      'expected a positive rate such as 24, 23.976 or 30000/1001.',
    );
  }
  return rate;
}

const UPCONVERT_OPTIONS: OptionSpec[] = [
  {
    flags: '-f, --factor <n>',
    description:
      'output frames per input frame: 2, 4 or 8 (4 and 8 by repeated ' +
      'midpoints; minterpolate makes them in one pass); the frame rate is ' +
      'multiplied by the same factor',
    parse: parseFactor,
    defaultValue: 2,
  },
  {
    flags: '-m, --method <name>',
    description:
      'how in-between frames are made: model (--checkpoint, or the ' +
      'shipped checkpoints/default), blend (mean of the two frames), ' +
      "repeat (earlier frame) or minterpolate (ffmpeg's motion-compensated " +
      'filter); default model when --checkpoint is given or ' +
      'checkpoints/default ships, else blend',
    choices: UPCONVERT_METHODS,
  },
  {
    flags: '--checkpoint <dir>',
    description:
      'checkpoint folder (checkpoint.json + generator/) for --method model',
  },
  {
    flags: '--fps <rate>',
    description:
      'frame rate of an input folder of PNG frames, e.g. 25 or 30000/1001 ' +
      '(default 24); a video input keeps its own rate',
    parse: parseRate,
  },
  {
    flags: '--scene-threshold <t>',
    description:
      'histogram distance 0..1 above which two neighbouring frames are a ' +
      'scene cut; across a cut the earlier frame is repeated, not blended',
    parse: numberInRange(0, 1),
    defaultValue: DEFAULT_SCENE_CUT.threshold,
  },
  {
    flags: '--threads <n>',
    description:
      'model inference threads on the wasm backend: each worker thread ' +
      'interpolates whole frame pairs, so more threads than cores only ' +
      'cost memory (default: one per core, at most 8; at most ' +
      `${MAX_THREADS} here; 1 runs the model in the main thread)`,
    parse: intInRange(1, MAX_THREADS),
  },
  {
    flags: '--no-progress',
    description: 'do not draw the progress bar on stderr',
  },
  BACKEND_OPTION,
  OVERWRITE_OPTION,
];

export interface UpconvertFlags {
  factor: UpconvertFactor;
  method?: UpconvertMethodName;
  checkpoint?: string;
  fps?: FrameRate;
  sceneThreshold: number;
  threads?: number;
  progress: boolean;
  backend: BackendChoice;
  overwrite?: boolean;
}

/**
 * The method and checkpoint to use: `--method` and `--checkpoint` as
 * given; with neither, the shipped generator (`checkpoints/default`) where
 * it exists, else blend. `shipped` is that generator's folder, `null` when
 * none ships.
 */
export function resolveMethod(
  flags: UpconvertFlags,
  shipped: string | null = findDefaultCheckpoint() ?? null,
): { method: UpconvertMethodName; checkpoint?: string } {
  const checkpoint = flags.checkpoint ??
    (flags.method === undefined || flags.method === 'model'
      ? shipped ?? undefined
      : undefined);
  const method = flags.method ?? (checkpoint ? 'model' : 'blend');
  if (method === 'model' && !checkpoint) {
    throw new UsageError(
      'upconvert: --method model needs a trained model and none ships ' +
        '(checkpoints/default is missing); pass --checkpoint DIR.',
    );
  }
  if (method !== 'model' && flags.checkpoint) {
    throw new UsageError(
      'upconvert: --checkpoint is only used by --method model, not ' +
        `${method}; drop one of the two.`,
    );
  }
  return { method, checkpoint };
}

/** Cheap checks first, so that a refused run loads no model. */
function checkPaths(input: string, output: string, flags: UpconvertFlags) {
  if (!existsSync(input)) {
    throw new InputMissingError(input);
  }
  if (flags.fps && !statSync(input).isDirectory()) {
    throw new UsageError(
      `upconvert: --fps sets the rate of a folder of frames, but ${input} ` +
        'is a video, which keeps its own rate; drop --fps.',
    );
  }
  checkOutputPath(output);
  checkOutputIsNotInput(input, output);
  checkDestination(output.replace(/\/+$/, ''), flags.overwrite ?? false,
    isFolderOutput(output) ? 'folder' : 'file');
  if (flags.checkpoint && !existsSync(flags.checkpoint)) {
    throw new InputMissingError(flags.checkpoint, 'checkpoint folder');
  }
}

async function loadModel(checkpoint: string, flags: UpconvertFlags) {
  // Loaded lazily: tfjs model code is needed by --method model alone.
  const { readCheckpointInfo } = await import('../models/checkpoint.ts');
  const { loadInferenceInterpolator } = await import(
    '../models/load-interpolator.ts'
  );
  // A folder that is no checkpoint is refused before any backend starts.
  await readCheckpointInfo(checkpoint);
  await selectBackend(flags.backend);
  return loadInferenceInterpolator(checkpoint, flags.threads);
}

async function createMethod(
  method: UpconvertMethodName,
  checkpoint: string | undefined,
  flags: UpconvertFlags,
): Promise<Interpolator | 'minterpolate'> {
  switch (method) {
    case 'model':
      return loadModel(checkpoint ?? '', flags);
    case 'blend':
      return createBlendInterpolator();
    case 'repeat':
      return createRepeatInterpolator();
    case 'minterpolate':
      return 'minterpolate';
  }
}

/** Builds `fruc upconvert <in> <out>`. */
export function createUpconvertCommand(): Command {
  const command = new Command('upconvert')
    .description(
      'Multiply the frame rate of a video (or a folder of PNG frames) by ' +
        '2, 4 or 8. The output keeps the input\'s duration, audio and ' +
        'subtitles; a path without extension writes a folder of PNG frames. ' +
        'Prints a one-line summary.',
    )
    .argument('<in>', 'video file or folder of PNG frames')
    .argument('<out>', 'output video (.mp4, .mkv, .mov, .avi) or folder')
    .configureOutput({
      // Sub-commands do not inherit the program's output settings.
      outputError: (text, write) => write(`fruc: ${text}`),
    });
  addOptions(command, UPCONVERT_OPTIONS);
  command.action(async (
    input: string,
    output: string,
    flags: UpconvertFlags,
  ) => {
    const { method, checkpoint } = resolveMethod(flags);
    checkPaths(input, output, flags);
    // An input ffmpeg cannot read is refused before any model loads; the
    // source opened here is the one upconvert reads.
    const source = await openUpconvertSource(input, flags.fps);
    const interpolatorOrFilter = await createMethod(method, checkpoint, flags);
    try {
      const result = await upconvert(input, output, {
        factor: flags.factor,
        method: interpolatorOrFilter,
        sceneCut: { threshold: flags.sceneThreshold },
        overwrite: flags.overwrite ?? false,
        folderFps: flags.fps,
        progress: flags.progress,
        source,
      });
      process.stdout.write(`${formatSummary(result)}\n`);
    } finally {
      if (interpolatorOrFilter !== 'minterpolate') {
        interpolatorOrFilter.dispose();
      }
    }
  });
  return command;
}
