import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { readPng } from '../../src/image/png-io.ts';
import { ChannelSlice } from '../../src/models/layers/flow-layers.ts';
import { sharedData } from '../helpers/paths.ts';

describe('ChannelSlice', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('keeps the named channels of a real frame, and their gradient', async () => {
    const frame = await readPng(sharedData(
      'middlebury-others', 'input', 'RubberWhale', 'frame10.png'));
    const image = tf.tensor4d(frame.data, [1, frame.height, frame.width, 3],
      'float32');
    const layer = new ChannelSlice({ name: 'green_blue', start: 1, size: 2 });

    const out = layer.apply(image) as tf.Tensor4D;
    const grad = tf.grad((x: tf.Tensor) =>
      tf.sum(layer.apply(x) as tf.Tensor))(image);

    expect(out.shape).toEqual([1, frame.height, frame.width, 2]);
    const values = out.dataSync();
    const at = (5 * frame.width + 7);
    expect([values[at * 2], values[at * 2 + 1]])
      .toEqual([frame.data[at * 3 + 1], frame.data[at * 3 + 2]]);
    const g = grad.dataSync();
    expect([g[at * 3], g[at * 3 + 1], g[at * 3 + 2]]).toEqual([0, 1, 1]);
    expect(layer.computeOutputShape([null, 4, 6, 3])).toEqual([null, 4, 6, 2]);
    tf.dispose([image, out, grad]);
  });

  it('survives a config round trip', () => {
    const layer = new ChannelSlice({ name: 'mask', start: 4, size: 1 });

    const copy = ChannelSlice.fromConfig(
      ChannelSlice, layer.getConfig()) as ChannelSlice;

    expect([copy.name, copy.start, copy.size]).toEqual(['mask', 4, 1]);
  });
});
