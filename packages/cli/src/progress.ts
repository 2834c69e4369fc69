import cliProgress from 'cli-progress';
import { barStream, type Io } from './platform.ts';

export interface Progress {
  update(done: number, values: { loss?: number; acc?: number }): void;
  stop(): void;
}

/**
 * A progress bar with ETA, loss and accuracy on a terminal (cli-progress, on stderr); plain lines,
 * about ten per task, when stdout is not a terminal (logs, CI); nothing with --json.
 */
export function progress(io: Io, label: string, total: number, quiet: boolean): Progress {
  if (quiet) return { update() {}, stop() {} };
  if (io.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label.padEnd(18)} {bar} {percentage}% | {value}/{total} | ETA {eta_formatted} | loss {loss} | acc {acc}`, hideCursor: true, clearOnComplete: false, stream: barStream() },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-', acc: '-' });
    return {
      update: (done, v) => bar.update(done, { loss: v.loss?.toFixed(4) ?? '-', ...(v.acc !== undefined ? { acc: `${v.acc.toFixed(2)}%` } : {}) }),
      stop: () => bar.stop(),
    };
  }
  const every = Math.max(1, Math.ceil(total / 10));
  const started = Date.now();
  return {
    update(done, v) {
      if (done % every !== 0 && done !== total) return;
      const s = (Date.now() - started) / 1000;
      const eta = done > 0 ? (s / done) * (total - done) : 0;
      io.err(`${label}: ${done}/${total}${v.loss !== undefined ? ` loss ${v.loss.toFixed(4)}` : ''}${v.acc !== undefined ? ` acc ${v.acc.toFixed(2)}%` : ''} (${s.toFixed(0)} s, ETA ${eta.toFixed(0)} s)\n`);
    },
    stop() {},
  };
}
