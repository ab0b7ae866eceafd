/**
 * The phases of the loss comparison, each reusable: extraction, one
 * training run, one evaluation. A phase is skipped when its marker in
 * `<work>/phases/` holds the same key; a training run interrupted midway
 * resumes from its latest checkpoint when it was started with the same key.
 */
import { join, resolve } from 'node:path';

import type { TrainConfig } from '../config/train-config.ts';
import { extractTriplets } from '../data/extract.ts';
import type { SummaryTotals } from '../data/manifest.ts';
import type { ComparisonRecord } from '../eval/comparison-report.ts';
import { runEval } from '../eval/run-eval.ts';
import { train } from '../train/train-loop.ts';
import {
  resolvePointer,
  stepCheckpointPath,
} from '../train/train-checkpoint.ts';
import { getLogger } from '../util/logger.ts';
import type { CompareSettings } from './compare-settings.ts';
import { phaseKey, readPhase, writePhase } from './phase-marker.ts';

/** A finished phase: its key (parent of later keys) and result. */
export interface PhaseOutcome<R> {
  key: string;
  result: R;
  /** Seconds the phase took when it ran. */
  seconds: number;
  /** True when an earlier run's output was reused. */
  reused: boolean;
}

const markerPath = (work: string, name: string) =>
  join(work, 'phases', `${name}.json`);

/**
 * Runs `run` unless the marker `name` holds `key`; records the result.
 * `name` may contain `/` (kept as sub-folders of `phases/`).
 */
async function runPhase<R>(
  work: string,
  name: string,
  key: string,
  run: () => Promise<R>,
): Promise<PhaseOutcome<R>> {
  const logger = getLogger();
  const done = await readPhase<R>(markerPath(work, name), key);
  if (done) {
    logger.info(`phase ${name}: reusing the output of ${done.finishedAt}`);
    return { key, result: done.result, seconds: done.seconds, reused: true };
  }
  logger.info(`phase ${name}: starting`);
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  await writePhase(markerPath(work, name), key, seconds, result);
  logger.info(`phase ${name}: done in ${seconds.toFixed(0)} s`);
  return { key, result, seconds, reused: false };
}

/** Extracts the training triplets into `<work>/triplets`. */
export async function extractPhase(
  work: string,
  settings: CompareSettings,
  videos: string[],
): Promise<PhaseOutcome<{ dir: string; totals: SummaryTotals }>> {
  const dir = join(work, 'triplets');
  const key = phaseKey({
    videos: videos.map((v) => resolve(v)),
    extract: settings.extract,
  });
  return runPhase(work, 'extract', key, async () => {
    const { extract } = settings;
    const summary = await extractTriplets(videos, {
      out: dir,
      overwrite: true,
      cropSize: extract.cropSize,
      cropsPerTriplet: extract.cropsPerTriplet,
      maxTriplets: extract.maxTriplets ?? undefined,
      stride: extract.stride,
      gaps: extract.gaps,
      minCropMotion: extract.minCropMotion,
    });
    return { dir, totals: summary.total };
  });
}

/** What a training phase leaves: the checkpoint of its last step. */
export interface TrainPhaseResult {
  checkpoint: string;
  bestValPsnr: number | null;
  lastLosses: Record<string, number>;
}

/** Options of {@link trainPhase}. */
export interface TrainPhaseOptions {
  work: string;
  /** Run folder name under `work`, e.g. `seed-0/finetune-aagan`. */
  name: string;
  config: TrainConfig;
  /** Key of the phase the data (and init checkpoint) come from. */
  parentKey: string;
  dataRoot: string;
  init?: string;
  backend: string;
}

/**
 * One training run into `<work>/<name>`. The evaluated checkpoint is the
 * last step's (every loss gets the same number of steps), not the best
 * validation one.
 */
export async function trainPhase(
  options: TrainPhaseOptions,
): Promise<PhaseOutcome<TrainPhaseResult>> {
  const { work, name, config } = options;
  const outDir = join(work, name);
  const key = phaseKey({ config, parent: options.parentKey });
  const pending = markerPath(work, `${name}.pending`);
  return runPhase(work, name, key, async () => {
    // Resume only a run that was started for this very key.
    const started = await readPhase(pending, key);
    const latest = await resolvePointer(outDir, 'latest');
    const resume = started !== undefined && latest !== undefined;
    if (resume) {
      getLogger().info(`phase ${name}: resuming from ${latest}`);
    } else {
      await writePhase(pending, key, 0, null);
    }
    const result = await train({
      config,
      dataRoot: options.dataRoot,
      outDir,
      resume,
      overwrite: !resume,
      initCheckpoint: options.init,
      backend: options.backend,
    });
    return {
      checkpoint: stepCheckpointPath(outDir, config.steps),
      bestValPsnr: result.best?.psnr ?? null,
      lastLosses: result.lastLosses,
    };
  });
}

/** A method to evaluate: its report label and what `runEval` takes. */
export interface EvalEntry {
  label: string;
  /** `blend` or a checkpoint folder. */
  method: string;
}

/**
 * Evaluates `entries` on the setting's data into `<work>/seed-<n>/eval`
 * and returns one record per method and set.
 */
export async function evalPhase(
  work: string,
  seed: number,
  entries: EvalEntry[],
  parentKeys: string[],
  settings: CompareSettings,
  data: string[],
): Promise<PhaseOutcome<ComparisonRecord[]>> {
  const name = `seed-${seed}/eval`;
  const key = phaseKey({
    entries,
    parents: parentKeys,
    data: data.map((d) => resolve(d)),
    maxSamples: settings.maxEvalSamples,
  });
  return runPhase(work, name, key, async () => {
    const results = await runEval({
      data,
      methods: entries.map((e) => e.method),
      out: join(work, name),
      overwrite: true,
      maxSamples: settings.maxEvalSamples ?? undefined,
    });
    return results.datasets.flatMap((dataset) =>
      entries.map((entry, i) => {
        const { psnr, ssim, ie } = dataset.means[results.methods[i]];
        return {
          method: entry.label,
          set: dataset.name,
          seed,
          metrics: { psnr, ssim, ie },
        };
      }));
  });
}
