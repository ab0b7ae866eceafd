import { Command, InvalidArgumentError } from 'commander';

import { extractTriplets } from '../data/extract.ts';
import { EXTRACT_DEFAULTS } from '../data/extract-options.ts';
import { formatSummary } from '../data/manifest.ts';
import { UsageError } from '../errors.ts';
import {
  OVERWRITE_OPTION,
  addOptions,
  intInRange,
  numberInRange,
  type OptionSpec,
} from './options.ts';

const EXTRACT_OPTIONS: OptionSpec[] = [
  {
    flags: '-o, --out <dir>',
    description:
      'output folder (required): <dir>/<source>/<index>/frame0.png, ' +
      'frame1.png, frame2.png and <dir>/manifest.json',
  },
  {
    flags: '--crop-size <n>',
    description:
      'side of square random crops in pixels (default: whole frames)',
    parse: intInRange(1),
  },
  {
    flags: '--crops-per-triplet <k>',
    description: 'random crops per kept triplet; above 1 needs --crop-size',
    parse: intInRange(1, 1000),
    defaultValue: EXTRACT_DEFAULTS.cropsPerTriplet,
  },
  {
    flags: '--stride <s>',
    description:
      'frames between the first frames of consecutive triplets; 2 shares ' +
      'end frames and never reuses a middle frame',
    parse: intInRange(1),
    defaultValue: EXTRACT_DEFAULTS.stride,
  },
  {
    flags: '--gaps <list>',
    description:
      'comma-separated frame gaps g: each first frame f gives the triplet ' +
      '(f, f+g, f+2g) per gap; larger gaps give larger motion',
    parse: gapList,
    defaultValue: EXTRACT_DEFAULTS.gaps,
    defaultText: EXTRACT_DEFAULTS.gaps.join(','),
  },
  {
    flags: '--max-triplets <m>',
    description: 'most triplets kept per source: the first ones in time, ' +
      'so raise --stride to spread them (default: no limit)',
    parse: intInRange(1),
  },
  {
    flags: '--seed <text>',
    description:
      'seed of the crop positions; the same seed gives the same crops',
    defaultValue: EXTRACT_DEFAULTS.seed,
  },
  {
    flags: '--scene-threshold <t>',
    description:
      'histogram distance 0..1 above which two neighbouring frames are a ' +
      'scene cut; triplets across a cut are skipped',
    parse: numberInRange(0, 1),
    defaultValue: EXTRACT_DEFAULTS.sceneThreshold,
  },
  {
    flags: '--static-threshold <t>',
    description:
      'skip triplets whose mean absolute difference between previous and ' +
      'next frame (0..255) is below this; 0 keeps all',
    parse: numberInRange(0, 255),
    defaultValue: EXTRACT_DEFAULTS.staticThreshold,
  },
  {
    flags: '--min-crop-motion <t>',
    description:
      'with --crop-size: redraw crops whose mean absolute difference ' +
      'between previous and next frame (0..255) is below this, so still ' +
      'background gives way to motion; 0 takes every crop',
    parse: numberInRange(0, 255),
    defaultValue: EXTRACT_DEFAULTS.minCropMotion,
  },
  OVERWRITE_OPTION,
];

/** Parses `--gaps`: comma-separated whole numbers >= 1, each once. */
function gapList(value: string): number[] {
  const gaps = value.split(',').map((part) => Number(part.trim()));
  if (gaps.some((gap) => !Number.isInteger(gap) || gap < 1)) {
    throw new InvalidArgumentError(
      'expected whole numbers >= 1 separated by commas, such as 1,2,3.',
    );
  }
  if (new Set(gaps).size !== gaps.length) {
    throw new InvalidArgumentError('a gap is listed twice; list each once.');
  }
  return gaps;
}

interface ExtractFlags {
  out?: string;
  cropSize?: number;
  cropsPerTriplet: number;
  stride: number;
  gaps: number[];
  maxTriplets?: number;
  seed: string;
  sceneThreshold: number;
  staticThreshold: number;
  minCropMotion: number;
  overwrite?: boolean;
}

/** Builds `fruc extract <inputs...> --out DIR`. */
export function createExtractCommand(): Command {
  const command = new Command('extract')
    .description(
      'Cut frame triplets (previous, middle, next) out of videos and ' +
        'frame folders for training and evaluation; prints what was kept ' +
        'and skipped per source.',
    )
    .argument(
      '<inputs...>',
      'video files, folders of PNG frames (read at 24 fps), or folders ' +
        'holding these',
    );
  addOptions(command, EXTRACT_OPTIONS);
  command.action(async (inputs: string[], flags: ExtractFlags) => {
    if (!flags.out) {
      throw new UsageError(
        'extract: no output folder; pass --out DIR.',
      );
    }
    const summary = await extractTriplets(inputs, {
      ...flags,
      out: flags.out,
      overwrite: flags.overwrite ?? false,
    });
    process.stdout.write(formatSummary(summary));
    process.stdout.write(`triplets written to ${summary.out}\n`);
  });
  return command;
}
