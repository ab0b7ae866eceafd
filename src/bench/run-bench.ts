/**
 * `npm run bench`: training, upconversion and memory figures side by side
 * with the targets of issue 3, printed as a table and written to
 * `out/bench/bench.json`. Reports only; never fails on speed.
 *
 * Run: `npm run bench -- [--quick] [--only train|upconvert|memory]`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs';

import { loadTrainConfig } from '../config/train-config.ts';
import { UsageError } from '../errors.ts';
import { writeFileAtomically } from '../util/atomic.ts';
import { installInterruptHandlers } from '../util/interrupt.ts';
import {
  BENCH_SETTINGS,
  runMemoryBlock,
  runTrainBlock,
  runUpconvertBlock,
  type MemoryBlock,
  type TrainBlock,
  type UpconvertBlock,
} from './bench-blocks.ts';
import { REPO_ROOT } from './upconvert-bench.ts';

/** Blocks `--only` accepts. */
export const BENCH_BLOCKS = ['train', 'upconvert', 'memory'] as const;
export type BenchBlock = (typeof BENCH_BLOCKS)[number];

/** Parsed command line of the bench. */
export interface BenchArgs {
  quick: boolean;
  blocks: BenchBlock[];
}

/**
 * Parses `--quick` and `--only <block>`.
 * @throws UsageError for an unknown option or block name.
 */
export function parseBenchArgs(argv: string[]): BenchArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
    } }));
  } catch (err) {
    throw new UsageError(`bench: ${(err as Error).message}; use --quick ` +
      'and --only train|upconvert|memory.');
  }
  const only = values.only;
  if (only !== undefined && !BENCH_BLOCKS.some((b) => b === only)) {
    throw new UsageError(`bench: unknown block "${only}"; use --only ` +
      `${BENCH_BLOCKS.join('|')}.`);
  }
  return {
    quick: values.quick ?? false,
    blocks: only ? [only as BenchBlock] : [...BENCH_BLOCKS],
  };
}

/** Everything one run measured. */
export interface BenchReport {
  quick: boolean;
  startedAt: string;
  loadAverage: number[];
  train?: TrainBlock;
  upconvert?: UpconvertBlock;
  memory?: MemoryBlock;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const f = (value: number, digits = 2) => value.toFixed(digits);

/** The table `npm run bench` prints. */
export function formatBenchReport(r: BenchReport): string {
  const lines: string[] = [];
  if (r.train) {
    const t = r.train;
    const ratio = t.wasmSmall / t.cpu;
    const speedup = t.wasmTwoThreads / t.wasm;
    lines.push(
      `Training: one D+G step, default models, ${t.size}x${t.size}, ` +
        `batch ${t.batch} (samples/s)`,
      `  wasm (fruc kernels, 1 thread) ${f(t.wasm, 3)}`,
      `  wasm, 2 threads (grad worker) ${f(t.wasmTwoThreads, 3)}  ` +
        `${f(speedup)}x of 1 thread`,
      `Training like for like at ${t.cpuSize}x${t.cpuSize}, batch ` +
        `${t.cpuBatch} (one pure-JS step at the size above takes tens of ` +
        'minutes)',
      `  wasm (1 thread) ${f(t.wasmSmall, 3)}`,
      `  cpu (pure JS; ${t.cpuTiming}) ${f(t.cpu, 4)}`,
      `  wasm / cpu: ${f(ratio, 1)}x   target >= 20x: ${verdict(ratio >= 20)}`,
    );
  }
  if (r.upconvert) {
    const u = r.upconvert;
    const ratio = u.modelFps / u.minterpolateFps;
    const gain = u.modelPsnr - u.minterpolatePsnr;
    lines.push(
      `Upconversion x2: box.mp4 first ${u.seconds} s, 640x480, backend ` +
        `${u.backend}; model: ${u.model}`,
      `  output frames/s  model, 1 thread ${f(u.modelFpsOneThread)}  ` +
        `model, ${u.threads} inference threads ${f(u.modelFps)}  ` +
        `minterpolate ${f(u.minterpolateFps)}`,
      `  model (${u.threads} threads) / minterpolate ${f(ratio)}x   ` +
        `target >= 1x: ${verdict(ratio >= 1)}`,
      `  video-protocol PSNR (${u.psnrSamples} samples)  model ` +
        `${f(u.modelPsnr)} dB  minterpolate ${f(u.minterpolatePsnr)} dB  ` +
        `difference ${f(gain)} dB` +
        (u.trained
          ? `   target >= +1 dB: ${verdict(gain >= 1)}`
          : '   (untrained model: no PSNR target)'),
    );
  }
  if (r.memory) {
    const m = r.memory;
    const ratio = m.longPeakMiB / m.shortPeakMiB;
    lines.push(
      `Memory: peak RSS of \`fruc upconvert\` (node process, ` +
        `/usr/bin/time -v), ${m.method}`,
      `  ${m.shortSeconds} s clip ${f(m.shortPeakMiB, 1)} MiB ` +
        `(${f(m.shortWallSec, 1)} s)  ${m.longSeconds} s clip ` +
        `${f(m.longPeakMiB, 1)} MiB (${f(m.longWallSec, 1)} s)`,
      `  long / short: ${f(ratio)}x   target <= 1.2x: ${verdict(ratio <= 1.2)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the selected blocks and writes `out/bench/bench.json`. */
export async function runBench(args: BenchArgs): Promise<BenchReport> {
  const { loadavg } = await import('node:os');
  // As in the CLI: keep tfjs's console banner out of the figures.
  tf.enableProdMode();
  const settings = BENCH_SETTINGS[args.quick ? 'quick' : 'full'];
  const config = loadTrainConfig(join(REPO_ROOT, 'configs', 'aagan.json'));
  const source = join(REPO_ROOT, '..', 'shared', 'data', 'videos', 'box.mp4');
  const workDir = mkdtempSync(join(tmpdir(), 'fruc-bench-'));
  const report: BenchReport = {
    quick: args.quick,
    startedAt: new Date().toISOString(),
    loadAverage: loadavg(),
  };
  try {
    if (args.blocks.includes('train')) {
      report.train = await runTrainBlock(config, settings.train);
    }
    if (args.blocks.includes('upconvert')) {
      report.upconvert = await runUpconvertBlock(
        config, source, workDir, settings.upconvert);
    }
    if (args.blocks.includes('memory')) {
      report.memory = await runMemoryBlock(
        source, workDir, settings.memory);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  mkdirSync(join(REPO_ROOT, 'out', 'bench'), { recursive: true });
  await writeFileAtomically(join(REPO_ROOT, 'out', 'bench', 'bench.json'),
    `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  installInterruptHandlers();
  const report = await runBench(parseBenchArgs(process.argv.slice(2)));
  process.stdout.write(formatBenchReport(report));
}
