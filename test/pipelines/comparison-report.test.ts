import { describe, expect, it } from 'vitest';

import {
  renderComparisonHtml,
  renderPsnrBars,
} from '../../src/eval/comparison-html.ts';
import {
  buildComparison,
  formatComparisonJson,
  formatComparisonMarkdown,
  formatStat,
  summarize,
  type ComparisonRecord,
} from '../../src/eval/comparison-report.ts';
import { estimateTextWidth } from '../../src/eval/report-html.ts';

const record = (
  method: string,
  set: string,
  seed: number,
  psnr: number,
  ssim: number,
  ie: number,
): ComparisonRecord => ({ method, set, seed, metrics: { psnr, ssim, ie } });

// Hand numbers: aagan on set A over seeds 0, 1, 2 has PSNR 28, 29, 30
// (mean 29, sample std 1), SSIM 0.90, 0.92, 0.94 (mean 0.92, std 0.02),
// IE 6, 6, 9 (mean 7, std sqrt(((1 + 1 + 4) / 2)) = sqrt(3) = 1.7321).
const RECORDS: ComparisonRecord[] = [
  record('aagan', 'A', 0, 28, 0.9, 6),
  record('aagan', 'A', 1, 29, 0.92, 6),
  record('aagan', 'A', 2, 30, 0.94, 9),
  record('blend', 'A', 0, 25, 0.8, 10),
  record('blend', 'A', 1, 25, 0.8, 10),
  record('blend', 'A', 2, 25, 0.8, 10),
  record('aagan', 'B|x', 0, Infinity, 1, 0),
];

const LAYOUT = {
  title: 'Test <comparison>',
  methods: [
    { method: 'blend', description: 'mean' },
    { method: 'aagan', description: 'fine-tuned' },
  ],
  sets: ['A', 'B|x'],
  seeds: [0, 1, 2],
  facts: { 'wall time': '12 s' },
};

describe('summarize', () => {
  it('gives the mean and the sample standard deviation', () => {
    const stat = summarize([1, 2, 3, 4]);

    expect(stat.mean).toBe(2.5);
    expect(stat.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(stat.values).toEqual([1, 2, 3, 4]);
  });

  it('gives no deviation for one value', () => {
    expect(summarize([27.5]))
      .toEqual({ mean: 27.5, std: null, values: [27.5] });
  });

  it('when a value is infinite then the mean is infinite and no std', () => {
    const stat = summarize([30, Infinity]);

    expect(stat.mean).toBe(Infinity);
    expect(stat.std).toBeNull();
  });
});

describe('buildComparison', () => {
  it('groups records per method and set in seed order', () => {
    const comparison = buildComparison(RECORDS, LAYOUT);

    const aagan = comparison.rows[1].sets.A;
    expect(comparison.rows.map((r) => r.method)).toEqual(['blend', 'aagan']);
    expect(aagan.psnr.mean).toBeCloseTo(29, 12);
    expect(aagan.psnr.std).toBeCloseTo(1, 12);
    expect(aagan.ssim.mean).toBeCloseTo(0.92, 12);
    expect(aagan.ssim.std).toBeCloseTo(0.02, 12);
    expect(aagan.ie.mean).toBeCloseTo(7, 12);
    expect(aagan.ie.std).toBeCloseTo(Math.sqrt(3), 12);
    expect(comparison.rows[0].sets.A.psnr.std).toBe(0);
    expect(comparison.rows[0].sets['B|x']).toBeUndefined();
  });
});

describe('comparison report files', () => {
  it('writes mean ± std cells in Markdown, escaping pipes', () => {
    const md = formatComparisonMarkdown(buildComparison(RECORDS, LAYOUT));

    expect(md).toContain(
      '| aagan | fine-tuned | 29.00 ± 1.00 | 0.9200 ± 0.0200 | ' +
        '7.00 ± 1.73 | inf | 1.0000 | 0.00 |');
    expect(md).toContain(
      '| blend | mean | 25.00 ± 0.00 | 0.8000 ± 0.0000 | 10.00 ± 0.00 |' +
        ' — | — | — |');
    expect(md).toContain('B\\|x PSNR (dB)');
    expect(md).toContain('over seeds 0, 1, 2');
    expect(md).toContain('- wall time: 12 s');
  });

  it('formats a stat without a deviation as its mean alone', () => {
    expect(formatStat({ mean: 31.456, std: null, values: [31.456] }, 2))
      .toBe('31.46');
  });

  it('writes infinite PSNR as null in JSON', () => {
    const json = JSON.parse(
      formatComparisonJson(buildComparison(RECORDS, LAYOUT)));

    expect(json.rows[1].sets['B|x'].psnr.mean).toBeNull();
    expect(json.rows[1].sets.A.psnr.values).toEqual([28, 29, 30]);
  });

  it('renders an HTML table, bars and links with escaped text', () => {
    const html = renderComparisonHtml(
      buildComparison(RECORDS, LAYOUT),
      [{ label: 'seed 0', href: 'work/seed-0/eval/report.html' }]);

    expect(html).toContain('<title>Test &lt;comparison&gt;</title>');
    expect(html).toContain('<td>29.00 ± 1.00</td>');
    expect(html).toContain('<h2>PSNR on A</h2>\n<svg');
    expect(html).toContain('href="work/seed-0/eval/report.html"');
  });
  it('leaves room left of the bars for a long method name', () => {
    const name = 'raagan-lr-1e-4-with-a-long-description';
    const svg = renderPsnrBars(buildComparison(
      [record(name, 'A', 0, 30, 0.9, 5), record('blend', 'A', 0, 25, 0.8, 9)],
      { ...LAYOUT, methods: [{ method: name, description: '' }] }), 'A');

    const label = /<text x="([\d.]+)" [^>]*text-anchor="end">([^<]*)</
      .exec(svg);
    expect(label?.[2]).toBe(name);
    // An end-anchored label starts its estimated width left of x.
    expect(Number(label?.[1]) - estimateTextWidth(name))
      .toBeGreaterThanOrEqual(0);
  });
});
