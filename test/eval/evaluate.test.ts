import { describe, expect, it } from 'vitest';

import { openEvalDataset } from '../../src/eval/eval-data.ts';
import { evaluate, summarize } from '../../src/eval/evaluate.ts';
import {
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../../src/models/baselines.ts';
import { sharedData } from '../helpers/paths.ts';

// Means over the whole set measured with scikit-image 0.19 (psnr, ssim,
// ie); issue 2 rounds them to 27.58 / 0.8934 and 30.52 / 0.9126. The
// Middlebury rows are checked end to end in test/cli/eval.test.ts.
const REFERENCE = {
  repeat: [27.575050, 0.893426, 12.460443],
  blend: [30.515668, 0.912626, 9.275712],
};

describe('evaluate', () => {
  it('reproduces the repeat and blend rows on UCF101', async () => {
    const datasets = [await openEvalDataset(sharedData('ucf101-triplets'))];
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
    expect(results.datasets[0].samples).toHaveLength(21);
    expect(seen).toHaveLength(21);
    expect(seen[20]).toBe('ucf101-triplets/21:repeat,blend');
    for (const label of ['repeat', 'blend'] as const) {
      const [psnr, ssim, ie] = REFERENCE[label];
      const mean = results.datasets[0].means[label];
      expect(Math.abs(mean.psnr - psnr)).toBeLessThan(1e-6);
      expect(Math.abs(mean.ssim - ssim)).toBeLessThan(1e-6);
      expect(Math.abs(mean.ie - ie)).toBeLessThan(1e-6);
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
