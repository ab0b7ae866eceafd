import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';

import { cropFrame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import {
  hasFlowPropagateKernels,
  type PropagationAttrs,
} from '../../src/kernels/flow-propagation.ts';
import {
  flowPropagate,
  flowPropagateByOps,
  flowPropagateGradByOps,
} from '../../src/models/layers/flow-propagation.ts';
import { sharedData } from '../helpers/paths.ts';
import { expectClose, randomTensor } from './wasm-test-utils.ts';

const ATTRS: PropagationAttrs = { spacing: 4, block: 5, temperature: 0.01 };

/** Grey crops of a real RubberWhale frame, `[n, h, w, 1]` in [0, 1]. */
async function realGrey(
  frameName: string,
  [h, w]: [number, number],
  batch: number,
  left = 200,
): Promise<tf.Tensor4D> {
  const frame = await readPng(sharedData(
    'middlebury-others', 'input', 'RubberWhale', frameName));
  const values = new Float32Array(batch * h * w);
  for (let n = 0; n < batch; n++) {
    const crop = cropFrame(frame, left + 40 * n, 100, w, h);
    for (let i = 0; i < h * w; i++) {
      values[n * h * w + i] = (crop.data[i * 3] + crop.data[i * 3 + 1] +
        crop.data[i * 3 + 2]) / 765;
    }
  }
  return tf.tensor4d(values, [batch, h, w, 1]);
}

/** Flows that jump at a vertical edge: `left` for x < `edge`, `right`
 * beyond (to the previous frame; the next frame's are the negatives). */
function edgeFlows(
  [h, w]: [number, number],
  batch: number,
  edge: number,
  left: [number, number],
  right: [number, number],
): tf.Tensor4D {
  const values = new Float32Array(batch * h * w * 4);
  for (let p = 0; p < batch * h * w; p++) {
    const [fx, fy] = (p % w) < edge ? left : right;
    values.set([fx, fy, -fx, -fy], p * 4);
  }
  return tf.tensor4d(values, [batch, h, w, 4]);
}

/** New flows and the gradient of `sum(dy * flows')` w.r.t. the flows. */
function valueAndGrad(
  prev: tf.Tensor4D,
  next: tf.Tensor4D,
  flows: tf.Tensor4D,
): Float32Array[] {
  return tf.tidy(() => {
    const dy = randomTensor(flows.shape, 7);
    const value = flowPropagate(prev, next, flows, ATTRS);
    const grad = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(
      flowPropagate(prev, next, f as tf.Tensor4D, ATTRS), dy)))(flows);
    return [value, grad].map((t) => (t.dataSync() as Float32Array).slice());
  });
}

describe.each(['cpu', 'wasm'])('flow-propagation kernels on %s', (backend) => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('are registered for the backend', async () => {
    await tf.setBackend(backend);

    expect(hasFlowPropagateKernels()).toBe(true);
  });

  it.each([
    { size: [20, 24] as [number, number], batch: 1 },
    { size: [13, 30] as [number, number], batch: 2 },
  ])('match the stock-op form on real frames, $size x$batch', async (
    { size, batch },
  ) => {
    await tf.setBackend(backend);
    const prev = await realGrey('frame10.png', size, batch);
    const next = await realGrey('frame11.png', size, batch);
    const flows = tf.tidy(() => tf.add(
      edgeFlows(size, batch, 9, [1.5, 0.25], [-0.5, 0]),
      tf.mul(randomTensor([batch, ...size, 4], 3), 0.3))) as tf.Tensor4D;

    const [value, grad] = valueAndGrad(prev, next, flows);
    const [wantValue, wantGrad] = tf.tidy(() => {
      const [out, weights] = flowPropagateByOps(prev, next, flows, ATTRS);
      const back = flowPropagateGradByOps(
        randomTensor(flows.shape, 7) as tf.Tensor4D, weights, ATTRS.spacing);
      return [out, back].map((t) => (t.dataSync() as Float32Array).slice());
    });

    expectClose(value, wantValue, 1e-4);
    expectClose(grad, wantGrad, 1e-4);
    // The flows moved: some pixels took a neighbour's motion.
    const flat = flows.dataSync();
    expect(value.some((v, i) => Math.abs(v - flat[i]) > 0.1)).toBe(true);
    tf.dispose([prev, next, flows]);
  });

  it('moves a band of wrong motion at an edge to the motion that aligns the frames', async () => {
    await tf.setBackend(backend);
    // The next frame is the previous one 2 pixels further right: the true
    // flows are (-1, 0) to the previous frame and (+1, 0) to the next.
    const size: [number, number] = [24, 40];
    const prev = await realGrey('frame10.png', size, 1, 200);
    const next = await realGrey('frame10.png', size, 1, 198);
    // Wrong (zero) motion on the three columns 20-22, right elsewhere.
    const values = edgeFlows(size, 1, 0, [0, 0], [-1, 0]).dataSync()
      .slice() as Float32Array;
    for (let y = 0; y < size[0]; y++) {
      for (let x = 20; x < 23; x++) {
        values.set([0, 0, 0, 0], (y * size[1] + x) * 4);
      }
    }
    const flows = tf.tensor4d(values, [1, ...size, 4]);

    const out = flowPropagate(prev, next, flows, ATTRS);

    // Horizontal flow to the previous frame, per column, over all rows.
    const got = out.dataSync() as Float32Array;
    const column = (x: number) => Array.from({ length: size[0] },
      (_, y) => got[(y * size[1] + x) * 4]);
    // The wrong band moves at least 45% of the way to the true motion
    // in one pass (the softmin is soft where the frames have little
    // texture) ...
    for (const x of [20, 21, 22]) {
      expect(Math.max(...column(x)), `column ${x}`).toBeLessThan(-0.45);
    }
    // ... while the right motion beside it, whose neighbours 4 pixels
    // away lie in the band, moves by less than 0.2.
    for (const x of [16, 17, 18, 19, 23, 24, 25, 26]) {
      expect(Math.max(...column(x).map((v) => Math.abs(v + 1))),
        `column ${x}`).toBeLessThan(0.2);
    }
    tf.dispose([prev, next, flows, out]);
  });

  it('leaves no tensors behind, gradients included', async () => {
    await tf.setBackend(backend);
    const grey = tf.randomUniform([1, 8, 9, 1]) as tf.Tensor4D;
    const flows = tf.randomUniform([1, 8, 9, 4], -1, 1) as tf.Tensor4D;
    const before = tf.memory().numTensors;

    const grad = tf.grad((f: tf.Tensor) => tf.sum(
      flowPropagate(grey, grey, f as tf.Tensor4D, ATTRS)))(flows);

    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([grey, flows, grad]);
  });

  it('refuses flows without four channels', async () => {
    await tf.setBackend(backend);
    const grey = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    const flows = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;

    expect(() => flowPropagate(grey, grey, flows, ATTRS))
      .toThrow(/\[b, h, w, 4\] flows/);
    tf.dispose([grey, flows]);
  });
});
