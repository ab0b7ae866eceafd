import { rmSync } from 'node:fs';

/**
 * Ctrl-C handling for the whole process. A terminal sends SIGINT to every
 * process of the group, ffmpeg included, so ffmpeg failures race with the
 * signal; the handler therefore cleans up synchronously and exits at once
 * with 130, before any of those failures can be reported as errors.
 *
 * Only program entry points (the CLI, the pipelines, the benchmark)
 * install the handlers; library code just registers its temporary paths,
 * so a host process such as a test runner keeps its own signal handling.
 */
const partialPaths = new Set<string>();
let installed = false;

/**
 * Registers a temporary output to delete if the process is interrupted.
 * @returns A function that unregisters it (call it once the path is
 *   renamed into place or removed).
 */
export function removeOnInterrupt(path: string): () => void {
  partialPaths.add(path);
  return () => {
    partialPaths.delete(path);
  };
}

function onInterrupt(signal: NodeJS.Signals): void {
  for (const path of partialPaths) {
    rmSync(path, { recursive: true, force: true });
  }
  process.stderr.write(
    `\nfruc: interrupted (${signal}); partial output removed.\n`,
  );
  const codes: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 129, SIGINT: 130, SIGTERM: 143,
  };
  process.exit(codes[signal] ?? 1);
}

/** Installs the SIGHUP / SIGINT / SIGTERM handlers once per process. */
export function installInterruptHandlers(): void {
  if (installed) {
    return;
  }
  installed = true;
  for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
    process.on(signal, onInterrupt);
  }
}
