import { describe, expect, it } from 'vitest';

import {
  runMemoryBlock,
  runUpconvertBlock,
} from '../../src/bench/bench-blocks.ts';
import { loadTrainConfig } from '../../src/config/train-config.ts';
import { makeTempDir, REPO_ROOT, sharedData } from '../helpers/paths.ts';

const box = sharedData('videos', 'box.mp4');

describe('runUpconvertBlock', () => {
  it('measures speed and PSNR of the model and minterpolate', async () => {
    const config = loadTrainConfig(`${REPO_ROOT}/configs/aagan.json`);
    const { dir, cleanup } = makeTempDir();
    try {
      const block = await runUpconvertBlock(
        config, box, dir, { seconds: 0.5, psnrSamples: 2 });

      expect(block.psnrSamples).toBe(2);
      expect(block.threads).toBeGreaterThanOrEqual(1);
      for (const value of [block.modelFps, block.modelFpsOneThread,
        block.minterpolateFps,
        block.modelPsnr, block.minterpolatePsnr]) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeGreaterThan(0);
      }
    } finally {
      cleanup();
    }
  }, 180_000);
});

describe('runMemoryBlock', () => {
  it('reads a peak RSS for a short and a long clip', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const block = await runMemoryBlock(
        box, dir, { shortSeconds: 0.5, longSeconds: 1 });

      expect(block.shortPeakMiB).toBeGreaterThan(10);
      expect(block.longPeakMiB).toBeGreaterThan(10);
      expect(block.longWallSec).toBeGreaterThan(0);
    } finally {
      cleanup();
    }
  }, 180_000);
});
