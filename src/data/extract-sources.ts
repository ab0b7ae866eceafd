/**
 * Turns the inputs of `fruc extract` into a list of frame sources: video
 * files, folders of PNG frames, and folders holding these one level down.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

import { InputMissingError } from '../errors.ts';
import { listPngFrames } from '../video/frame-source.ts';
import { NoSourcesError } from './errors.ts';

/**
 * Extensions taken as videos inside an input folder. A file named directly
 * on the command line is tried as a video whatever its extension.
 */
export const VIDEO_EXTENSIONS: readonly string[] = [
  '.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.wmv', '.flv',
  '.mpg', '.mpeg', '.ts', '.mts', '.m2ts', '.y4m', '.ogv', '.3gp',
];

/** One video file or frame folder to extract from. */
export interface SourceRef {
  /** Absolute path. */
  path: string;
  /** Unique folder name for its triplets under the output root. */
  name: string;
}

/**
 * Expands `inputs` into sources, in the order given (folder contents
 * sorted naturally), with unique names.
 *
 * @throws InputMissingError for an input that does not exist.
 * @throws NoSourcesError for a folder with neither PNG frames nor videos.
 */
export async function resolveSources(inputs: string[]): Promise<SourceRef[]> {
  const paths: string[] = [];
  for (const input of inputs) {
    const path = resolve(input);
    if (!existsSync(path)) {
      throw new InputMissingError(input);
    }
    if (!statSync(path).isDirectory()) {
      paths.push(path);
    } else if ((await listPngFrames(path)).length > 0) {
      paths.push(path);
    } else {
      const inside = await sourcesInFolder(path);
      if (inside.length === 0) {
        throw new NoSourcesError(input);
      }
      paths.push(...inside);
    }
  }
  return nameUniquely(paths);
}

async function sourcesInFolder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  const names = entries
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  for (const entry of names) {
    const full = join(dir, entry.name);
    const isDir = entry.isDirectory() ||
      (entry.isSymbolicLink() && existsSync(full) &&
        statSync(full).isDirectory());
    if (isDir) {
      if ((await listPngFrames(full)).length > 0) {
        found.push(full);
      }
    } else if (VIDEO_EXTENSIONS.includes(extname(entry.name).toLowerCase())) {
      found.push(full);
    }
  }
  return found;
}

function nameUniquely(paths: string[]): SourceRef[] {
  const used = new Set<string>();
  const refs: SourceRef[] = [];
  for (const path of [...new Set(paths)]) {
    const base = statSync(path).isDirectory()
      ? basename(path)
      : basename(path, extname(path));
    const stem = base
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^\.+/, '') || 'source';
    let name = stem;
    for (let n = 2; used.has(name); n++) {
      name = `${stem}-${n}`;
    }
    used.add(name);
    refs.push({ path, name });
  }
  return refs;
}
