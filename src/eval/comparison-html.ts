/**
 * report.html of the loss comparison: the table of `comparison-report.ts`
 * and, per evaluation set, horizontal PSNR bars with a ± std whisker, so
 * the losses can be told apart at a glance. Self-contained (inline SVG).
 */
import {
  columnLabels,
  rowCells,
  type Comparison,
} from './comparison-report.ts';
import { escapeHtml, estimateTextWidth } from './report-html.ts';

/**
 * One set's PSNR bars; the axis spans the finite means' range ± 1 dB. The
 * method names sit left of the bars, in a margin as wide as the longest
 * (at least 140 px).
 */
export function renderPsnrBars(comparison: Comparison, set: string): string {
  const bars = comparison.rows
    .map((row) => ({ method: row.method, stat: row.sets[set]?.psnr }))
    .filter((b) => b.stat !== undefined && Number.isFinite(b.stat.mean));
  if (bars.length === 0) {
    return '';
  }
  const means = bars.map((b) => b.stat?.mean ?? 0);
  const low = Math.floor(Math.min(...means) - 1);
  const high = Math.ceil(Math.max(...means) + 1);
  const left = Math.max(
    140, ...bars.map((b) => estimateTextWidth(b.method) + 12));
  const plotWidth = 360;
  const rowHeight = 22;
  const height = bars.length * rowHeight + 30;
  const x = (v: number) =>
    left + (plotWidth * (Math.min(Math.max(v, low), high) - low)) /
      (high - low);
  const parts: string[] = [];
  bars.forEach((bar, i) => {
    const mean = bar.stat?.mean ?? low;
    const std = bar.stat?.std ?? 0;
    const y = 10 + i * rowHeight;
    parts.push(
      `<text x="${left - 6}" y="${y + 14}" text-anchor="end">` +
        `${escapeHtml(bar.method)}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${x(mean) - left}" ` +
        `height="${rowHeight - 6}" fill="#4e79a7"/>`,
      `<text x="${x(mean) + 6}" y="${y + 14}">${mean.toFixed(2)}</text>`,
    );
    if (std > 0) {
      parts.push(
        `<line x1="${x(mean - std)}" x2="${x(mean + std)}" ` +
          `y1="${y + 11}" y2="${y + 11}" stroke="#000"/>`);
    }
  });
  const axisY = height - 12;
  parts.push(
    `<text x="${left}" y="${axisY}">${low} dB</text>`,
    `<text x="${left + plotWidth}" y="${axisY}" text-anchor="end">` +
      `${high} dB</text>`,
  );
  const width = left + plotWidth + 60;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" ` +
    `height="${height}" font-family="sans-serif" font-size="11">` +
    `${parts.join('')}</svg>`;
}

/** The whole HTML page; `links` go to per-seed evaluation reports. */
export function renderComparisonHtml(
  comparison: Comparison,
  links: { label: string; href: string }[] = [],
): string {
  const { sets } = comparison;
  const head = ['method', 'what', ...columnLabels(sets)]
    .map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = comparison.rows.map((row) => {
    const cells = [row.method, row.description, ...rowCells(row, sets)];
    return `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  }).join('\n');
  const charts = sets.map((set) =>
    `<h2>PSNR on ${escapeHtml(set)}</h2>\n${renderPsnrBars(comparison, set)}`)
    .join('\n');
  const facts = Object.entries(comparison.facts)
    .map(([k, v]) => `<li>${escapeHtml(k)}: ${escapeHtml(v)}</li>`).join('');
  const linkItems = links
    .map((l) => `<li><a href="${escapeHtml(l.href)}">` +
      `${escapeHtml(l.label)}</a></li>`).join('');
  const seeds = comparison.seeds.join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(comparison.title)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,td:nth-child(2){text-align:left}</style></head>
<body><h1>${escapeHtml(comparison.title)}</h1>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
<p>Seeds: ${escapeHtml(seeds)} (mean ± sample standard deviation when
several). IE: RMS error on 0..255, lower is better.</p>
${charts}
<h2>Run</h2><ul>${facts}</ul>
${linkItems ? `<h2>Per-seed evaluation reports</h2><ul>${linkItems}</ul>` : ''}
</body></html>
`;
}
