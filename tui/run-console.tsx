import { render, renderToString } from 'ink';
import type { Db } from '../sql/database.ts';
import type { Bus } from '../streams/connect.ts';
import type { DeadLetter } from '../streams/dead-letter.ts';
import type { Names } from '../streams/names.ts';
import { consoleActions } from './console-actions.ts';
import { ConsoleApp } from './console-app.tsx';
import { INITIAL_UI } from './console-keys.ts';
import { ConsoleScreen } from './console-screen.tsx';
import { openConsoleSource, type ConsoleSourceOptions } from './console-source.ts';
import type { DeadLetterRow } from './dead-letters-view.tsx';
import type { Thresholds } from './thresholds.ts';

export interface RunConsoleOptions extends Omit<ConsoleSourceOptions, 'bus' | 'db' | 'names'> {
  bus: Bus;
  db: Db;
  names: Names;
  thresholds: Thresholds;
  viewLetter: (letter: DeadLetter) => DeadLetterRow;
  /** Print one plain snapshot and return, instead of the live console. */
  once: boolean;
  stdout?: NodeJS.WriteStream;
  /** Stops the live console from outside (the demo's Ctrl-C or duration). */
  signal?: AbortSignal;
}

// The alternate screen: the console draws on its own page, and the shell's page comes back as
// it was on exit, whatever the console drew.
const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/**
 * Runs the console until `q` (or Ctrl-C, or `signal`), or, with `once`, prints one snapshot in
 * plain text (colours only on a terminal) once every reader answered or failed once.
 */
export async function runConsole(opts: RunConsoleOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const source = openConsoleSource(opts);
  try {
    if (opts.once) {
      await Promise.race([source.ready(), new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
      // A second reading of the queues, so the snapshot has rates.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const columns = stdout.isTTY ? stdout.columns || 100 : 100;
      const data = source.current();
      stdout.write(
        `${renderToString(<ConsoleScreen data={data} ui={INITIAL_UI} thresholds={opts.thresholds} columns={columns} rows={24} deadLetters={{ rows: null }} exceptions={{ rows: null }} message={null} />, { columns })}\n`,
      );
      return;
    }
    const actions = consoleActions(opts.bus, opts.db, opts.names, process.env.USER ?? 'operator');
    stdout.write(ENTER_ALT_SCREEN);
    try {
      const app = render(<ConsoleApp feed={source} actions={actions} thresholds={opts.thresholds} viewLetter={opts.viewLetter} />, {
        stdout,
        exitOnCtrlC: true,
        patchConsole: true,
        incrementalRendering: true,
        maxFps: 10,
      });
      const stop = (): void => app.unmount();
      opts.signal?.addEventListener('abort', stop, { once: true });
      process.once('SIGTERM', stop);
      try {
        await app.waitUntilExit();
      } finally {
        opts.signal?.removeEventListener('abort', stop);
        process.off('SIGTERM', stop);
      }
    } finally {
      stdout.write(LEAVE_ALT_SCREEN);
    }
  } finally {
    await source.close();
  }
}
