/**
 * The evaluation loop: every method rebuilds the middle frame of every
 * sample of every dataset, and each prediction is scored against the
 * ground truth. Samples stream one at a time, so memory does not grow with
 * the data; anything that needs the frames (report crops) hooks `onSample`.
 */
import type { Frame } from '../image/frame.ts';
import type { Interpolator } from '../models/interpolator.ts';
import { getLogger } from '../util/logger.ts';
import type { EvalDataset } from './eval-data.ts';
import { computeMetrics, type FrameMetrics } from './metrics.ts';
import type { EvalSample } from './video-protocol.ts';

/** A method under evaluation with the label reports show for it. */
export interface EvalMethod {
  /** Unique label, e.g. `blend` or `model:default`. */
  label: string;
  interpolator: Interpolator;
  /** Checkpoint folder for trained models; absent for baselines. */
  checkpoint?: string;
}

/** Scores of every method on one sample. */
export interface SampleResult {
  id: string;
  width: number;
  height: number;
  /** Metrics keyed by method label. */
  metrics: Record<string, FrameMetrics>;
}

/** Means of one method over a dataset. */
export interface MethodSummary extends FrameMetrics {
  /** Samples averaged. */
  samples: number;
  /** Mean seconds the method took per sample (interpolation only). */
  secondsPerSample: number;
}

/** Everything measured on one dataset. */
export interface DatasetResult {
  name: string;
  path: string;
  kind: EvalDataset['kind'];
  samples: SampleResult[];
  /** Means keyed by method label, in the order of `methods`. */
  means: Record<string, MethodSummary>;
}

/** The outcome of an evaluation run. */
export interface EvalResults {
  /** Method labels in the order given. */
  methods: string[];
  datasets: DatasetResult[];
}

/** Called after each sample with its frames and every method's prediction. */
export type SampleHook = (
  dataset: EvalDataset,
  sample: EvalSample,
  predictions: Map<string, Frame>,
  result: SampleResult,
) => Promise<void>;

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Most samples read per dataset (default: all). */
  maxSamples?: number;
  onSample?: SampleHook;
}

/** Log a progress line every this many samples. */
const LOG_EVERY = 10;

/**
 * Runs every method on every sample and averages PSNR, SSIM and IE per
 * dataset and method. A mean PSNR is `Infinity` when any sample was
 * reproduced exactly, as an average of per-sample PSNR must be.
 */
export async function evaluate(
  datasets: EvalDataset[],
  methods: EvalMethod[],
  options: EvaluateOptions = {},
): Promise<EvalResults> {
  const labels = methods.map((m) => m.label);
  if (new Set(labels).size !== labels.length) {
    throw new Error(`evaluate: method labels must be unique, got ${labels}.`);
  }

  const results: DatasetResult[] = [];
  for (const dataset of datasets) {
    results.push(await evaluateDataset(dataset, methods, options));
  }
  return { methods: labels, datasets: results };
}

async function evaluateDataset(
  dataset: EvalDataset,
  methods: EvalMethod[],
  options: EvaluateOptions,
): Promise<DatasetResult> {
  const logger = getLogger();
  const expected = Math.min(dataset.size, options.maxSamples ?? Infinity);
  logger.info(
    `evaluating ${dataset.name} (${dataset.kind}, ${expected} samples) ` +
      `with ${methods.map((m) => m.label).join(', ')}`,
  );
  const samples: SampleResult[] = [];
  const seconds = new Map(methods.map((m) => [m.label, 0]));

  for await (const sample of dataset.samples(options.maxSamples)) {
    const predictions = new Map<string, Frame>();
    const result: SampleResult = {
      id: sample.id,
      width: sample.gt.width,
      height: sample.gt.height,
      metrics: {},
    };
    for (const method of methods) {
      const start = performance.now();
      const predicted = await method.interpolator.interpolate(
        sample.prev, sample.next);
      seconds.set(method.label,
        (seconds.get(method.label) ?? 0) + (performance.now() - start) / 1000);
      predictions.set(method.label, predicted);
      result.metrics[method.label] = computeMetrics(sample.gt, predicted);
    }
    samples.push(result);
    await options.onSample?.(dataset, sample, predictions, result);
    if (samples.length % LOG_EVERY === 0) {
      logger.info(`${dataset.name}: ${samples.length}/${expected} samples`);
    }
  }

  const means: Record<string, MethodSummary> = {};
  for (const method of methods) {
    means[method.label] = summarize(
      samples.map((s) => s.metrics[method.label]),
      seconds.get(method.label) ?? 0,
    );
  }
  return {
    name: dataset.name,
    path: dataset.path,
    kind: dataset.kind,
    samples,
    means,
  };
}

/** Arithmetic means of per-sample metrics. */
export function summarize(
  metrics: FrameMetrics[],
  totalSeconds = 0,
): MethodSummary {
  const n = metrics.length;
  const mean = (key: keyof FrameMetrics) =>
    n === 0 ? NaN : metrics.reduce((sum, m) => sum + m[key], 0) / n;
  return {
    psnr: mean('psnr'),
    ssim: mean('ssim'),
    ie: mean('ie'),
    samples: n,
    secondsPerSample: n === 0 ? 0 : totalSeconds / n,
  };
}
