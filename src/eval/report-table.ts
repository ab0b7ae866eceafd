import type { EvalResults } from './evaluate.ts';

/** Formats a metric for people: `inf` for an exact reproduction. */
export function formatMetric(value: number, digits: number): string {
  if (value === Infinity) {
    return 'inf';
  }
  return Number.isNaN(value) ? '-' : value.toFixed(digits);
}

/**
 * The terminal table: one row per dataset and method with mean PSNR (dB),
 * SSIM, IE, the sample count and seconds per sample. Ends with a newline.
 */
export function formatResultsTable(results: EvalResults): string {
  const header = ['dataset', 'method', 'PSNR', 'SSIM', 'IE', 'samples', 's/sample'];
  const rows: string[][] = [];
  for (const dataset of results.datasets) {
    for (const label of results.methods) {
      const mean = dataset.means[label];
      rows.push([
        dataset.name,
        label,
        formatMetric(mean.psnr, 2),
        formatMetric(mean.ssim, 4),
        formatMetric(mean.ie, 2),
        String(mean.samples),
        mean.secondsPerSample.toFixed(3),
      ]);
    }
  }
  const widths = header.map((h, col) =>
    Math.max(h.length, ...rows.map((r) => r[col].length)));
  // Text columns align left, numbers right.
  const line = (cells: string[]) =>
    cells
      .map((c, col) => (col < 2 ? c.padEnd(widths[col]) : c.padStart(widths[col])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}
