/**
 * The main job on an embedded default: fetch a sample clip, extract
 * triplets, upconvert the clip, evaluate the methods with the video
 * protocol and write the report. `fruc demo` is a thin wrapper over this.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

import { selectBackend, type BackendChoice } from '../backend/select-backend.ts';
import { extractTriplets } from '../data/extract.ts';
import type { ExtractSummary } from '../data/manifest.ts';
import { InputMissingError } from '../errors.ts';
import type { EvalResults } from '../eval/evaluate.ts';
import { runEval } from '../eval/run-eval.ts';
import { createBlendInterpolator } from '../models/baselines.ts';
import {
  DEFAULT_CHECKPOINT,
  findDefaultCheckpoint,
} from '../models/default-checkpoint.ts';
import type { Interpolator } from '../models/interpolator.ts';
import { loadInferenceInterpolator } from '../models/load-interpolator.ts';
import { writeAtomically } from '../util/atomic.ts';
import { getLogger } from '../util/logger.ts';
import { getSampleClip, type SampleClip } from '../video/sample-clip.ts';
import { upconvert, type UpconvertResult } from '../video/upconvert.ts';

/** Settings of {@link runDemo}; every one has a default. */
export interface DemoOptions {
  /** Folder for everything the demo writes; replaced on each run. */
  out: string;
  /** Where the sample clip is cached. Default `videos/`. */
  videosDir: string;
  /** Use this clip instead of fetching or generating one. */
  clip?: string;
  /** Generator checkpoint; default `checkpoints/default` when it exists. */
  checkpoint?: string;
  /** Allow fetching Debian's opencv-doc package. Default true. */
  download: boolean;
  /** Video-protocol samples evaluated per method. Default 40. */
  evalSamples: number;
  /** Triplets extracted from the clip. Default 64. */
  maxTriplets: number;
  backend: BackendChoice;
}

/** Default checkpoint, used when it exists and no other is given. */
export { DEFAULT_CHECKPOINT };

/** Everything the demo produced, for the closing summary. */
export interface DemoResult {
  clip: SampleClip;
  triplets: ExtractSummary;
  tripletsDir: string;
  upconverted: UpconvertResult;
  reportDir: string;
  evaluation: EvalResults;
  checkpoint?: string;
}

function findCheckpoint(options: DemoOptions): string | undefined {
  if (options.checkpoint) {
    return options.checkpoint;
  }
  return findDefaultCheckpoint();
}

async function createUpconverter(
  checkpoint: string | undefined,
  backend: BackendChoice,
): Promise<Interpolator> {
  if (!checkpoint) {
    getLogger().warn(
      'no trained checkpoint (checkpoints/default is missing); the demo ' +
        'upconverts with the blend baseline',
    );
    return createBlendInterpolator();
  }
  await selectBackend(backend);
  return loadInferenceInterpolator(checkpoint);
}

/** Runs the whole demo; see the module comment. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  if (options.clip && !existsSync(options.clip)) {
    throw new InputMissingError(options.clip, 'clip');
  }
  const out = resolve(options.out);
  // The demo owns its output folder: it is rebuilt under a temporary name
  // and replaces the previous run's only when every step has succeeded.
  const result = await writeAtomically(out, true, 'folder', async (temp) => {
    await mkdir(temp, { recursive: true });
    return runSteps(options, temp, out);
  });
  return {
    ...result,
    tripletsDir: join(out, 'triplets'),
    reportDir: join(out, 'report'),
  };
}

/** The demo's steps, writing into `out`, which becomes `finalOut`. */
async function runSteps(
  options: DemoOptions,
  out: string,
  finalOut: string,
): Promise<DemoResult> {
  const logger = getLogger();

  // 1. A real clip when the machine can get one, else a generated one.
  const clip = options.clip
    ? { path: options.clip, origin: 'generated' as const,
      note: `clip given on the command line: ${options.clip}` }
    : await getSampleClip(options.videosDir, { allowDownload: options.download });
  logger.info(`demo clip: ${clip.note} (${clip.path})`);

  // 2. Training triplets, as `fruc extract` writes them.
  const tripletsDir = join(out, 'triplets');
  const triplets = await extractTriplets([clip.path], {
    out: tripletsDir,
    cropSize: 128,
    maxTriplets: options.maxTriplets,
    seed: 'demo',
  });

  // 3. Upconvert the clip x2 with the model (or blend without one).
  const checkpoint = findCheckpoint(options);
  const interpolator = await createUpconverter(checkpoint, options.backend);
  const stem = basename(clip.path, extname(clip.path));
  let upconverted: UpconvertResult;
  try {
    upconverted = await upconvert(clip.path, join(out, `${stem}-x2.mp4`), {
      factor: 2,
      method: interpolator,
    });
  } finally {
    interpolator.dispose();
  }

  // 4. Compare the methods on the clip by the video protocol.
  const reportDir = join(out, 'report');
  const methods = ['repeat', 'blend', 'minterpolate'];
  if (checkpoint) {
    methods.push(checkpoint);
  }
  const evaluation = await runEval({
    data: [clip.path],
    methods,
    out: reportDir,
    overwrite: true,
    maxSamples: options.evalSamples,
    backend: options.backend,
    argv: ['demo'],
    finalOut: join(finalOut, 'report'),
  });
  return { clip, triplets, tripletsDir, upconverted, reportDir, evaluation,
    checkpoint };
}
