/**
 * Adam optimisers for the two networks, with their state saved to and
 * restored from disk so that a resumed run continues bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Adam settings of one network. */
export interface AdamSettings {
  /** Learning rate, > 0. */
  learningRate: number;
  /** First-moment decay, [0, 1). */
  beta1: number;
  /** Second-moment decay, [0, 1). */
  beta2: number;
}

/**
 * The parts of tfjs's AdamOptimizer that its public API does not expose.
 *
 * Porting note: `setWeights()` recomputes the bias-correction powers as
 * `pow(beta, iterations + 1)`, while training builds them by repeated
 * multiplication; the two differ in the last float32 bit, which would make
 * a resumed run drift from an uninterrupted one. The powers are therefore
 * saved and written back as they were. The learning rate is likewise only
 * settable through the field the optimiser reads on every step.
 */
interface AdamInternals {
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function internals(optimizer: tf.AdamOptimizer): AdamInternals {
  const inner = optimizer as unknown as Partial<AdamInternals>;
  if (
    typeof inner.learningRate !== 'number' ||
    !(inner.accBeta1 instanceof tf.Variable) ||
    !(inner.accBeta2 instanceof tf.Variable)
  ) {
    throw new Error(
      'optimizers: this tfjs AdamOptimizer has no learningRate/accBeta ' +
        'fields; the installed @tensorflow/tfjs must be 4.x.',
    );
  }
  return inner as AdamInternals;
}

/** Creates an Adam optimiser. Dispose it when training ends. */
export function createAdam(settings: AdamSettings): tf.AdamOptimizer {
  return tf.train.adam(settings.learningRate, settings.beta1, settings.beta2);
}

/** Changes the learning rate used from the next step on. */
export function setLearningRate(
  optimizer: tf.AdamOptimizer,
  learningRate: number,
): void {
  internals(optimizer).learningRate = learningRate;
}

/** The learning rate the next step will use. */
export function getLearningRate(optimizer: tf.AdamOptimizer): number {
  return internals(optimizer).learningRate;
}

const STATE_JSON = '.json';
const STATE_BIN = '.bin';

/**
 * Writes the optimiser's state (iterations, both moments of every
 * variable, bias-correction powers) as `dir/name.json` + `dir/name.bin`.
 */
export async function saveOptimizerState(
  optimizer: tf.AdamOptimizer,
  dir: string,
  name: string,
): Promise<void> {
  const { accBeta1, accBeta2 } = internals(optimizer);
  const weights = await optimizer.getWeights();
  // Both moments of a variable carry the variable's name; prefix the
  // position so the entries stay distinct and ordered.
  const named = [
    ...weights,
    { name: 'accBeta1', tensor: accBeta1 },
    { name: 'accBeta2', tensor: accBeta2 },
  ].map((w, i) => ({ name: `${i}:${w.name}`, tensor: w.tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = tf.io.CompositeArrayBuffer.join(data);
  await writeFile(join(dir, `${name}${STATE_BIN}`), new Uint8Array(bytes));
  await writeFile(
    join(dir, `${name}${STATE_JSON}`),
    JSON.stringify({ optimizer: 'adam', specs }, null, 1),
  );
}

const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4, int32: 4, bool: 1,
};

/**
 * Checks a state manifest against its binary file before decoding, so a
 * damaged file gets a message that names it.
 */
function checkStateFiles(
  name: string,
  manifest: unknown,
  bin: Uint8Array,
): tf.io.WeightsManifestEntry[] {
  const specs = (manifest as { specs?: unknown } | null)?.specs;
  // Iterations, then both moments of each variable, then the two powers.
  if (!Array.isArray(specs) || specs.length < 3 || specs.length % 2 === 0) {
    throw new Error(
      `${name}${STATE_JSON} does not list an Adam state ` +
        '(iterations, moments, bias-correction powers)');
  }
  const entries = specs as tf.io.WeightsManifestEntry[];
  const needed = entries.reduce((total, spec) =>
    total + (BYTES_PER_VALUE[spec.dtype] ?? 4) *
      (spec.shape ?? []).reduce((a, b) => a * b, 1), 0);
  if (bin.length !== needed) {
    throw new Error(
      `${name}${STATE_BIN} holds ${bin.length} bytes but ` +
        `${name}${STATE_JSON} needs ${needed}`);
  }
  return entries;
}

/**
 * Restores state written by {@link saveOptimizerState}.
 * @throws Error naming the file when the state files are unreadable, not
 *   JSON, or do not match each other.
 */
export async function loadOptimizerState(
  optimizer: tf.AdamOptimizer,
  dir: string,
  name: string,
): Promise<void> {
  const text = await readFile(join(dir, `${name}${STATE_JSON}`), 'utf8');
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${name}${STATE_JSON} is not valid JSON (${(err as Error).message})`);
  }
  const bin = await readFile(join(dir, `${name}${STATE_BIN}`));
  const specs = checkStateFiles(name, manifest, bin);
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
  const decoded = tf.io.decodeWeights(buffer, specs);
  const entries = specs.map((spec) => {
    const colon = spec.name.indexOf(':');
    return { name: spec.name.slice(colon + 1), tensor: decoded[spec.name] };
  });
  const powers = entries.splice(entries.length - 2, 2);
  try {
    await optimizer.setWeights(entries);
    const inner = internals(optimizer);
    inner.accBeta1.assign(powers[0].tensor as tf.Scalar);
    inner.accBeta2.assign(powers[1].tensor as tf.Scalar);
  } finally {
    tf.dispose(Object.values(decoded));
  }
}
