import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { findTriplets } from '../../src/data/triplet-layouts.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((c) => c());
});

function tempDir(): string {
  const { dir, cleanup } = makeTempDir('fruc-layouts-');
  cleanups.push(cleanup);
  return dir;
}

function touch(...parts: string[]): void {
  const path = join(...parts);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
}

describe('findTriplets', () => {
  it('reads the 12 Middlebury sequences with their ground truth', async () => {
    const root = sharedData('middlebury-others');

    const triplets = await findTriplets(root);

    expect(triplets).toHaveLength(12);
    const venus = triplets.find((t) => t.id === 'Venus');
    expect(venus).toEqual({
      id: 'Venus',
      prev: join(root, 'input', 'Venus', 'frame10.png'),
      middle: join(root, 'gt', 'Venus', 'frame10i11.png'),
      next: join(root, 'input', 'Venus', 'frame11.png'),
    });
    const ids = triplets.map((t) => t.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('reads the 21 UCF101 triplet folders sorted naturally', async () => {
    const root = sharedData('ucf101-triplets');

    const triplets = await findTriplets(root);

    expect(triplets).toHaveLength(21);
    expect(triplets.slice(0, 3).map((t) => t.id)).toEqual(['1', '2', '3']);
    expect(triplets[20].id).toBe('21');
    expect(triplets[1].middle).toBe(join(root, '2', 'frame1.png'));
    expect(triplets[1].prev).toBe(join(root, '2', 'frame0.png'));
  });

  it('finds Vimeo-90K and nested triplet folders at any depth', async () => {
    const root = tempDir();
    for (const n of ['im1.png', 'im2.png', 'im3.png']) {
      touch(root, 'sequences', '00001', '0010', n);
    }
    for (const n of ['frame0.png', 'frame1.png', 'frame2.png']) {
      touch(root, 'box', '000012', n);
      touch(root, '.box.partial-1', '000001', n);
    }
    touch(root, 'incomplete', 'frame0.png');

    const triplets = await findTriplets(root);

    expect(triplets.map((t) => t.id)).toEqual([
      'box/000012',
      'sequences/00001/0010',
    ]);
    expect(triplets[1].middle).toBe(
      join(root, 'sequences', '00001', '0010', 'im2.png'),
    );
  });

  it('names a root that is itself a triplet folder after the folder', async () => {
    const root = join(tempDir(), 'single');
    for (const n of ['frame0.png', 'frame1.png', 'frame2.png']) {
      touch(root, n);
    }

    const triplets = await findTriplets(root);

    expect(triplets.map((t) => t.id)).toEqual(['single']);
  });

  it('rejects a folder with no triplets, naming the accepted layouts', async () => {
    const root = tempDir();
    touch(root, 'a', 'frame0.png');

    await expect(findTriplets(root)).rejects.toMatchObject({
      code: 'FRUC_NO_TRIPLETS',
      message: expect.stringMatching(/Middlebury.*im1\.png/),
    });
  });

  it('rejects a file given as the root', async () => {
    const root = tempDir();
    touch(root, 'notes.txt');

    await expect(findTriplets(join(root, 'notes.txt'))).rejects.toMatchObject({
      code: 'FRUC_NO_TRIPLETS',
      message: expect.stringContaining('is a file'),
    });
  });

  it('rejects a missing root', async () => {
    await expect(findTriplets('/no/such/dataset')).rejects.toMatchObject({
      code: 'FRUC_INPUT_MISSING',
    });
  });
});
