/**
 * Finds frame triplets (previous, middle, next) on disk in the layouts the
 * project reads: Middlebury's interpolation set, triplet folders
 * (`frame0/1/2.png`, the layout `fruc extract` writes) and Vimeo-90K
 * (`im1/2/3.png`).
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';

import { InputMissingError } from '../errors.ts';
import { NoTripletsError } from './errors.ts';

/** One triplet: absolute paths of its three PNG frames. */
export interface TripletRef {
  /**
   * Stable name: the sequence for Middlebury, the folder path relative to
   * the root (with `/`) for triplet folders.
   */
  id: string;
  prev: string;
  /** The true middle frame (ground truth for evaluation). */
  middle: string;
  next: string;
}

type FileSet = readonly [string, string, string];

/** File names of a triplet folder, in the order previous, middle, next. */
export const TRIPLET_FILE_SETS: readonly FileSet[] = [
  ['frame0.png', 'frame1.png', 'frame2.png'],
  ['im1.png', 'im2.png', 'im3.png'],
];

/** Folders deeper than this below the root are not searched. */
const MAX_DEPTH = 12;

/**
 * Lists every triplet under `root`, sorted naturally by id (`2` before
 * `10`). Hidden folders (starting with `.`, e.g. an unfinished extract) are
 * skipped.
 *
 * @throws InputMissingError when `root` does not exist.
 * @throws NoTripletsError when `root` is not a folder or holds no triplet.
 */
export async function findTriplets(root: string): Promise<TripletRef[]> {
  const absRoot = resolve(root);
  if (!existsSync(absRoot)) {
    throw new InputMissingError(root, 'dataset folder');
  }
  if (!(await stat(absRoot)).isDirectory()) {
    throw new NoTripletsError(root, 'is a file, not a folder');
  }

  const found: TripletRef[] = [];
  await walk(absRoot, absRoot, 0, found);
  if (found.length === 0) {
    throw new NoTripletsError(root);
  }
  return found.sort((a, b) =>
    a.id.localeCompare(b.id, 'en', { numeric: true }),
  );
}

async function walk(
  root: string,
  dir: string,
  depth: number,
  found: TripletRef[],
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = new Set<string>();
  const dirs: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) {
      continue;
    }
    const full = join(dir, entry.name);
    if (entry.isFile()) {
      files.add(entry.name);
    } else if (entry.isDirectory() || (await isDirLink(full, entry))) {
      dirs.push(entry.name);
    }
  }

  const idBase = relativeId(root, dir);
  const names = TRIPLET_FILE_SETS.find((set) => set.every((n) => files.has(n)));
  if (names) {
    found.push({
      id: idBase === '' ? basename(dir) : idBase,
      prev: join(dir, names[0]),
      middle: join(dir, names[1]),
      next: join(dir, names[2]),
    });
  }

  const isMiddlebury = dirs.includes('input') && dirs.includes('gt');
  if (isMiddlebury) {
    found.push(...(await middleburyTriplets(dir, idBase)));
  }
  if (depth >= MAX_DEPTH) {
    return;
  }
  for (const name of dirs) {
    if (isMiddlebury && (name === 'input' || name === 'gt')) {
      continue;
    }
    await walk(root, join(dir, name), depth + 1, found);
  }
}

async function middleburyTriplets(
  dir: string,
  idBase: string,
): Promise<TripletRef[]> {
  const out: TripletRef[] = [];
  const sequences = await readdir(join(dir, 'input'), { withFileTypes: true });
  for (const seq of sequences) {
    const prev = join(dir, 'input', seq.name, 'frame10.png');
    const next = join(dir, 'input', seq.name, 'frame11.png');
    const middle = join(dir, 'gt', seq.name, 'frame10i11.png');
    if ([prev, next, middle].every((p) => existsSync(p))) {
      const id = idBase === '' ? seq.name : `${idBase}/${seq.name}`;
      out.push({ id, prev, middle, next });
    }
  }
  return out;
}

async function isDirLink(
  full: string,
  entry: { isSymbolicLink(): boolean },
): Promise<boolean> {
  if (!entry.isSymbolicLink()) {
    return false;
  }
  const info = await stat(full).catch(() => undefined);
  return info?.isDirectory() ?? false;
}

function relativeId(root: string, dir: string): string {
  return relative(root, dir).split(sep).join('/');
}
