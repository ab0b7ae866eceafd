import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Command } from 'commander';

import { formatSummary as formatExtractSummary } from '../data/manifest.ts';
import { runDemo } from '../demo/run-demo.ts';
import { formatResultsTable } from '../eval/report-table.ts';
import { formatSummary as formatUpconvertSummary } from '../video/upconvert.ts';
import { BACKEND_OPTION, addOptions, intInRange, type OptionSpec } from './options.ts';

const DEMO_OPTIONS: OptionSpec[] = [
  {
    flags: '-o, --out <dir>',
    description: 'folder for everything the demo writes; it is replaced on each run',
    defaultValue: 'out/demo',
  },
  {
    flags: '--clip <video>',
    description: 'use this video instead of the sample clip',
  },
  {
    flags: '--checkpoint <dir>',
    description:
      'generator checkpoint to demonstrate (default: checkpoints/default ' +
      'when it exists, else the blend baseline)',
  },
  {
    flags: '--videos-dir <dir>',
    description:
      'where the sample clip is fetched or generated once and reused ' +
      '(default: the project\'s videos/ folder)',
    // Not relative to the working folder: the demo may run from anywhere.
    defaultValue: fileURLToPath(new URL('../../videos', import.meta.url)),
  },
  {
    flags: '--no-download',
    description:
      'do not fetch Debian\'s opencv-doc sample clip; generate a clip instead',
  },
  {
    flags: '--eval-samples <n>',
    description: 'video-protocol samples evaluated per method',
    parse: intInRange(1),
    defaultValue: 40,
  },
  {
    flags: '--max-triplets <n>',
    description: 'triplets extracted from the clip',
    parse: intInRange(1),
    defaultValue: 64,
  },
  BACKEND_OPTION,
];

interface DemoFlags {
  out: string;
  videosDir: string;
  clip?: string;
  checkpoint?: string;
  download: boolean;
  evalSamples: number;
  maxTriplets: number;
  backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
}

/** Builds `fruc demo`: the whole pipeline on a sample clip. */
export function createDemoCommand(): Command {
  const command = new Command('demo').description(
    'Run the main job on a sample clip: fetch a real clip (Debian ' +
      'opencv-doc) or generate one, extract triplets, upconvert x2, ' +
      'evaluate repeat, blend, minterpolate and the model by the video ' +
      'protocol, and write an HTML report.',
  );
  addOptions(command, DEMO_OPTIONS);
  command.action(async (flags: DemoFlags) => {
    const started = performance.now();
    const result = await runDemo(flags);
    const minutes = (performance.now() - started) / 60_000;
    const lines = [
      `clip: ${result.clip.note}`,
      `  ${result.clip.path}`,
      `triplets: ${result.tripletsDir}`,
      formatExtractSummary(result.triplets).trimEnd(),
      formatUpconvertSummary(result.upconverted),
      `model: ${result.checkpoint ?? 'none (blend baseline used)'}`,
      'evaluation (video protocol: every other frame dropped and rebuilt):',
      formatResultsTable(result.evaluation).trimEnd(),
      `report: ${join(result.reportDir, 'report.html')}`,
      `demo finished in ${minutes.toFixed(1)} min`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
  return command;
}
