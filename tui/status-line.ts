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

/** Writes status lines: rewritten in place on a terminal, one line per interval otherwise. */
export function statusWriter(stream: NodeJS.WriteStream = process.stdout): { write(line: string): void; end(): void } {
  const tty = stream.isTTY === true;
  return {
    write: (line) => {
      if (tty) stream.write(`\r\x1b[K${line.slice(0, Math.max(20, (stream.columns ?? 200) - 1))}`);
      else stream.write(`${line}\n`);
    },
    end: () => {
      if (tty) stream.write('\n');
    },
  };
}
