/**
 * `npm run compare -- --out DIR [flags]`: the loss-comparison pipeline.
 * Parses flags, loads the setting and calls `runComparison`; see
 * pipelines/README.md.
 */
import { Command, CommanderError } from 'commander';

import {
  BACKEND_OPTION,
  LOG_LEVEL_OPTION,
  addOptions,
  intInRange,
  type OptionSpec,
} from '../src/cli/options.ts';
import { FrucError, UsageError } from '../src/errors.ts';
import type { BackendChoice } from '../src/backend/select-backend.ts';
import { LOSS_NAMES } from '../src/losses/names.ts';
import {
  applyCompareFlags,
  loadCompareSettings,
  type CompareFlags,
} from '../src/pipelines/compare-settings.ts';
import { PipelineOptionError } from '../src/pipelines/errors.ts';
import { installInterruptHandlers } from '../src/util/interrupt.ts';
import {
  createLogger,
  setLogger,
  type LogLevel,
} from '../src/util/logger.ts';

function parseLosses(value: string): string[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(LOSS_NAMES as readonly string[]).includes(name)) {
      throw new PipelineOptionError(
        '--losses', `unknown loss "${name}"`,
        `give a comma list of ${LOSS_NAMES.join(', ')}`);
    }
  }
  return names;
}

function parseSeeds(value: string): number[] {
  return value.split(',').map((s) => {
    const seed = Number(s.trim());
    if (s.trim() === '' || !Number.isInteger(seed) || seed < 0) {
      throw new PipelineOptionError(
        '--seeds', `"${s}" is not a whole number >= 0`,
        'give a comma list such as 0,1,2');
    }
    return seed;
  });
}

const OPTIONS: OptionSpec[] = [
  {
    flags: '--out <dir>',
    description: 'output folder: report.{md,json,html} and work/ ' +
      '(finished phases in it are reused on a re-run)',
  },
  {
    flags: '--setting <name>',
    description: 'pipeline setting: small, full or a settings JSON file; ' +
      'the flags below override single fields of it',
    defaultValue: 'small',
  },
  { flags: '--videos <paths...>', description: 'videos or folders to ' +
      'extract training triplets from (default: ../shared/data/videos)' },
  { flags: '--pretrain-steps <n>', description: 'pixel-loss pre-training ' +
      'steps', parse: intInRange(1) },
  { flags: '--finetune-steps <n>', description: 'fine-tuning steps of ' +
      'every loss', parse: intInRange(1) },
  { flags: '--crop-size <n>', description: 'training crop side (multiple ' +
      'of 2^levels and 2^discriminator depth)', parse: intInRange(16, 1024) },
  { flags: '--batch-size <n>', description: 'triplets per training step',
    parse: intInRange(1, 256) },
  { flags: '--losses <list>', description: 'comma list of losses to ' +
      `fine-tune with (${LOSS_NAMES.join(', ')})`, parse: parseLosses },
  { flags: '--seeds <list>', description: 'comma list of seeds; several ' +
      'give mean ± std', parse: parseSeeds },
  { flags: '--eval-data <paths...>', description: 'evaluation sets ' +
      '(default: middlebury-others and ucf101-triplets)' },
  { flags: '--max-eval-samples <n>', description: 'most samples per ' +
      'evaluation set (default: the setting\'s, all)', parse: intInRange(1) },
  BACKEND_OPTION,
  LOG_LEVEL_OPTION,
];

interface Flags extends CompareFlags {
  out?: string;
  setting: string;
  backend: BackendChoice;
  logLevel: LogLevel;
}

async function run(argv: string[]): Promise<void> {
  const command = new Command('compare-losses')
    .description('Fine-tune one pixel-loss generator with each loss and ' +
      'compare PSNR, SSIM and IE on Middlebury and UCF101.')
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`compare-losses: ${text}`),
    });
  addOptions(command, OPTIONS);
  command.parse(argv);
  const flags = command.opts<Flags>();
  setLogger(createLogger(flags.logLevel));
  if (!flags.out) {
    throw new UsageError('compare-losses: pass --out DIR.');
  }
  const settings = applyCompareFlags(
    loadCompareSettings(flags.setting), flags);
  // The models load only once the flags are known to be good.
  const { runComparison } = await import(
    '../src/pipelines/compare-losses.ts');
  const result = await runComparison({
    settings,
    settingName: flags.setting,
    out: flags.out,
    backend: flags.backend,
  });
  const { readFile } = await import('node:fs/promises');
  process.stdout.write(await readFile(result.files[0], 'utf8'));
}

installInterruptHandlers();
try {
  await run(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof FrucError) {
    process.stderr.write(`compare-losses: error: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `compare-losses: internal error: ${message.split('\n')[0]} ` +
        '(set FRUC_DEBUG=1 to see the stack trace)\n');
    if (process.env.FRUC_DEBUG) {
      process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    }
    process.exitCode = 70;
  }
}
