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
