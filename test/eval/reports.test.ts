import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openEvalDataset } from '../../src/eval/eval-data.ts';
import { evaluate, type EvalResults } from '../../src/eval/evaluate.ts';
import {
  createCropCollector,
  errorMap,
  pickCropWindow,
  type CropRecord,
} from '../../src/eval/report-crops.ts';
import { formatResultsCsv, formatResultsJson } from '../../src/eval/report-data.ts';
import {
  estimateTextWidth,
  renderHtmlReport,
  renderPsnrChart,
} from '../../src/eval/report-html.ts';
import { formatResultsTable } from '../../src/eval/report-table.ts';
import { readPng } from '../../src/image/png-io.ts';
import {
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../../src/models/baselines.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const temp = makeTempDir();
let results: EvalResults;
let crops: CropRecord[];

beforeAll(async () => {
  const dataset = await openEvalDataset(sharedData('ucf101-triplets'));
  const collector = createCropCollector(temp.dir,
    { cropSize: 64, maxPerDataset: 2 });
  results = await evaluate([dataset], [
    { label: 'repeat', interpolator: createRepeatInterpolator() },
    { label: 'blend', interpolator: createBlendInterpolator() },
  ], { maxSamples: 3, onSample: collector.hook });
  crops = collector.records;
});
afterAll(() => temp.cleanup());

/** The same results with one sample reproduced exactly by `repeat`. */
function withExactSample(): EvalResults {
  const copy = structuredClone(results);
  copy.datasets[0].samples[0].metrics.repeat = { psnr: Infinity, ssim: 1, ie: 0 };
  copy.datasets[0].means.repeat.psnr = Infinity;
  return copy;
}

describe('formatResultsTable', () => {
  it('prints one row per dataset and method with rounded means', () => {
    const lines = formatResultsTable(results).trimEnd().split('\n');

    expect(lines[0].split(/\s+/)).toEqual(
      ['dataset', 'method', 'PSNR', 'SSIM', 'IE', 'samples', 's/sample']);
    expect(lines).toHaveLength(4);
    const blend = results.datasets[0].means.blend;
    expect(lines[3].split(/\s+/).slice(0, 6)).toEqual([
      'ucf101-triplets', 'blend', blend.psnr.toFixed(2), blend.ssim.toFixed(4),
      blend.ie.toFixed(2), '3',
    ]);
  });

  it('shows an infinite PSNR as inf', () => {
    expect(formatResultsTable(withExactSample())).toMatch(/repeat\s+inf\s/);
  });
});

describe('formatResultsCsv', () => {
  it('writes a row per sample and method, then a mean row per method', () => {
    const rows = formatResultsCsv(results).trimEnd().split('\n');

    expect(rows[0]).toBe('dataset,method,sample,psnr_db,ssim,ie');
    expect(rows).toHaveLength(1 + 2 * 3 + 2);
    expect(rows.slice(1, 4).map((r) => r.split(',').slice(0, 3).join(','))).toEqual(
      ['ucf101-triplets,repeat,1', 'ucf101-triplets,repeat,2',
        'ucf101-triplets,repeat,3']);
    const mean = rows[8].split(',');
    expect(mean.slice(0, 3)).toEqual(['ucf101-triplets', 'blend', 'mean']);
    expect(Number(mean[3])).toBeCloseTo(results.datasets[0].means.blend.psnr, 6);
  });

  it('writes inf for an infinite PSNR', () => {
    expect(formatResultsCsv(withExactSample())).toContain(
      'ucf101-triplets,repeat,1,inf,1.000000,0.000000');
  });
});

describe('formatResultsJson', () => {
  it('round-trips the results and writes an infinite PSNR as null', () => {
    const parsed = JSON.parse(formatResultsJson(withExactSample()));

    expect(parsed.note).toMatch(/null = identical frames/);
    expect(parsed.datasets[0].samples[0].metrics.repeat.psnr).toBeNull();
    expect(parsed.datasets[0].means.blend.ssim)
      .toBe(results.datasets[0].means.blend.ssim);
  });
});

describe('report crops', () => {
  it('writes crops of inputs, predictions, ground truth and error maps', async () => {
    expect(crops.map((c) => c.sampleId)).toEqual(['1', '2']);
    const record = crops[1];
    const gtCrop = await readPng(join(temp.dir, record.gt));
    const full = await readPng(sharedData('ucf101-triplets/2/frame1.png'));
    const { x, y } = record.window;

    expect([gtCrop.width, gtCrop.height]).toEqual([64, 64]);
    expect(gtCrop.data.subarray(0, 3)).toEqual(full.data.subarray(
      (y * full.width + x) * 3, (y * full.width + x) * 3 + 3));
    expect(Object.keys(record.methods)).toEqual(['repeat', 'blend']);
    const error = await readFile(join(temp.dir, record.methods.blend.error));
    expect(error.subarray(1, 4).toString()).toBe('PNG');
  });

  it('picks the window where the two inputs differ most', async () => {
    const prev = await readPng(sharedData('ucf101-triplets/2/frame0.png'));
    const next = structuredClone(prev);
    for (let row = 200; row < 220; row++) {
      next.data.fill(0, (row * 320 + 10) * 3, (row * 320 + 30) * 3);
    }

    const window = pickCropWindow(prev, next, 64);

    expect(window.width).toBe(64);
    expect(window.x).toBeLessThanOrEqual(10);
    expect(window.x + 64).toBeGreaterThanOrEqual(30);
    expect(window.y).toBeLessThanOrEqual(200);
    expect(window.y + 64).toBeGreaterThanOrEqual(220);
  });

  it('clips the window to frames smaller than the crop size', async () => {
    const prev = await readPng(sharedData('ucf101-triplets/2/frame0.png'));

    expect(pickCropWindow(prev, prev, 1000)).toEqual(
      { x: 0, y: 0, width: 320, height: 240 });
  });

  it('draws the error map as the mean absolute difference times 4', async () => {
    const gt = await readPng(sharedData('ucf101-triplets/2/frame1.png'));
    const out = await readPng(sharedData('ucf101-triplets/2/frame0.png'));

    const map = errorMap(gt, out);

    for (const i of [0, 3 * 5000, 3 * 40000]) {
      const diff = [0, 1, 2].reduce(
        (s, c) => s + Math.abs(gt.data[i + c] - out.data[i + c]), 0);
      expect(map.data[i]).toBe(Math.min(255, Math.round((diff / 3) * 4)));
      expect(map.data[i + 1]).toBe(map.data[i]);
    }
  });
});

describe('renderHtmlReport', () => {
  it('holds the means, a PSNR bar chart and every crop', () => {
    const html = renderHtmlReport(results, crops, 'eval <test>');

    expect(html).toContain('<title>eval &lt;test&gt;</title>');
    expect(html.match(/<rect [^>]*height="(?!12")/g)).toHaveLength(2);
    for (const record of crops) {
      for (const path of [record.prev, record.next, record.gt,
        record.methods.blend.image, record.methods.blend.error]) {
        expect(html).toContain(`src="${path}"`);
      }
    }
    const blendPsnr = results.datasets[0].means.blend.psnr.toFixed(2);
    expect(html).toContain(`<td>${blendPsnr}</td>`);
  });

  it('draws bars in proportion to PSNR', () => {
    const svg = renderPsnrChart(results);
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)" fill/g)]
      .map((m) => Number(m[1]));
    const { repeat, blend } = results.datasets[0].means;

    expect(heights[0] / heights[1]).toBeCloseTo(repeat.psnr / blend.psnr, 6);
  });
  it('gives images plain alt text without markup', () => {
    const html = renderHtmlReport(results, crops);

    const alts = [...html.matchAll(/ alt="([^"]*)"/g)].map((m) => m[1]);
    expect(alts.length).toBeGreaterThan(0);
    expect(alts.filter((a) => /&lt;|&amp;|</.test(a))).toEqual([]);
    const m = crops[0].metrics.blend;
    expect(alts).toContain(
      `blend: ${m.psnr.toFixed(2)} dB / ${m.ssim.toFixed(4)}`);
    expect(html).toContain(`blend<br>${m.psnr.toFixed(2)} dB`);
  });
});

/** `results` with the extra methods `labels`, copying blend's means. */
function withMethods(labels: string[]): EvalResults {
  const copy = structuredClone(results);
  for (const label of labels) {
    copy.methods.push(label);
    for (const dataset of copy.datasets) {
      dataset.means[label] = { ...dataset.means.blend };
    }
  }
  return copy;
}

/** The svg's width and its legend labels with their x positions. */
function legendOf(svg: string): { width: number; x: number; label: string }[] {
  const width = Number(/^<svg [^>]*width="([\d.]+)"/.exec(svg)?.[1]);
  const legend = /<g class="legend">(.*?)<\/g>/.exec(svg)?.[1] ?? '';
  return [...legend.matchAll(/<text x="([\d.]+)"[^>]*>([^<]*)<\/text>/g)]
    .map((m) => ({ width, x: Number(m[1]), label: m[2] }));
}

describe('renderPsnrChart legend', () => {
  it('estimates at least 6 px per character at 11 px', () => {
    expect(estimateTextWidth('minterpolate')).toBeGreaterThanOrEqual(12 * 6);
    expect(estimateTextWidth('ab', 22)).toBe(2 * estimateTextWidth('a', 22));
  });

  it.each([
    ['the three baselines on one set', ['minterpolate']],
    ['many long labels', ['minterpolate', 'model:step-1200-raagan-long-name',
      'model:ckpt#2', 'model:pixel-loss-baseline', 'model:best']],
  ])('fits every entry inside the svg: %s', (_, extra) => {
    const svg = renderPsnrChart(withMethods(extra));

    const entries = legendOf(svg);
    expect(entries.map((e) => e.label)).toEqual(
      ['repeat', 'blend', ...extra]);
    for (const { width, x, label } of entries) {
      expect(x + estimateTextWidth(label), label).toBeLessThanOrEqual(width);
    }
  });

  it('wraps a long legend into rows rather than one wide line', () => {
    const labels = Array.from({ length: 8 }, (_, i) => `model:run-${i}-abc`);
    const svg = renderPsnrChart(withMethods(labels));

    const rows = new Set([...svg.matchAll(
      /<rect x="[\d.]+" y="([\d.]+)" width="12"/g)].map((m) => m[1]));
    expect(rows.size).toBeGreaterThan(1);
    expect(legendOf(svg)[0].width).toBeLessThan(
      labels.length * estimateTextWidth(labels[0]));
  });
});
