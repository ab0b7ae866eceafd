import * as tf from '@tensorflow/tfjs';

import { UsageError } from '../errors.ts';
import { getLogger } from '../util/logger.ts';

/** Values of `--backend`. */
export const BACKEND_CHOICES = [
  'auto',
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Order in which `auto` tries the backends. */
const AUTO_ORDER: Exclude<BackendChoice, 'auto'>[] = [
  'tensorflow-gpu',
  'tensorflow',
  'wasm',
  'cpu',
];

const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

async function tryLoad(choice: Exclude<BackendChoice, 'auto'>): Promise<string> {
  if (choice === 'tensorflow-gpu' || choice === 'tensorflow') {
    // The native packages register the 'tensorflow' backend on import; they
    // bundle their own tfjs-core, which must match ours (both 4.22).
    await import(NATIVE_PACKAGES[choice]);
    if (!(await tf.setBackend('tensorflow'))) {
      throw new Error('the tensorflow backend did not initialise');
    }
    return 'tensorflow';
  }
  if (choice === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    await import('../kernels/register-wasm-kernels.ts');
  }
  if (!(await tf.setBackend(choice))) {
    throw new Error(`the ${choice} backend did not initialise`);
  }
  await tf.ready();
  return choice;
}

let active: { choice: BackendChoice; name: string } | undefined;

/**
 * Starts a TensorFlow.js backend. `auto` takes the first that loads of
 * tensorflow-gpu, tensorflow, wasm and cpu. Logs which one runs.
 */
export async function selectBackend(choice: BackendChoice = 'auto'): Promise<string> {
  if (active && (active.choice === choice || choice === 'auto')) {
    return active.name;
  }
  const logger = getLogger();
  // Production mode silences tfjs's console banner that suggests installing
  // tfjs-node; this module logs the backend choice itself.
  tf.enableProdMode();
  const order = choice === 'auto' ? AUTO_ORDER : [choice];
  const failures: string[] = [];
  for (const candidate of order) {
    try {
      const name = await tryLoad(candidate);
      active = { choice, name };
      logger.info(`TensorFlow.js backend: ${candidate}`);
      return name;
    } catch (err) {
      failures.push(`${candidate}: ${(err as Error).message.split('\n')[0]}`);
      logger.debug(`backend ${candidate} unavailable: ${(err as Error).message}`);
    }
  }
  throw new UsageError(
    `backend ${choice} could not be started (${failures.join('; ')}); ` +
      'use --backend wasm or --backend cpu.',
    'FRUC_BACKEND_UNAVAILABLE',
  );
}
