import cliProgress from 'cli-progress';

/** A progress display for a long loop over frames (or any countable unit). */
export interface Progress {
  /** Counts `delta` more items done (default 1). */
  increment(delta?: number): void;
  /** Changes the expected total, e.g. once the real count is known. */
  setTotal(total: number): void;
  /** Draws the final state and releases the terminal line. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Expected number of items; an estimate is fine. */
  total: number;
  /** Plural name of the items, shown after the counts. Default `frames`. */
  unit?: string;
  /** Where to draw. Default `process.stderr` (stdout stays for data). */
  stream?: NodeJS.WritableStream;
  /**
   * Draw even when `stream` is not a terminal: one line every
   * `intervalMs` instead of a redrawn bar. Default false, so pipes and
   * log files get no bar at all.
   */
  forceOutput?: boolean;
  /** Redraw interval for non-terminal output in ms. Default 2000. */
  intervalMs?: number;
}

/**
 * A cli-progress bar showing items done / total, items per second and the
 * time left: `[=====-----] 120/910 frames | 85.3 frames/s | 9s left`.
 * On a stream that is not a terminal it draws nothing unless
 * `forceOutput` is set.
 */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? 'frames';
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        '[{bar}] {value}/{total} {unit} | {rate} {unit}/s | ' +
        '{eta_formatted} left',
      barsize: 30,
      hideCursor: false,
      noTTYOutput: options.forceOutput ?? false,
      notTTYSchedule: options.intervalMs ?? 2000,
      etaBuffer: 50,
    },
    cliProgress.Presets.legacy,
  );
  const startedAt = performance.now();
  let done = 0;
  const payload = () => {
    const seconds = (performance.now() - startedAt) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    return { unit, rate: rate.toFixed(1) };
  };
  bar.start(Math.max(options.total, 1), 0, payload());
  return {
    increment(delta = 1) {
      done += delta;
      bar.increment(delta, payload());
    },
    setTotal(total) {
      bar.setTotal(Math.max(total, 1));
    },
    stop() {
      bar.update(done, payload());
      bar.stop();
    },
  };
}
