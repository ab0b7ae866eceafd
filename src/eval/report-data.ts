/** Machine-readable reports: results.json and results.csv. */
import type { EvalResults } from './evaluate.ts';
import type { FrameMetrics } from './metrics.ts';

/**
 * results.json: the full results, pretty-printed. JSON has no infinity, so
 * a PSNR of an exact reproduction is written as `null` (noted in the file).
 */
export function formatResultsJson(results: EvalResults): string {
  const body = {
    note: 'psnr in dB (null = identical frames, infinite PSNR); ssim in ' +
      '[-1, 1]; ie = RMS difference on 0..255',
    ...results,
  };
  return `${JSON.stringify(body, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? null : value, 2)}\n`;
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvNumber(value: number): string {
  if (value === Infinity) {
    return 'inf';
  }
  return Number.isNaN(value) ? '' : value.toFixed(6);
}

function csvRow(
  dataset: string,
  method: string,
  sample: string,
  metrics: FrameMetrics,
): string {
  return [
    csvCell(dataset),
    csvCell(method),
    csvCell(sample),
    csvNumber(metrics.psnr),
    csvNumber(metrics.ssim),
    csvNumber(metrics.ie),
  ].join(',');
}

/**
 * results.csv: one row per sample and method, then per dataset one `mean`
 * row per method. Columns: dataset, method, sample, psnr_db, ssim, ie.
 * An infinite PSNR is written `inf`.
 */
export function formatResultsCsv(results: EvalResults): string {
  const lines = ['dataset,method,sample,psnr_db,ssim,ie'];
  for (const dataset of results.datasets) {
    for (const label of results.methods) {
      for (const sample of dataset.samples) {
        lines.push(csvRow(dataset.name, label, sample.id, sample.metrics[label]));
      }
    }
    for (const label of results.methods) {
      lines.push(csvRow(dataset.name, label, 'mean', dataset.means[label]));
    }
  }
  return `${lines.join('\n')}\n`;
}
