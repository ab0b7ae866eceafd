import cliProgress from 'cli-progress';

/** Progress display of a training run. */
export interface TrainProgress {
  /** Shows step `step` done with its losses and speed. */
  update(step: number, losses: Record<string, number>, rate: number): void;
  stop(): void;
}

/** Loss terms shown on the bar (all of them go to the log). */
const SHOWN = ['g_total', 'g_pixel', 'g_adv', 'd_total'];

/** Options of {@link createTrainProgress}. */
export interface TrainProgressOptions {
  /** Draw even off a terminal (one line every 2 s). Default false. */
  force?: boolean;
  /** Where to draw. Default `process.stderr`. */
  stream?: NodeJS.WritableStream;
}

/**
 * A bar: `[====----] step 120/300 | g_total 0.0310 ... | 5.2 samples/s |
 * 35s left`. Draws nothing when the stream is not a terminal unless
 * `force` is set.
 * @param startStep Steps already done (a resumed run starts there).
 */
export function createTrainProgress(
  startStep: number,
  totalSteps: number,
  options: TrainProgressOptions = {},
): TrainProgress {
  const force = options.force ?? false;
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream ?? process.stderr,
      format:
        '[{bar}] step {value}/{total} | {losses} | {rate} samples/s | ' +
        '{eta_formatted} left',
      barsize: 20,
      hideCursor: false,
      noTTYOutput: force,
      notTTYSchedule: 2000,
      etaBuffer: 20,
    },
    cliProgress.Presets.legacy,
  );
  bar.start(totalSteps, startStep, { losses: '', rate: '0.0' });
  return {
    update(step, losses, rate) {
      const text = SHOWN.filter((name) => name in losses)
        .map((name) => `${name} ${losses[name].toFixed(4)}`)
        .join(' ');
      bar.update(step, { losses: text, rate: rate.toFixed(1) });
    },
    stop() {
      bar.stop();
    },
  };
}
