import { Command } from 'commander';
import { thresholdsFromEnv } from '../../tui/thresholds.ts';
import { runConsole } from '../../tui/run-console.tsx';
import { loadConfig } from '../config.ts';
import { action } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { letterView } from './dlq.ts';

/** `ordersurge tui [--once]`: the operations console, or one plain snapshot when not on a terminal. */
export function tuiCommand(): Command {
  return new Command('tui')
    .description('the operations console: every stage live (throughput, queues, oldest message, redeliveries, dead letters, workers), peak mode, KPIs, dead letters and exceptions; keys: ? for help')
    .option('--once', 'print one plain-text snapshot and exit (the default when stdout is not a terminal)')
    .action(
      action(async (opts: { once?: boolean }) => {
        const config = loadConfig();
        const thresholds = thresholdsFromEnv();
        const conn = await connectRunning(config, { bus: true, db: true });
        try {
          await runConsole({
            bus: conn.bus!,
            db: conn.db!,
            names: conn.names,
            peak: config.peak,
            thresholds,
            viewLetter: letterView,
            once: opts.once === true || process.stdout.isTTY !== true || process.stdin.isTTY !== true,
          });
        } finally {
          await conn.close();
        }
      }),
    );
}
