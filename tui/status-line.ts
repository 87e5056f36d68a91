import { fitLine, TEXT_WIDTH } from '../cli/text-cell.ts';
import type { StageStatus } from '../streams/pipeline-status.ts';

export interface StatusSample {
  elapsedSeconds: number;
  submitted: number;
  notified: number;
  exceptions: number;
  /** Orders notified per second over the last sample interval. */
  ratePerSecond: number;
  stages: readonly StageStatus[];
  deadLetters: number;
}

/** One line of live status; the operations console replaces it. */
export function formatStatusLine(s: StatusSample): string {
  const queues = s.stages.map((q) => `${q.stage} ${q.pending}/${q.ackPending}`).join(' ');
  const avg = s.elapsedSeconds > 0 ? s.notified / s.elapsedSeconds : 0;
  return (
    `${Math.round(s.elapsedSeconds)}s  in ${s.submitted}  notified ${s.notified} (${s.ratePerSecond.toFixed(1)}/s, avg ${avg.toFixed(1)}/s)` +
    `  exceptions ${s.exceptions}  dlq ${s.deadLetters}  | queue pending/unacked: ${queues}`
  );
}

/** Where the live status line goes, and log lines past it. */
export interface StatusWriter {
  /** Shows `line` as the status: redrawn in place on a terminal, one line per call elsewhere. */
  write(line: string): void;
  /** Prints a log line (to `logStream`) above the status line, never glued onto it. */
  log(line: string): void;
  /** Leaves the last status line on the screen and moves past it. */
  end(): void;
}

/**
 * Writes status lines: on a terminal rewritten in place and cut to its width as it is now (a
 * line that wrapped could not be redrawn: every redraw would leave a line behind), with log
 * lines printed above it; one line per interval otherwise.
 */
export function statusWriter(stream: NodeJS.WriteStream = process.stdout, logStream: NodeJS.WritableStream = process.stderr): StatusWriter {
  const tty = stream.isTTY === true;
  let shown: string | undefined;
  // One column spare: a line that fills the last column makes some terminals wrap.
  const fitted = (line: string): string => fitLine(line, Math.max(1, (stream.columns || TEXT_WIDTH) - 1));
  return {
    write: (line) => {
      if (!tty) {
        stream.write(`${line}\n`);
        return;
      }
      shown = line;
      stream.write(`\r\x1b[K${fitted(line)}`);
    },
    log: (line) => {
      if (shown !== undefined) stream.write('\r\x1b[K');
      logStream.write(`${line}\n`);
      if (shown !== undefined) stream.write(fitted(shown));
    },
    end: () => {
      if (shown !== undefined) stream.write('\n');
      shown = undefined;
    },
  };
}
