/**
 * The loss-comparison recipe: extract triplets from videos, pre-train a
 * pixel-loss generator, fine-tune that same start with each loss for the
 * same number of steps, evaluate every result (plus blend and the start)
 * and write report.md, report.json and report.html into the output folder.
 * Finished phases are reused on a re-run (see `compare-phases.ts`).
 */
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { selectBackend, type BackendChoice } from '../backend/select-backend.ts';
import { renderComparisonHtml } from '../eval/comparison-html.ts';
import {
  buildComparison,
  formatComparisonJson,
  formatComparisonMarkdown,
  type Comparison,
  type ComparisonRecord,
} from '../eval/comparison-report.ts';
import type { LossName } from '../losses/names.ts';
import { writeFileAtomically } from '../util/atomic.ts';
import { getLogger } from '../util/logger.ts';
import { createComparePlan, type SeedPlan } from './compare-plan.ts';
import {
  evalPhase,
  extractPhase,
  trainPhase,
  type EvalEntry,
} from './compare-phases.ts';
import { repoPath, type CompareSettings } from './compare-settings.ts';

/** Options of {@link runComparison}. */
export interface CompareOptions {
  /** Validated setting, flags applied. */
  settings: CompareSettings;
  /** Name or path the setting came from (noted in the report). */
  settingName: string;
  /** Output folder: report.{md,json,html} and work/ (reused phases). */
  out: string;
  backend: BackendChoice;
}

/** What a comparison run returns. */
export interface CompareResult {
  comparison: Comparison;
  /** Paths of report.md, report.json and report.html. */
  files: string[];
  /** Wall seconds of this invocation. */
  wallSeconds: number;
}

/** Label of a fine-tuned model in the report. */
export function lossLabel(loss: LossName): string {
  return loss === 'pixel' ? 'pixel (control)' : loss;
}

/** Report label of the pre-trained start. */
export const START_LABEL = 'start (pixel pre-training)';

/** Runs one seed's training and evaluation phases. */
async function runSeed(
  plan: SeedPlan,
  context: {
    work: string;
    settings: CompareSettings;
    triplets: { key: string; dir: string };
    backend: string;
  },
): Promise<{ records: ComparisonRecord[]; seconds: number }> {
  const { work, settings, triplets, backend } = context;
  const seedDir = `seed-${plan.seed}`;
  let seconds = 0;

  // Pre-training: the one start every loss fine-tunes from.
  const start = await trainPhase({
    work,
    name: `${seedDir}/pretrain`,
    config: plan.pretrain,
    parentKey: triplets.key,
    dataRoot: triplets.dir,
    backend,
  });
  seconds += start.seconds;

  // Fine-tuning, one run per loss, all from the same checkpoint.
  const entries: EvalEntry[] = [
    { label: 'blend', method: 'blend' },
    { label: START_LABEL, method: start.result.checkpoint },
  ];
  const keys = [start.key];
  for (const { loss, config } of plan.finetune) {
    const tuned = await trainPhase({
      work,
      name: `${seedDir}/finetune-${loss}`,
      config,
      parentKey: start.key,
      dataRoot: triplets.dir,
      init: start.result.checkpoint,
      backend,
    });
    seconds += tuned.seconds;
    entries.push({ label: lossLabel(loss), method: tuned.result.checkpoint });
    keys.push(tuned.key);
  }

  // Evaluation of the start, every fine-tuned model and blend.
  const data = settings.evalData.map(repoPath);
  const evaluated = await evalPhase(
    work, plan.seed, entries, keys, settings, data);
  seconds += evaluated.seconds;
  return { records: evaluated.result, seconds };
}

function describeMethods(settings: CompareSettings) {
  const n = settings.finetuneSteps;
  return [
    { method: 'blend', description: 'rounded mean of the two inputs' },
    {
      method: START_LABEL,
      description: `pixel loss, ${settings.pretrainSteps} steps`,
    },
    ...settings.losses.map((loss) => ({
      method: lossLabel(loss),
      description: loss === 'pixel'
        ? `start + ${n} steps, pixel loss only`
        : `start + ${n} steps, ${loss}`,
    })),
  ];
}

/**
 * Runs the recipe; see the module docs.
 * @throws PipelineConfigError before any work when a training config
 *   built from the setting is invalid; the errors of extraction,
 *   training and evaluation (FrucError subclasses) as they occur.
 */
export async function runComparison(
  options: CompareOptions,
): Promise<CompareResult> {
  const started = performance.now();
  const logger = getLogger();
  const { settings, out } = options;
  const plan = createComparePlan(settings);
  const backend = await selectBackend(options.backend);
  const work = join(out, 'work');
  await mkdir(work, { recursive: true });

  const videos = settings.videos.map(repoPath);
  const extracted = await extractPhase(work, settings, videos);
  logger.info(
    `compare: ${extracted.result.totals.written} training triplets from ` +
      `${videos.length} input(s)`);
  const triplets = { key: extracted.key, dir: extracted.result.dir };

  const records: ComparisonRecord[] = [];
  let phaseSeconds = extracted.seconds;
  for (const seedPlan of plan) {
    logger.info(`compare: seed ${seedPlan.seed}`);
    const seed = await runSeed(
      seedPlan, { work, settings, triplets, backend });
    records.push(...seed.records);
    phaseSeconds += seed.seconds;
  }

  const sets = [...new Set(records.map((r) => r.set))];
  const wallSeconds = (performance.now() - started) / 1000;
  const comparison = buildComparison(records, {
    title: 'Loss comparison: fine-tuning one pixel-loss start',
    methods: describeMethods(settings),
    sets,
    seeds: settings.seeds,
    facts: {
      setting: options.settingName,
      videos: videos.join(', '),
      'training triplets': String(extracted.result.totals.written),
      'pre-training steps': String(settings.pretrainSteps),
      'fine-tuning steps per loss': String(settings.finetuneSteps),
      'crop size / batch size':
        `${settings.cropSize} / ${settings.batchSize}`,
      'evaluation samples per set': String(settings.maxEvalSamples ?? 'all'),
      backend,
      'wall time of this invocation': `${wallSeconds.toFixed(0)} s`,
      'time of all phases (reused ones as first run)':
        `${phaseSeconds.toFixed(0)} s`,
    },
  });

  const links = settings.seeds.map((seed) => ({
    label: `seed ${seed}`,
    href: relative(out, join(work, `seed-${seed}`, 'eval', 'report.html')),
  }));
  const files = [
    join(out, 'report.md'),
    join(out, 'report.json'),
    join(out, 'report.html'),
  ];
  await writeFileAtomically(files[0], formatComparisonMarkdown(comparison));
  await writeFileAtomically(files[1], formatComparisonJson(comparison));
  await writeFileAtomically(
    files[2], renderComparisonHtml(comparison, links));
  logger.info(`compare: report written to ${files.join(', ')}`);
  return { comparison, files, wallSeconds };
}
