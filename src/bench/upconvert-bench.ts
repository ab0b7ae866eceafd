/**
 * Upconversion figures: output frames per second of x2 upconversion with
 * the model and with ffmpeg's minterpolate, each one's PSNR on the video
 * protocol, and the peak resident memory of `fruc upconvert` runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openEvalDataset } from '../eval/eval-data.ts';
import { evaluate } from '../eval/evaluate.ts';
import { saveCheckpoint } from '../models/checkpoint.ts';
import { createGenerator, type GeneratorConfig } from '../models/generator.ts';
import type { Interpolator } from '../models/interpolator.ts';
import { createMinterpolateInterpolator } from '../models/minterpolate.ts';
import { seedGlorotKernels } from '../train/init-weights.ts';
import { runFfmpeg } from '../video/ffmpeg.ts';
import { upconvert } from '../video/upconvert.ts';

/** Repository root (two levels above this file). */
export const REPO_ROOT = resolve(
  fileURLToPath(new URL('../..', import.meta.url)));

/** The trained model the bench prefers. */
export const DEFAULT_CHECKPOINT = join(REPO_ROOT, 'checkpoints', 'default');

/**
 * Writes the first `seconds` of `input` (looped with `-stream_loop` when
 * longer than it) to `outPath`, re-encoded as H.264 so cuts are exact.
 */
export async function makeClip(
  input: string,
  outPath: string,
  seconds: number,
  loops = 0,
): Promise<void> {
  await runFfmpeg(
    `cutting ${seconds} s of ${input}`,
    [{ path: input, options: loops > 0 ? ['-stream_loop', `${loops}`] : [] }],
    ['-t', `${seconds}`, '-c:v', 'libx264', '-preset', 'veryfast',
      '-crf', '18', '-pix_fmt', 'yuv420p', '-an', '-y'],
    outPath,
  );
}

/** The checkpoint under test and where it came from. */
export interface BenchCheckpoint {
  /** `checkpoints/default`, or an untrained generator saved in work. */
  dir: string;
  trained: boolean;
}

/**
 * `checkpoints/default` when it exists, else an untrained generator of
 * `config` (seeded kernels, seed 0) saved under `workDir`, so that the
 * worker threads of the inference pool can load it too.
 */
export async function benchCheckpoint(
  config: GeneratorConfig,
  workDir: string,
  checkpoint = DEFAULT_CHECKPOINT,
): Promise<BenchCheckpoint> {
  if (existsSync(checkpoint)) {
    return { dir: checkpoint, trained: true };
  }
  const dir = join(workDir, 'untrained');
  await saveUntrainedCheckpoint(dir, config);
  return { dir, trained: false };
}

/** Saves an untrained seeded generator as a checkpoint folder. */
export async function saveUntrainedCheckpoint(
  dir: string,
  config: GeneratorConfig,
): Promise<void> {
  const generator = createGenerator(config);
  try {
    seedGlorotKernels(generator, 0);
    await saveCheckpoint(dir, { generator, config, step: 0 });
  } finally {
    generator.dispose();
  }
}

/** Speed of one x2 upconversion. */
export interface SpeedResult {
  method: string;
  framesOut: number;
  wallSec: number;
  framesPerSec: number;
}

/** Upconverts `clip` x2 into `outPath` and times it. */
export async function benchUpconvertSpeed(
  clip: string,
  outPath: string,
  method: Interpolator | 'minterpolate',
): Promise<SpeedResult> {
  const result = await upconvert(clip, outPath, {
    factor: 2, method, overwrite: true, progress: false });
  return {
    method: result.method,
    framesOut: result.framesOut,
    wallSec: result.wallSec,
    framesPerSec: result.framesOut / result.wallSec,
  };
}

/** Mean PSNR (dB) and SSIM of each method on the video protocol. */
export async function benchVideoProtocol(
  clip: string,
  methods: { label: string; interpolator: Interpolator }[],
  maxSamples?: number,
): Promise<Record<string, { psnr: number; ssim: number; samples: number }>> {
  const dataset = await openEvalDataset(clip);
  const results = await evaluate([dataset], methods, { maxSamples });
  const out: Record<string, { psnr: number; ssim: number; samples: number }> =
    {};
  for (const [label, summary] of Object.entries(results.datasets[0].means)) {
    out[label] = {
      psnr: summary.psnr, ssim: summary.ssim, samples: summary.samples };
  }
  return out;
}

/** The default minterpolate interpolator (one ffmpeg run per pair). */
export function minterpolateMethod(): Interpolator {
  return createMinterpolateInterpolator();
}

/** Peak memory of one child run. */
export interface MemoryResult {
  clipSeconds: number;
  /** Peak resident set of the node process, MiB. */
  peakRssMiB: number;
  wallSec: number;
}

/**
 * Runs `node bin/fruc.js upconvert <clip> <outPath> ...args` in a fresh
 * process under `/usr/bin/time -v` and returns its "Maximum resident set
 * size": the peak RSS of the node process (ffmpeg's decoder and encoder are
 * separate processes and not counted).
 * @throws Error when `/usr/bin/time` is missing or the run fails.
 */
export async function measurePeakRss(
  clip: string,
  outPath: string,
  args: string[],
): Promise<{ peakRssMiB: number; wallSec: number }> {
  if (!existsSync('/usr/bin/time')) {
    throw new Error('measurePeakRss: /usr/bin/time is missing; install the ' +
      'Debian package "time".');
  }
  const started = performance.now();
  const child = spawn('/usr/bin/time', [
    '-v', process.execPath, join(REPO_ROOT, 'bin', 'fruc.js'), 'upconvert',
    clip, outPath, '--overwrite', ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: {
    ...process.env, FRUC_LOG_LEVEL: 'warn' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number>((done) => child.on('close', done));
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (code !== 0 || !match) {
    throw new Error(`measurePeakRss: upconvert failed (exit ${code}): ` +
      stderr.trim().split('\n').slice(-3).join(' | '));
  }
  return {
    peakRssMiB: Number(match[1]) / 1024,
    wallSec: (performance.now() - started) / 1000,
  };
}
