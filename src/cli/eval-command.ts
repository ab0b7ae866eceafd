import { Command } from 'commander';

import type { BackendChoice } from '../backend/select-backend.ts';
import { UsageError } from '../errors.ts';
import { formatResultsTable } from '../eval/report-table.ts';
import {
  DEFAULT_CROP_SIZE,
  defaultMethods,
  runEval,
} from '../eval/run-eval.ts';
import {
  BACKEND_OPTION,
  OVERWRITE_OPTION,
  addOptions,
  intInRange,
  type OptionSpec,
} from './options.ts';

const EVAL_OPTIONS: OptionSpec[] = [
  {
    flags: '--methods <list>',
    description:
      'comma-separated methods: repeat, blend, minterpolate, default (the ' +
      'shipped generator, checkpoints/default) or the path of a ' +
      'checkpoint folder (default: the baselines, and default where it ' +
      'ships)',
  },
  {
    flags: '-o, --out <dir>',
    description:
      'report folder (required): results.json, results.csv, report.html, ' +
      'run.json and crops/',
  },
  {
    flags: '--max-samples <n>',
    description: 'most samples evaluated per dataset (default: all)',
    parse: intInRange(1),
  },
  {
    flags: '--crop-size <n>',
    description:
      'side in pixels of the crops shown in report.html (the metrics ' +
      'always use whole frames)',
    parse: intInRange(16, 4096),
    defaultValue: DEFAULT_CROP_SIZE,
  },
  OVERWRITE_OPTION,
  BACKEND_OPTION,
];

interface EvalFlags {
  methods?: string;
  out?: string;
  maxSamples?: number;
  cropSize: number;
  overwrite?: boolean;
  backend: BackendChoice;
}

/** Builds `fruc eval <data...> --methods LIST --out DIR`. */
export function createEvalCommand(): Command {
  const command = new Command('eval')
    .description(
      'Measure PSNR, SSIM and IE of interpolation methods against ground ' +
        'truth; prints a table and writes a report folder.',
    )
    .argument(
      '<data...>',
      'Middlebury or triplet folders (frame0/1/2.png, im1/2/3.png, fruc ' +
        'extract output), or video files / PNG frame folders evaluated by ' +
        'dropping every other frame and rebuilding it',
    );
  addOptions(command, EVAL_OPTIONS);
  command.action(async (data: string[], flags: EvalFlags) => {
    if (!flags.out) {
      throw new UsageError('eval: no output folder; pass --out DIR.');
    }
    const results = await runEval({
      data,
      methods: flags.methods?.split(',') ?? defaultMethods(),
      out: flags.out,
      overwrite: flags.overwrite ?? false,
      maxSamples: flags.maxSamples,
      cropSize: flags.cropSize,
      backend: flags.backend,
      argv: process.argv.slice(2),
    });
    process.stdout.write(formatResultsTable(results));
    process.stdout.write(`report written to ${flags.out}\n`);
  });
  return command;
}
