/**
 * `fruc eval` without the CLI: resolves the methods, opens the data, runs
 * the evaluation and writes the report folder atomically.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import { selectBackend, type BackendChoice } from '../backend/select-backend.ts';
import {
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../models/baselines.ts';
import { UsageError } from '../errors.ts';
import {
  DEFAULT_CHECKPOINT,
  DEFAULT_METHOD,
  findDefaultCheckpoint,
} from '../models/default-checkpoint.ts';
import type { Interpolator } from '../models/interpolator.ts';
import { createMinterpolateInterpolator } from '../models/minterpolate.ts';
import { checkDestination, writeAtomically } from '../util/atomic.ts';
import { BASELINE_METHODS, UnknownMethodError } from './errors.ts';
import { openEvalDataset, type EvalDataset } from './eval-data.ts';
import { evaluate, type EvalMethod, type EvalResults } from './evaluate.ts';
import { createCropCollector } from './report-crops.ts';
import { formatResultsCsv, formatResultsJson } from './report-data.ts';
import { renderHtmlReport } from './report-html.ts';

/** Options of {@link runEval}; the CLI flags of `fruc eval`. */
export interface RunEvalOptions {
  /** Data paths: triplet folders, video files or PNG frame folders. */
  data: string[];
  /** `repeat`, `blend`, `minterpolate` or checkpoint folders, in order. */
  methods: string[];
  /** Report folder; written under a temporary name, renamed when done. */
  out: string;
  overwrite: boolean;
  /** Most samples per dataset (default: all). */
  maxSamples?: number;
  /** Side of the report crops in pixels; default {@link DEFAULT_CROP_SIZE}. */
  cropSize?: number;
  /** TensorFlow.js backend for checkpoints; default `auto`. */
  backend?: BackendChoice;
  /**
   * Command-line arguments noted in run.json (`args`); `null` there when
   * not given. The options themselves are noted too, as given.
   */
  argv?: string[];
  /**
   * The report folder's final path, where `out` is a temporary one that a
   * caller renames when done (the demo): noted as run.json's `out`.
   */
  finalOut?: string;
}

/** Default side of the report crops. */
export const DEFAULT_CROP_SIZE = 160;

/**
 * Samples per dataset shown in report.html.
 * Limitation: long videos show only their first samples; the metrics
 * still cover every sample.
 */
export const REPORT_SAMPLES_PER_DATASET = 24;

/** One `--methods` entry: a baseline name or a checkpoint folder. */
export type MethodSpec =
  | { kind: 'baseline'; name: (typeof BASELINE_METHODS)[number] }
  | { kind: 'checkpoint'; path: string };

/** The shipped generator, or a usage error where it is missing. */
function requireDefaultCheckpoint(): string {
  const found = findDefaultCheckpoint();
  if (found === undefined) {
    throw new UsageError(
      `eval: method '${DEFAULT_METHOD}' is the shipped generator, but ` +
        `${DEFAULT_CHECKPOINT} holds none; pass a checkpoint folder instead.`,
    );
  }
  return found;
}

/**
 * `--methods` when none are given: the baselines, and the shipped
 * generator where it exists (`null`: none ships).
 */
export function defaultMethods(
  shipped: string | null = findDefaultCheckpoint() ?? null,
): string[] {
  const baselines = [...BASELINE_METHODS];
  return shipped ? [...baselines, DEFAULT_METHOD] : baselines;
}

/**
 * Checks `--methods` entries (`default` is the shipped generator);
 * unknown names throw before any work.
 */
export function parseMethodSpecs(names: string[]): MethodSpec[] {
  return names.map((raw) => {
    const name = raw.trim();
    const baseline = BASELINE_METHODS.find((b) => b === name);
    if (baseline) {
      return { kind: 'baseline', name: baseline };
    }
    if (name === DEFAULT_METHOD) {
      return { kind: 'checkpoint', path: requireDefaultCheckpoint() };
    }
    if (name !== '' && existsSync(name) && statSync(name).isDirectory()) {
      return { kind: 'checkpoint', path: resolve(name) };
    }
    throw new UnknownMethodError(name);
  });
}

function createBaseline(name: (typeof BASELINE_METHODS)[number]): Interpolator {
  switch (name) {
    case 'repeat':
      return createRepeatInterpolator();
    case 'blend':
      return createBlendInterpolator();
    case 'minterpolate':
      return createMinterpolateInterpolator();
  }
}

/** What run.json says of one method. */
export interface MethodRecord {
  label: string;
  kind: 'baseline' | 'checkpoint';
  /** The checkpoint folder as given (made absolute), maybe a link. */
  checkpoint?: string;
  /** The folder it resolved to when the run started (links followed). */
  realPath?: string;
  /** Training steps of the checkpoint, from its checkpoint.json. */
  step?: number;
}

/** run.json's `backend` when no checkpoint needed TensorFlow.js. */
export const NO_BACKEND = 'none (baselines only)';

async function createMethods(
  specs: MethodSpec[],
  backend: BackendChoice,
): Promise<{
  methods: EvalMethod[];
  records: MethodRecord[];
  backend: string;
}> {
  const methods: EvalMethod[] = [];
  const records: MethodRecord[] = [];
  const used = new Set<string>();
  const unique = (label: string) => {
    let candidate = label;
    for (let n = 2; used.has(candidate); n++) {
      candidate = `${label}#${n}`;
    }
    used.add(candidate);
    return candidate;
  };
  // A backend named on the command line is started even for baselines
  // only, so `--backend tensorflow-gpu` checks that it loads.
  const needed = backend !== 'auto' ||
    specs.some((s) => s.kind === 'checkpoint');
  const started = needed ? await selectBackend(backend) : null;
  for (const spec of specs) {
    if (spec.kind === 'baseline') {
      const label = unique(spec.name);
      methods.push({ label, interpolator: createBaseline(spec.name) });
      records.push({ label, kind: 'baseline' });
    } else {
      // Imported lazily: only checkpoints need TensorFlow.js models.
      const { readCheckpointInfo } = await import('../models/checkpoint.ts');
      const { loadModelInterpolator } = await import(
        '../models/model-interpolator.ts'
      );
      // Resolved now: a link such as checkpoints/best may move later.
      const realPath = realpathSync(spec.path);
      const { step } = await readCheckpointInfo(realPath);
      const interpolator = await loadModelInterpolator(realPath);
      // Named as given (model:best), not by the folder the link points to.
      const label = unique(`model:${basename(spec.path)}`);
      methods.push({ label, interpolator, checkpoint: spec.path });
      records.push({
        label, kind: 'checkpoint', checkpoint: spec.path, realPath, step,
      });
    }
  }
  return { methods, records, backend: started ?? NO_BACKEND };
}

async function openDatasets(paths: string[]): Promise<EvalDataset[]> {
  const datasets: EvalDataset[] = [];
  const names = new Set<string>();
  for (const path of paths) {
    const dataset = await openEvalDataset(path);
    let name = dataset.name;
    for (let n = 2; names.has(name); n++) {
      name = `${dataset.name}#${n}`;
    }
    names.add(name);
    datasets.push({ ...dataset, name });
  }
  return datasets;
}

/**
 * Runs the evaluation and writes results.json, results.csv, report.html,
 * run.json and crops/ into `options.out`. Unknown methods, an existing
 * output and unusable data are refused before any work starts.
 */
export async function runEval(options: RunEvalOptions): Promise<EvalResults> {
  const specs = parseMethodSpecs(options.methods);
  checkDestination(options.out, options.overwrite, 'folder');
  const datasets = await openDatasets(options.data);
  const { methods, records, backend } = await createMethods(
    specs, options.backend ?? 'auto');
  const cropSize = options.cropSize ?? DEFAULT_CROP_SIZE;
  const startedAt = new Date().toISOString();

  try {
    return await writeAtomically(options.out, options.overwrite, 'folder',
      async (dir) => {
      await mkdir(dir, { recursive: true });
      const crops = createCropCollector(dir, {
        cropSize,
        maxPerDataset: REPORT_SAMPLES_PER_DATASET,
      });
      const results = await evaluate(datasets, methods, {
        maxSamples: options.maxSamples,
        onSample: crops.hook,
      });

      const run = {
        command: 'fruc eval',
        args: options.argv ?? null,
        options: {
          data: options.data,
          methods: options.methods,
          out: options.finalOut ?? options.out,
          overwrite: options.overwrite,
          maxSamples: options.maxSamples ?? null,
          cropSize: options.cropSize ?? null,
          backend: options.backend ?? null,
        },
        startedAt,
        finishedAt: new Date().toISOString(),
        methods: records,
        data: results.datasets.map((d) => ({
          name: d.name, path: d.path, kind: d.kind, samples: d.samples.length,
        })),
        backend,
        maxSamples: options.maxSamples ?? null,
        cropSize,
      };
      await writeFile(join(dir, 'results.json'), formatResultsJson(results));
      await writeFile(join(dir, 'results.csv'), formatResultsCsv(results));
      await writeFile(join(dir, 'report.html'),
        renderHtmlReport(results, crops.records));
      await writeFile(join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
      return results;
    });
  } finally {
    for (const method of methods) {
      method.interpolator.dispose();
    }
  }
}
