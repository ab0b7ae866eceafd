import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

import { writeAtomically } from '../util/atomic.ts';
import { disposeLayersModel } from './dispose.ts';
import {
  CheckpointKindError,
  CheckpointMismatchError,
  CheckpointMissingError,
  CheckpointUnreadableError,
  NotACheckpointError,
} from './errors.ts';
import {
  createGenerator,
  GENERATOR_CONFIG_RANGES,
  GENERATOR_KIND,
  type GeneratorConfig,
} from './generator.ts';

/** Version of the `checkpoint.json` layout written by this module. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Name of the generator's subfolder inside a checkpoint. */
export const GENERATOR_DIR = 'generator';

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';
const INFO_FILE = 'checkpoint.json';

const rangeOf = (key: keyof typeof GENERATOR_CONFIG_RANGES) =>
  z.number().int().min(GENERATOR_CONFIG_RANGES[key][0])
    .max(GENERATOR_CONFIG_RANGES[key][1]);

const infoSchema = z.object({
  formatVersion: z.literal(CHECKPOINT_FORMAT_VERSION),
  modelKind: z.string(),
  generator: z.object({ width: rangeOf('width'), levels: rangeOf('levels') }),
  step: z.number().int().nonnegative(),
  createdAt: z.string(),
  meta: z.record(z.string(), z.unknown()),
});

/**
 * Contents of `checkpoint.json`, next to `generator/` (and, from training,
 * `discriminator/` and optimiser state) in a checkpoint folder.
 */
export type CheckpointInfo = z.infer<typeof infoSchema>;

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new CheckpointUnreadableError(path, (err as Error).message);
  }
}

function requireFile(dir: string, path: string, relative: string): void {
  if (!existsSync(path)) {
    throw new NotACheckpointError(dir, relative);
  }
}

function requireFolder(dir: string): void {
  if (!existsSync(dir)) {
    throw new CheckpointMissingError(dir);
  }
}

/**
 * Writes `model` in the TensorFlow.js layers format as `dir/name/model.json`
 * plus `dir/name/weights.bin` (the layout `tf.loadLayersModel` reads over
 * HTTP too). The subfolder is replaced atomically; `dir` must exist.
 */
export async function saveLayersModel(
  dir: string,
  name: string,
  model: tf.LayersModel,
): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(saved) };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) {
    throw new Error(`saveLayersModel: ${name} produced no weights.`);
  }
  const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson = {
    weightsSha256: sha256(new Uint8Array(weights)),
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [
      { paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs },
    ],
  };
  await writeAtomically(join(dir, name), true, 'folder', async (temp) => {
    await mkdir(temp, { recursive: true });
    await writeFile(join(temp, WEIGHTS_FILE), new Uint8Array(weights));
    await writeFile(join(temp, MODEL_FILE), JSON.stringify(modelJson));
  });
}

/** Hex SHA-256 of `bytes`: model.json's `weightsSha256`, which catches
 * weights damaged in ways that keep their size and finite values. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const BYTES_PER_DTYPE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number {
  return specs.reduce((total, spec) => {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const count = spec.shape.reduce((a, b) => a * b, 1);
    return total + count * (BYTES_PER_DTYPE[dtype] ?? 4);
  }, 0);
}

/** Reads `dir/name/` back into artifacts, checking files and byte counts. */
type StoredArtifacts = tf.io.ModelArtifacts & {
  weightSpecs: tf.io.WeightsManifestEntry[];
};

async function readArtifacts(
  dir: string,
  name: string,
): Promise<StoredArtifacts> {
  requireFolder(dir);
  const modelPath = join(dir, name, MODEL_FILE);
  requireFile(dir, modelPath, `${name}/${MODEL_FILE}`);
  const modelJson = (await readJson(modelPath)) as Partial<tf.io.ModelJSON> &
    { weightsSha256?: unknown };
  const manifest = modelJson.weightsManifest;
  if (!modelJson.modelTopology || !Array.isArray(manifest)) {
    throw new CheckpointUnreadableError(
      modelPath,
      'modelTopology or weightsManifest is missing',
    );
  }
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const buffers: Uint8Array[] = [];
  for (const group of manifest) {
    for (const file of group.paths) {
      const path = join(dir, name, file);
      requireFile(dir, path, `${name}/${file}`);
      buffers.push(await readFile(path));
    }
  }
  const total = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  const expected = expectedBytes(weightSpecs);
  if (total !== expected) {
    // A size that disagrees with the checkpoint's own manifest is damage
    // (a truncated or partly copied file), not a model mismatch.
    throw new CheckpointUnreadableError(
      join(dir, name),
      `its weights hold ${total} bytes but its manifest needs ${expected}`,
    );
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  // Checkpoints written before the digest existed have none to check.
  if (typeof modelJson.weightsSha256 === 'string' &&
    sha256(weightData) !== modelJson.weightsSha256) {
    throw new CheckpointUnreadableError(
      join(dir, name),
      `its weights do not match the SHA-256 digest in ${MODEL_FILE}`,
    );
  }
  return {
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    weightSpecs,
    weightData: weightData.buffer,
  };
}

/**
 * Loads `dir/name/` as a new model built from its own stored topology.
 * Custom layers must be registered first (importing their modules does it).
 */
export async function loadLayersModel(
  dir: string,
  name: string,
): Promise<tf.LayersModel> {
  const artifacts = await readArtifacts(dir, name);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new CheckpointMismatchError(join(dir, name), (err as Error).message);
  }
}

/**
 * Loads the weights in `dir/name/` into `model`, which must have exactly the
 * same weight names and shapes; throws {@link CheckpointMismatchError}
 * otherwise (e.g. a width-32 checkpoint into a width-16 model).
 */
export async function loadWeightsInto(
  dir: string,
  name: string,
  model: tf.LayersModel,
): Promise<void> {
  const { weightData, weightSpecs } = await readArtifacts(dir, name);
  const named = tf.io.decodeWeights(weightData as ArrayBuffer, weightSpecs);
  try {
    // Bytes of the right length can still be garbage (NaN frames out).
    const bad = Object.keys(named).find((key) =>
      !(named[key].dataSync() as Float32Array).every(Number.isFinite));
    if (bad !== undefined) {
      throw new CheckpointUnreadableError(join(dir, name, 'weights.bin'),
        `${bad} holds NaN or infinite values`);
    }
    try {
      model.loadWeights(named, true);
    } catch (err) {
      throw new CheckpointMismatchError(
        join(dir, name),
        (err as Error).message.split('\n')[0],
      );
    }
  } finally {
    tf.dispose(Object.values(named));
  }
}

/** What {@link saveCheckpoint} writes besides extra files. */
export interface CheckpointContents {
  /** The generator made by `createGenerator(config)`. */
  generator: tf.LayersModel;
  /** Its config; stored so the model can be rebuilt. */
  config: GeneratorConfig;
  /** Training steps done; 0 for an untrained model. */
  step: number;
  /** Free-form JSON (loss, data, seed...), stored as given. */
  meta?: Record<string, unknown>;
}

/**
 * Writes a checkpoint folder atomically: `checkpoint.json`, `generator/`,
 * and whatever `writeExtra(tempDir)` adds (a training loop puts
 * `discriminator/` via {@link saveLayersModel} and optimiser state there).
 * Refuses an existing `dir` unless `overwrite`.
 */
export async function saveCheckpoint(
  dir: string,
  contents: CheckpointContents,
  options: {
    overwrite?: boolean;
    writeExtra?: (tempDir: string) => Promise<void>;
  } = {},
): Promise<void> {
  const info: CheckpointInfo = infoSchema.parse({
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    modelKind: GENERATOR_KIND,
    generator: { width: contents.config.width, levels: contents.config.levels },
    step: contents.step,
    createdAt: new Date().toISOString(),
    meta: contents.meta ?? {},
  });
  await writeAtomically(dir, options.overwrite ?? false, 'folder', async (temp) => {
    await mkdir(temp, { recursive: true });
    await saveLayersModel(temp, GENERATOR_DIR, contents.generator);
    await options.writeExtra?.(temp);
    await writeFile(join(temp, INFO_FILE), JSON.stringify(info, null, 2));
  });
}

/** Reads and validates `dir/checkpoint.json`. */
export async function readCheckpointInfo(dir: string): Promise<CheckpointInfo> {
  requireFolder(dir);
  const path = join(dir, INFO_FILE);
  requireFile(dir, path, INFO_FILE);
  const parsed = infoSchema.safeParse(await readJson(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CheckpointUnreadableError(
      path,
      `${issue.path.join('.') || 'file'}: ${issue.message}`,
    );
  }
  if (parsed.data.modelKind !== GENERATOR_KIND) {
    throw new CheckpointKindError(dir, parsed.data.modelKind, GENERATOR_KIND);
  }
  return parsed.data;
}

/**
 * Rebuilds the generator from `checkpoint.json`'s config and loads its
 * weights. The caller owns the model and frees it with
 * `disposeLayersModel`.
 */
export async function loadGeneratorCheckpoint(
  dir: string,
): Promise<{ model: tf.LayersModel; info: CheckpointInfo }> {
  const info = await readCheckpointInfo(dir);
  const model = createGenerator(info.generator);
  try {
    await loadWeightsInto(dir, GENERATOR_DIR, model);
  } catch (err) {
    disposeLayersModel(model);
    throw err;
  }
  return { model, info };
}
