import { describe, expect, it } from 'vitest';

import {
  computeMetrics,
  interpolationError,
  psnr,
  ssim,
} from '../../src/eval/metrics.ts';
import { cropFrame, createFrame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { sharedData } from '../helpers/paths.ts';

// Reference values: scikit-image 0.19.3, structural_similarity(gt, out,
// channel_axis=-1, gaussian_weights=True, sigma=1.5,
// use_sample_covariance=False, data_range=255), peak_signal_noise_ratio(gt,
// out, data_range=255), IE = sqrt(mean((gt - out) ** 2)) in float64.
const WHOLE_FRAMES: [string, string, number, number, number][] = [
  ['middlebury-others/gt/Venus/frame10i11.png',
    'middlebury-others/input/Venus/frame10.png',
    22.4189760699, 0.6550632706, 19.3015140346],
  ['middlebury-others/gt/Urban2/frame10i11.png',
    'middlebury-others/input/Urban2/frame11.png',
    24.3064405876, 0.6670714961, 15.5316698747],
  ['ucf101-triplets/9/frame1.png', 'ucf101-triplets/9/frame2.png',
    18.0856925799, 0.5827288765, 31.7874398539],
  ['frames/davis-selfie-960x507/010.png', 'frames/davis-selfie-960x507/011.png',
    34.1406204711, 0.9403318930, 5.0062110776],
  ['frames/davis-selfie-960x507/000.png', 'frames/davis-selfie-960x507/067.png',
    16.6545545875, 0.4158224501, 37.4811106089],
];

// Windows [x, y, width, height] cut from both images before measuring.
const CROPS: [string, string, number[], number, number, number][] = [
  ['middlebury-others/gt/Venus/frame10i11.png',
    'middlebury-others/input/Venus/frame10.png', [100, 50, 11, 11],
    35.8496010181, 0.7794502664, 4.1120665011],
  ['ucf101-triplets/9/frame1.png', 'ucf101-triplets/9/frame2.png',
    [150, 100, 37, 16], 13.4022215732, 0.2082040995, 54.5040910937],
];

describe('metrics', () => {
  it.each(WHOLE_FRAMES)('%s vs %s matches scikit-image', async (
    gtPath, outPath, refPsnr, refSsim, refIe,
  ) => {
    const gt = await readPng(sharedData(gtPath));
    const out = await readPng(sharedData(outPath));

    const metrics = computeMetrics(gt, out);

    expect(Math.abs(metrics.psnr - refPsnr)).toBeLessThan(1e-6);
    expect(Math.abs(metrics.ssim - refSsim)).toBeLessThan(1e-5);
    expect(Math.abs(metrics.ie - refIe)).toBeLessThan(1e-6);
    expect(psnr(gt, out)).toBe(metrics.psnr);
    expect(ssim(gt, out)).toBe(metrics.ssim);
    expect(interpolationError(gt, out)).toBe(metrics.ie);
  });

  it.each(CROPS)('crop of %s vs %s matches scikit-image', async (
    gtPath, outPath, [x, y, w, h], refPsnr, refSsim, refIe,
  ) => {
    const gt = cropFrame(await readPng(sharedData(gtPath)), x, y, w, h);
    const out = cropFrame(await readPng(sharedData(outPath)), x, y, w, h);

    const metrics = computeMetrics(gt, out);

    expect(Math.abs(metrics.psnr - refPsnr)).toBeLessThan(1e-6);
    expect(Math.abs(metrics.ssim - refSsim)).toBeLessThan(1e-5);
    expect(Math.abs(metrics.ie - refIe)).toBeLessThan(1e-6);
  });

  it('gives infinite PSNR, SSIM 1 and IE 0 for identical frames', async () => {
    const frame = await readPng(sharedData('ucf101-triplets/3/frame1.png'));

    const metrics = computeMetrics(frame, { ...frame, data: frame.data.slice() });

    expect(metrics).toEqual({ psnr: Infinity, ssim: 1, ie: 0 });
  });

  it('rejects frames of different sizes', async () => {
    const gt = await readPng(sharedData('ucf101-triplets/3/frame1.png'));
    const out = cropFrame(gt, 0, 0, 100, 100);

    expect(() => computeMetrics(gt, out)).toThrow(/same size/);
  });

  it('rejects frames smaller than the SSIM window', () => {
    const tiny = createFrame(10, 40);

    expect(() => ssim(tiny, createFrame(10, 40))).toThrow(/at least 11x11/);
    expect(() => ssim(tiny, createFrame(10, 40))).toThrow(
      expect.objectContaining({ code: 'FRUC_FRAME_TOO_SMALL', exitCode: 2 }));
  });
});
