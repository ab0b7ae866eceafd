import { describe, expect, it } from 'vitest';

import { openEvalDataset } from '../../src/eval/eval-data.ts';
import { evaluate, summarize } from '../../src/eval/evaluate.ts';
import {
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../../src/models/baselines.ts';
import { sharedData } from '../helpers/paths.ts';

// Means over each whole set measured with scikit-image 0.19 (psnr, ssim,
// ie); the rounded rows of issue 2 are 24.75 / 0.7493, 28.00 / 0.7993,
// 27.58 / 0.8934 and 30.52 / 0.9126.
const REFERENCE = {
  'middlebury-others': {
    repeat: [24.753013, 0.749310, 15.985858],
    blend: [27.998263, 0.799253, 11.468310],
  },
  'ucf101-triplets': {
    repeat: [27.575050, 0.893426, 12.460443],
    blend: [30.515668, 0.912626, 9.275712],
  },
};

describe('evaluate', () => {
  it('reproduces the repeat and blend rows on both reference sets', async () => {
    const datasets = await Promise.all([
      openEvalDataset(sharedData('middlebury-others')),
      openEvalDataset(sharedData('ucf101-triplets')),
    ]);
    const methods = [
      { label: 'repeat', interpolator: createRepeatInterpolator() },
      { label: 'blend', interpolator: createBlendInterpolator() },
    ];
    const seen: string[] = [];

    const results = await evaluate(datasets, methods, {
      onSample: async (dataset, sample, predictions) => {
        seen.push(`${dataset.name}/${sample.id}:${[...predictions.keys()]}`);
      },
    });

    expect(results.methods).toEqual(['repeat', 'blend']);
    expect(results.datasets.map((d) => d.samples.length)).toEqual([12, 21]);
    expect(seen).toHaveLength(33);
    expect(seen[0]).toBe('middlebury-others/Beanbags:repeat,blend');
    for (const dataset of results.datasets) {
      const reference = REFERENCE[dataset.name as keyof typeof REFERENCE];
      for (const label of ['repeat', 'blend'] as const) {
        const [psnr, ssim, ie] = reference[label];
        const mean = dataset.means[label];
        expect(Math.abs(mean.psnr - psnr)).toBeLessThan(1e-6);
        expect(Math.abs(mean.ssim - ssim)).toBeLessThan(1e-6);
        expect(Math.abs(mean.ie - ie)).toBeLessThan(1e-6);
      }
    }
  });

  it('stops each dataset after maxSamples', async () => {
    const dataset = await openEvalDataset(sharedData('ucf101-triplets'));
    const methods = [{ label: 'blend', interpolator: createBlendInterpolator() }];

    const results = await evaluate([dataset], methods, { maxSamples: 2 });

    expect(results.datasets[0].samples.map((s) => s.id)).toEqual(['1', '2']);
    expect(results.datasets[0].means.blend.samples).toBe(2);
  });

  it('rejects two methods with the same label', async () => {
    const methods = ['blend', 'blend'].map((label) => ({
      label, interpolator: createBlendInterpolator(),
    }));

    await expect(evaluate([], methods)).rejects.toThrow(/labels must be unique/);
  });
});

describe('summarize', () => {
  it('averages per-sample metrics; one exact sample makes PSNR infinite', () => {
    const summary = summarize([
      { psnr: 30, ssim: 0.9, ie: 4 },
      { psnr: Infinity, ssim: 1, ie: 0 },
    ], 3);

    expect(summary).toEqual({
      psnr: Infinity, ssim: 0.95, ie: 2, samples: 2, secondsPerSample: 1.5,
    });
  });
});
