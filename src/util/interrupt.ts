import { rmSync } from 'node:fs';

/**
 * Ctrl-C handling for the whole process. A terminal sends SIGINT to every
 * process of the group, ffmpeg included, so ffmpeg failures race with the
 * signal; the handler therefore cleans up synchronously and exits at once
 * with 130, before any of those failures can be reported as errors.
 *
 * Work that can stop cleanly at its next safe point (a training run
 * between two steps) defers that with {@link deferInterrupts}: the first
 * signal is only recorded, for the work to poll; a second one acts at once
 * as above. Handlers run on the main thread's event loop, so the work
 * must let the loop turn between its units to see the signal.
 *
 * Only program entry points (the CLI, the pipelines, the benchmark)
 * install the handlers; library code just registers its temporary paths,
 * so a host process such as a test runner keeps its own signal handling.
 */
const partialPaths = new Set<string>();
let installed = false;

/** A signal the work is asked to stop for; undefined while none came. */
export interface StopRequest {
  readonly signal: NodeJS.Signals | undefined;
}

/** A deferral started by {@link deferInterrupts}. */
export interface DeferredInterrupt extends StopRequest {
  /** Ends the deferral: later signals act at once again. */
  end(): void;
}

interface Deferral {
  notice: string;
  signal: NodeJS.Signals | undefined;
}

let deferral: Deferral | undefined;

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 129, SIGINT: 130, SIGTERM: 143,
};

/** Exit status of a process stopped by `signal` (128 + its number). */
export function interruptExitCode(signal: NodeJS.Signals): number {
  return EXIT_CODES[signal] ?? 1;
}

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

/**
 * Ends the process after an interrupt: one line `fruc: interrupted
 * (<signal>); <detail>` on stderr, exit status {@link interruptExitCode}.
 */
export function exitInterrupted(
  signal: NodeJS.Signals,
  detail: string,
): never {
  process.stderr.write(`fruc: interrupted (${signal}); ${detail}\n`);
  process.exit(interruptExitCode(signal));
}

/**
 * Defers the effect of the first SIGHUP / SIGINT / SIGTERM until the work
 * reads {@link StopRequest.signal} and stops; `notice` says what happens
 * meanwhile (e.g. `stopping after the current step`). Without installed
 * handlers (library use) the request just never fires.
 */
export function deferInterrupts(notice: string): DeferredInterrupt {
  const own: Deferral = { notice, signal: undefined };
  deferral = own;
  return {
    get signal() {
      return own.signal;
    },
    end() {
      if (deferral === own) {
        deferral = undefined;
      }
    },
  };
}

function onInterrupt(signal: NodeJS.Signals): void {
  if (deferral && deferral.signal === undefined) {
    deferral.signal = signal;
    process.stderr.write(
      `\nfruc: interrupted (${signal}); ${deferral.notice}; ` +
        'interrupt again to stop at once.\n',
    );
    return;
  }
  for (const path of partialPaths) {
    rmSync(path, { recursive: true, force: true });
  }
  process.stderr.write('\n');
  exitInterrupted(signal, 'partial output removed.');
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
