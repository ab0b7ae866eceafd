import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  createTripletLoader,
  splitTriplets,
} from '../../src/data/triplet-loader.ts';
import { findTriplets } from '../../src/data/triplet-layouts.ts';
import { cropFrame } from '../../src/image/frame.ts';
import { encodePng, readPng } from '../../src/image/png-io.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const root = sharedData('ucf101-triplets');
const all = await findTriplets(root);
const options = {
  batchSize: 3, cropSize: 32, flip: true, temporalReverse: true, seed: 7,
};

describe('splitTriplets', () => {
  it('holds out evenly spread triplets, the same ones every time', () => {
    const { train, validation } = splitTriplets(all, 4, root);

    expect(validation).toHaveLength(4);
    expect(train).toHaveLength(all.length - 4);
    expect(splitTriplets(all, 4, root).validation).toEqual(validation);
    const trainIds = new Set(train.map((t) => t.id));
    expect(validation.some((t) => trainIds.has(t.id))).toBe(false);
    const positions = validation.map((t) => all.indexOf(t));
    expect(positions).toEqual([2, 7, 13, 18]);
  });

  it('rejects a set with no triplet left for training', () => {
    expect(() => splitTriplets(all, all.length, root)).toThrow(
      expect.objectContaining({ code: 'FRUC_TRAIN_DATA' }));
  });
});

describe('createTripletLoader', () => {
  it('makes NHWC batches in [0, 1] of real crops', async () => {
    const loader = createTripletLoader({ ...options, triplets: all });

    const batch = await loader.next();

    expect(batch.size).toBe(3);
    expect(batch.middle).toHaveLength(3 * 32 * 32 * 3);
    const values = Array.from(batch.prev);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(new Set(values).size).toBeGreaterThan(50);
    expect(loader.position).toBe(1);
  });

  it('when prefetching then batch k is as if built directly', async () => {
    const queued = createTripletLoader({ ...options, triplets: all });
    const direct = createTripletLoader({ ...options, triplets: all });

    const batches = [];
    for (let k = 0; k < 4; k++) {
      batches.push(await queued.next());
    }
    const third = await direct.batchAt(2);
    const resumed = createTripletLoader({
      ...options, triplets: all, startBatch: 2 });

    expect(batches[2].middle).toEqual(third.middle);
    expect(batches[2].ids).toEqual(third.ids);
    expect((await resumed.next()).prev).toEqual(batches[2].prev);
    expect(batches[1].middle).not.toEqual(batches[2].middle);
  });

  it('visits every triplet once per epoch, in a seeded order', async () => {
    const triplets = all.slice(0, 6);
    const loader = createTripletLoader({ ...options, triplets });
    const other = createTripletLoader({ ...options, triplets, seed: 8 });

    const epoch = [
      ...(await loader.batchAt(0)).ids, ...(await loader.batchAt(1)).ids];
    const otherEpoch = [
      ...(await other.batchAt(0)).ids, ...(await other.batchAt(1)).ids];

    expect([...epoch].sort()).toEqual(triplets.map((t) => t.id).sort());
    expect(otherEpoch).not.toEqual(epoch);
    expect(loader.cachedBytes).toBe(6 * 3 * 320 * 240 * 3);
  });

  it('reads Middlebury frames of mixed sizes', async () => {
    const middlebury = await findTriplets(sharedData('middlebury-others'));
    const loader = createTripletLoader({
      ...options, cropSize: 64, triplets: middlebury });

    const batch = await loader.batchAt(0);

    expect(batch.ids).toHaveLength(3);
    expect(batch.next).toHaveLength(3 * 64 * 64 * 3);
  });

  it('rejects a triplet whose frames differ in size', async () => {
    const temp = makeTempDir('fruc-loader-');
    const source = all[0];
    const folder = join(temp.dir, 'odd');
    mkdirSync(folder);
    for (const [name, path] of [['frame0.png', source.prev],
      ['frame1.png', source.middle], ['frame2.png', source.next]]) {
      const frame = await readPng(path);
      const kept = name === 'frame2.png' ? cropFrame(frame, 0, 0, 100, 80)
        : frame;
      writeFileSync(join(folder, name), encodePng(kept));
    }
    const loader = createTripletLoader({
      ...options, triplets: await findTriplets(temp.dir) });

    await expect(loader.next()).rejects.toMatchObject({
      code: 'FRUC_TRAIN_DATA',
      message: expect.stringMatching(/mixes frame sizes \(100x80 and 320x240/),
    });
    temp.cleanup();
  });

  it('rejects frames smaller than the crop', async () => {
    const loader = createTripletLoader({
      ...options, cropSize: 256, triplets: all });

    await expect(loader.next()).rejects.toThrow(
      /smaller than cropSize 256/);
  });
});
