/**
 * report.html: the mean table, an inline SVG bar chart of PSNR per method
 * and, per sample, crops side by side (inputs, each method, ground truth,
 * error maps). Images are PNG files beside the report, linked relatively.
 */
import type { EvalResults } from './evaluate.ts';
import type { CropRecord } from './report-crops.ts';
import { formatMetric } from './report-table.ts';

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2',
  '#edc948', '#b07aa1', '#ff9da7'];

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;')
    .replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Average glyph width of sans-serif text, as a share of the font size. */
const CHAR_WIDTH_EM = 0.62;

/**
 * Rough width in pixels of `text` in a sans-serif font of `fontSize`
 * pixels: wide enough for lower-case Latin text and digits, so that labels
 * placed with it are not clipped. Default font size 11 (the chart's).
 */
export function estimateTextWidth(text: string, fontSize = 11): number {
  return Math.ceil(text.length * fontSize * CHAR_WIDTH_EM);
}

/** Where one legend entry sits: swatch at (x, y), its label after it. */
export interface LegendEntry {
  label: string;
  x: number;
  y: number;
}

const SWATCH = 12;
const SWATCH_GAP = 4;
const ENTRY_GAP = 18;
const LEGEND_ROW = 18;

/**
 * Lays legend entries out left to right from `left`, starting a new row
 * (18 px lower) when an entry would pass `maxRight`. An entry wider than
 * the row still gets a row of its own.
 * @returns The entries and the right edge of the widest row.
 */
export function layoutLegend(
  labels: string[],
  left: number,
  maxRight: number,
): { entries: LegendEntry[]; right: number; rows: number } {
  const entries: LegendEntry[] = [];
  let x = left;
  let row = 0;
  let right = left;
  for (const label of labels) {
    const width = SWATCH + SWATCH_GAP + estimateTextWidth(label);
    if (x > left && x + width > maxRight) {
      row++;
      x = left;
    }
    entries.push({ label, x, y: row * LEGEND_ROW });
    right = Math.max(right, x + width);
    x += width + ENTRY_GAP;
  }
  return { entries, right, rows: labels.length > 0 ? row + 1 : 0 };
}

/**
 * Grouped bar chart: one group per dataset, one bar per method, height =
 * mean PSNR in dB. An infinite PSNR is drawn at the top and labelled `inf`.
 * The legend below wraps into rows; the SVG is as wide as the plot or the
 * widest legend row (by {@link estimateTextWidth}), whichever is wider.
 */
export function renderPsnrChart(results: EvalResults): string {
  const finite = results.datasets.flatMap((d) =>
    results.methods.map((m) => d.means[m].psnr)).filter(Number.isFinite);
  const top = Math.max(5, Math.ceil(Math.max(0, ...finite) / 5) * 5);
  const barWidth = 28;
  const groupGap = 40;
  const plotHeight = 220;
  const left = 50;
  const groupWidth = results.methods.length * barWidth + groupGap;
  const plotWidth = left + results.datasets.length * groupWidth + 20;
  const legend = layoutLegend(
    results.methods, left, Math.max(plotWidth, 480) - 10);
  const width = Math.max(plotWidth, legend.right + 10);
  const legendTop = plotHeight + 60;
  const height = legendTop + legend.rows * LEGEND_ROW + 10;
  const y = (v: number) => 20 + plotHeight * (1 - Math.min(v, top) / top);
  const parts: string[] = [];

  for (let tick = 0; tick <= top; tick += 5) {
    parts.push(
      `<line x1="${left}" x2="${plotWidth - 10}" y1="${y(tick)}" ` +
        `y2="${y(tick)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  results.datasets.forEach((dataset, d) => {
    const x0 = left + 10 + d * groupWidth;
    results.methods.forEach((label, m) => {
      const value = dataset.means[label].psnr;
      const shown = Number.isFinite(value) ? value : top;
      const x = x0 + m * barWidth;
      parts.push(
        `<rect x="${x}" y="${y(shown)}" width="${barWidth - 4}" ` +
          `height="${y(0) - y(shown)}" fill="${COLORS[m % COLORS.length]}">` +
          `<title>${escapeHtml(label)}: ${formatMetric(value, 2)} dB</title></rect>`,
        `<text x="${x + (barWidth - 4) / 2}" y="${y(shown) - 4}" ` +
          `text-anchor="middle" font-size="9">${formatMetric(value, 1)}</text>`,
      );
    });
    parts.push(
      `<text x="${x0 + (results.methods.length * barWidth) / 2}" ` +
        `y="${y(0) + 18}" text-anchor="middle">${escapeHtml(dataset.name)}</text>`,
    );
  });
  const legendParts = legend.entries.map((entry, m) => {
    const rowTop = legendTop + entry.y;
    return `<rect x="${entry.x}" y="${rowTop}" width="${SWATCH}" ` +
      `height="${SWATCH}" fill="${COLORS[m % COLORS.length]}"/>` +
      `<text x="${entry.x + SWATCH + SWATCH_GAP}" y="${rowTop + 10}">` +
      `${escapeHtml(entry.label)}</text>`;
  });
  parts.push(`<g class="legend">${legendParts.join('')}</g>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" ` +
    `height="${height}" font-family="sans-serif" font-size="11" ` +
    `role="img" aria-label="mean PSNR per method">` +
    `<text x="${left}" y="12">mean PSNR (dB)</text>${parts.join('')}</svg>`;
}

function meansTable(results: EvalResults): string {
  const rows = results.datasets.flatMap((d) => results.methods.map((label) => {
    const m = d.means[label];
    return `<tr><td>${escapeHtml(d.name)}</td><td>${escapeHtml(label)}</td>` +
      `<td>${formatMetric(m.psnr, 2)}</td><td>${formatMetric(m.ssim, 4)}</td>` +
      `<td>${formatMetric(m.ie, 2)}</td><td>${m.samples}</td>` +
      `<td>${m.secondsPerSample.toFixed(3)}</td></tr>`;
  }));
  return '<table><tr><th>dataset</th><th>method</th><th>PSNR (dB)</th>' +
    '<th>SSIM</th><th>IE</th><th>samples</th><th>s/sample</th></tr>' +
    `${rows.join('\n')}</table>`;
}

/**
 * One image with a caption. `caption` is plain text, used as the alt text
 * too; `captionHtml` (already escaped) replaces it under the image.
 */
function figure(src: string, caption: string, captionHtml?: string): string {
  return `<figure><img src="${escapeHtml(src)}" alt="${escapeHtml(caption)}">` +
    `<figcaption>${captionHtml ?? escapeHtml(caption)}</figcaption></figure>`;
}

function cropSection(record: CropRecord, methods: string[]): string {
  const w = record.window;
  const images = [
    figure(record.prev, 'previous'),
    figure(record.next, 'next'),
    ...methods.map((label) => {
      const m = record.metrics[label];
      const figures = `${formatMetric(m.psnr, 2)} dB / ` +
        `${formatMetric(m.ssim, 4)}`;
      return figure(record.methods[label].image,
        `${label}: ${figures}`, `${escapeHtml(label)}<br>${figures}`);
    }),
    figure(record.gt, 'ground truth'),
    ...methods.map((label) =>
      figure(record.methods[label].error, `error ${label}`)),
  ];
  return `<section><h3>${escapeHtml(record.dataset)} / ` +
    `${escapeHtml(record.sampleId)} <small>crop ${w.width}x${w.height}` +
    `+${w.x}+${w.y}</small></h3><div class="row">${images.join('')}</div>` +
    '</section>';
}

/**
 * The whole report page. `title` heads it; `crops` are the records of the
 * crop collector, shown in order.
 */
export function renderHtmlReport(
  results: EvalResults,
  crops: CropRecord[],
  title = 'fruc eval',
): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; }
td:nth-child(n+3) { text-align: right; } tr:nth-child(even) { background: #f4f4f4; }
.row { display: flex; flex-wrap: wrap; gap: 6px; }
figure { margin: 0; text-align: center; font-size: 12px; }
img { image-rendering: pixelated; display: block; }
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>PSNR (RGB, 8-bit, whole frame), SSIM (11x11 Gaussian window, sigma 1.5,
mean over R, G, B) and IE (RMS difference, 0..255), averaged per dataset.
Error maps show |prediction - ground truth| x4.</p>
${meansTable(results)}
<h2>Mean PSNR</h2>
${renderPsnrChart(results)}
<h2>Samples</h2>
${crops.map((c) => cropSection(c, results.methods)).join('\n')}
</body></html>
`;
}
