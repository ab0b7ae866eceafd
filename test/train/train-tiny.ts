import { join } from 'node:path';

import { loadGeneratorCheckpoint } from '../../src/models/checkpoint.ts';
import { disposeLayersModel } from '../../src/models/dispose.ts';
import { readRunLog } from '../../src/train/run-log.ts';
import { train, type TrainOptions } from '../../src/train/train-loop.ts';
import { tinyConfig, UCF_TRIPLETS } from './tiny-config.ts';

/**
 * Trains with {@link tinyConfig} (plus `configOverrides`) on
 * {@link UCF_TRIPLETS} with the wasm backend; `overrides` replace options.
 */
export function trainTiny(
  overrides: Partial<TrainOptions> & { outDir: string },
  configOverrides: Record<string, unknown> = {},
) {
  return train({
    config: tinyConfig(configOverrides),
    dataRoot: UCF_TRIPLETS,
    backend: 'wasm',
    ...overrides,
  });
}

/** Weights of the generator saved in `checkpoint`, as plain arrays. */
export async function generatorWeights(
  checkpoint: string,
): Promise<number[][]> {
  const { model } = await loadGeneratorCheckpoint(checkpoint);
  const values = model.getWeights().map((w) => Array.from(w.dataSync()));
  disposeLayersModel(model);
  return values;
}

/**
 * Loss terms and learning rates of every step in run folder `outDir`'s
 * log (validation lines and timings left out), for comparing two runs.
 */
export function stepLosses(outDir: string) {
  return readRunLog(join(outDir, 'log.jsonl'))
    .filter((r) => 'g_total' in r)
    .map(({ step, g_total, g_pixel, g_adv, d_total, d_real, d_fake, lrG,
      lrD }) =>
      ({ step, g_total, g_pixel, g_adv, d_total, d_real, d_fake, lrG, lrD }));
}
