/**
 * The loss comparison report: per method and evaluation set, PSNR, SSIM
 * and IE as mean ± standard deviation over seeds, written as Markdown and
 * JSON (HTML in `comparison-html.ts`).
 */
import type { FrameMetrics } from './metrics.ts';

/** One method's mean metrics on one set for one seed. */
export interface ComparisonRecord {
  method: string;
  set: string;
  seed: number;
  metrics: FrameMetrics;
}

/** A metric over seeds. */
export interface SeedStat {
  /** Mean of `values`; `Infinity` when any value is. */
  mean: number;
  /**
   * Sample standard deviation (n - 1 in the denominator); null with one
   * value or when a value is not finite.
   */
  std: number | null;
  /** One value per seed, in seed order. */
  values: number[];
}

/** One method's statistics on one set. */
export type SetStats = Record<keyof FrameMetrics, SeedStat>;

/** A table row: a method and its statistics per set. */
export interface ComparisonRow {
  method: string;
  /** What the method is, e.g. `pixel loss, 300 steps`. */
  description: string;
  /** Keyed by set name; a set the method was not run on is absent. */
  sets: Record<string, SetStats>;
}

/** Everything the report files show. */
export interface Comparison {
  title: string;
  seeds: number[];
  /** Set names in column order. */
  sets: string[];
  rows: ComparisonRow[];
  /** Free-form facts shown under the table (settings, wall time). */
  facts: Record<string, string>;
}

/** What {@link buildComparison} needs besides the records. */
export interface ComparisonLayout {
  title: string;
  /** Methods in row order, with their descriptions. */
  methods: { method: string; description: string }[];
  sets: string[];
  seeds: number[];
  facts?: Record<string, string>;
}

const METRICS: (keyof FrameMetrics)[] = ['psnr', 'ssim', 'ie'];

/** Mean and sample standard deviation of `values` (at least one). */
export function summarize(values: number[]): SeedStat {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const finite = values.every(Number.isFinite);
  if (n < 2 || !finite) {
    return { mean, std: null, values };
  }
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(squares / (n - 1)), values };
}

/**
 * Groups the records into rows. Values of a method and set are taken in
 * `layout.seeds` order; a seed without a record is left out of that cell.
 */
export function buildComparison(
  records: ComparisonRecord[],
  layout: ComparisonLayout,
): Comparison {
  const rows = layout.methods.map(({ method, description }) => {
    const sets: Record<string, SetStats> = {};
    for (const set of layout.sets) {
      const cell = layout.seeds
        .map((seed) => records.find(
          (r) => r.method === method && r.set === set && r.seed === seed))
        .filter((r): r is ComparisonRecord => r !== undefined);
      if (cell.length === 0) {
        continue;
      }
      const stat = (m: keyof FrameMetrics) =>
        summarize(cell.map((r) => r.metrics[m]));
      sets[set] = { psnr: stat('psnr'), ssim: stat('ssim'), ie: stat('ie') };
    }
    return { method, description, sets };
  });
  return {
    title: layout.title,
    seeds: layout.seeds,
    sets: layout.sets,
    rows,
    facts: layout.facts ?? {},
  };
}

/** Decimals shown per metric: PSNR dB 2, SSIM 4, IE 2. */
export const METRIC_DECIMALS: Record<keyof FrameMetrics, number> = {
  psnr: 2,
  ssim: 4,
  ie: 2,
};

/** `28.31 ± 0.12`, or `28.31` without a deviation; `inf` for Infinity. */
export function formatStat(stat: SeedStat, decimals: number): string {
  const mean = stat.mean === Infinity ? 'inf' : stat.mean.toFixed(decimals);
  return stat.std === null ? mean : `${mean} ± ${stat.std.toFixed(decimals)}`;
}

/** Header labels: `<set> PSNR`, `SSIM`, `IE` for each set. */
export function columnLabels(sets: string[]): string[] {
  return sets.flatMap((set) => [`${set} PSNR (dB)`, 'SSIM', 'IE']);
}

/** The cells of one row after the method and description. */
export function rowCells(row: ComparisonRow, sets: string[]): string[] {
  return sets.flatMap((set) => {
    const stats = row.sets[set];
    return METRICS.map((m) =>
      stats ? formatStat(stats[m], METRIC_DECIMALS[m]) : '—');
  });
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** report.md: a title, the table, and the facts as a list. */
export function formatComparisonMarkdown(comparison: Comparison): string {
  const { sets } = comparison;
  const header = ['method', 'what', ...columnLabels(sets)];
  const lines = [
    `# ${comparison.title}`,
    '',
    `| ${header.map(escapeCell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
  ];
  for (const row of comparison.rows) {
    const cells = [row.method, row.description, ...rowCells(row, sets)];
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
  }
  lines.push('');
  const seeds = comparison.seeds.join(', ');
  lines.push(comparison.seeds.length > 1
    ? `Mean ± sample standard deviation over seeds ${seeds}.`
    : `One seed (${seeds}); pass several seeds for mean ± std.`);
  lines.push(
    'PSNR in dB (RGB, 8-bit, whole frame), SSIM (11x11 Gaussian, ' +
      'sigma 1.5), IE = RMS error on 0..255 (lower is better).');
  lines.push('');
  for (const [name, value] of Object.entries(comparison.facts)) {
    lines.push(`- ${name}: ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * report.json: the comparison as is. JSON has no infinity, so an infinite
 * PSNR (identical frames) is written as null.
 */
export function formatComparisonJson(comparison: Comparison): string {
  return `${JSON.stringify(comparison, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value,
  2)}\n`;
}
