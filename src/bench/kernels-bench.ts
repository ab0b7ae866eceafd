/**
 * Micro-benchmark of the conv2d kernels training needs: forward, input
 * gradient and filter gradient of a 3x3 convolution (batch 4, 128x128,
 * 32 -> 32 channels, SAME), on the wasm backend with this project's kernels
 * and on the pure-JS cpu backend. Prints GFLOP/s and the wasm/cpu ratio.
 *
 * Run: `node --import tsx src/bench/kernels-bench.ts`. The cpu backend runs
 * each pass once, without warm-up: its filter gradient alone takes minutes.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

import '../kernels/register-wasm-kernels.ts';

/** One benchmarked problem: shapes and the work it costs. */
export interface ConvBenchCase {
  batch: number;
  size: number;
  inChannels: number;
  outChannels: number;
  filterSize: number;
}

/** GFLOP/s of each pass on one backend. */
export interface ConvBenchResult {
  forward: number;
  inputGradient: number;
  filterGradient: number;
}

/** The issue's reference problem. */
export const DEFAULT_CASE: ConvBenchCase = {
  batch: 4,
  size: 128,
  inChannels: 32,
  outChannels: 32,
  filterSize: 3,
};

/** Multiply-adds of one pass (each of the three costs the same), times 2. */
function flopsOf(c: ConvBenchCase): number {
  return (
    2 * c.batch * c.size * c.size * c.filterSize * c.filterSize *
    c.inChannels * c.outChannels
  );
}

/** Median wall time of `run` in ms; warms up first when iterating. */
function timeMs(run: () => tf.Tensor, iterations: number): number {
  if (iterations > 1) {
    run().dispose();
  }
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    const out = run();
    out.dataSync();
    times.push(performance.now() - start);
    out.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * Times forward, input gradient and filter gradient of `c` on `backend`
 * (which must be registered) and returns GFLOP/s.
 */
export async function benchConv(
  backend: string,
  c: ConvBenchCase,
  iterations: number,
): Promise<ConvBenchResult> {
  await tf.setBackend(backend);
  await tf.ready();
  const xShape: [number, number, number, number] = [
    c.batch,
    c.size,
    c.size,
    c.inChannels,
  ];
  const fShape: [number, number, number, number] = [
    c.filterSize,
    c.filterSize,
    c.inChannels,
    c.outChannels,
  ];
  const x = tf.randomUniform(xShape, -1, 1, 'float32', 1) as tf.Tensor4D;
  const filter = tf.randomUniform(fShape, -1, 1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomUniform(
    [c.batch, c.size, c.size, c.outChannels],
    -1,
    1,
    'float32',
    3,
  ) as tf.Tensor4D;

  const gflops = flopsOf(c) / 1e6;
  const forward = timeMs(() => tf.conv2d(x, filter, 1, 'same'), iterations);
  const inputGradient = timeMs(
    () => tf.conv2dTranspose(dy, filter, xShape, 1, 'same'),
    iterations,
  );
  const filterGradient = timeMs(
    () =>
      tf.engine().runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: fShape },
      ) as tf.Tensor,
    iterations,
  );
  tf.dispose([x, filter, dy]);

  return {
    forward: gflops / forward,
    inputGradient: gflops / inputGradient,
    filterGradient: gflops / filterGradient,
  };
}

function formatRow(
  name: string,
  wasm: number,
  cpu: number,
): string {
  const ratio = (wasm / cpu).toFixed(1);
  return (
    `${name.padEnd(16)}${wasm.toFixed(2).padStart(10)}` +
    `${cpu.toFixed(2).padStart(10)}${`${ratio}x`.padStart(10)}\n`
  );
}

async function main(): Promise<void> {
  const c = DEFAULT_CASE;
  const wasm = await benchConv('wasm', c, 5);
  const cpu = await benchConv('cpu', c, 1);

  process.stdout.write(
    `conv2d ${c.filterSize}x${c.filterSize}, batch ${c.batch}, ` +
      `${c.size}x${c.size}, ${c.inChannels}->${c.outChannels}, SAME ` +
      '(GFLOP/s, wasm with fruc kernels vs pure-JS cpu)\n',
  );
  process.stdout.write(`${'pass'.padEnd(16)}${'wasm'.padStart(10)}` +
    `${'cpu'.padStart(10)}${'ratio'.padStart(10)}\n`);
  process.stdout.write(formatRow('forward', wasm.forward, cpu.forward));
  process.stdout.write(
    formatRow('input gradient', wasm.inputGradient, cpu.inputGradient),
  );
  process.stdout.write(
    formatRow('filter gradient', wasm.filterGradient, cpu.filterGradient),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
