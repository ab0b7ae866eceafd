import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

import { FfmpegMissingError, FfmpegNotRunnableError } from './errors.ts';

const require = createRequire(import.meta.url);

type Tool = 'ffmpeg' | 'ffprobe';

/** Reads `.path` (or the default export) of an optional package. */
function pathFromPackage(name: string): string | undefined {
  try {
    const mod = require(name) as unknown;
    const path =
      typeof mod === 'string'
        ? mod
        : (mod as { path?: unknown } | null)?.path;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    // The package is optional; its absence is the normal case on machines
    // where its install-time download failed.
    return undefined;
  }
}

function onPath(tool: Tool): string | undefined {
  try {
    execFileSync(tool, ['-version'], { stdio: 'ignore' });
    return tool;
  } catch {
    return undefined;
  }
}

const cache = new Map<Tool, string>();

/**
 * Throws unless this user may execute `path`: a binary installed by
 * another user without execute bits for others would otherwise fail every
 * probe as if the input were no video.
 */
function checkRunnable(tool: Tool, path: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new FfmpegNotRunnableError(tool, path);
  }
}

/**
 * Finds a binary. Order: `FFMPEG_PATH` / `FFPROBE_PATH`, ffmpeg-static (when
 * its binary was downloaded), the @ffmpeg-installer / @ffprobe-installer
 * packages, then the tool on PATH.
 */
export function getToolPath(tool: Tool): string {
  const cached = cache.get(tool);
  if (cached) {
    return cached;
  }
  const env = process.env[`${tool.toUpperCase()}_PATH`];
  if (env) {
    if (!existsSync(env)) {
      throw new FfmpegMissingError(`${tool} (${env} from ${tool.toUpperCase()}_PATH)`);
    }
    checkRunnable(tool, env);
    cache.set(tool, env);
    return env;
  }
  const found =
    (tool === 'ffmpeg' ? pathFromPackage('ffmpeg-static') : undefined) ??
    pathFromPackage(`@${tool}-installer/${tool}`) ??
    onPath(tool);
  if (!found) {
    throw new FfmpegMissingError(tool);
  }
  checkRunnable(tool, found);
  cache.set(tool, found);
  return found;
}
