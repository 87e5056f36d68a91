import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { retryDecision } from '../workers/exception-retry.ts';
import type { DeadLetter } from '../streams/dead-letter.ts';
import { errorText } from '../workers/error-text.ts';
import { INITIAL_UI, onKey, type ConsoleAction, type RowAction } from './console-keys.ts';
import { ConsoleScreen } from './console-screen.tsx';
import type { DeadLetterRow } from './dead-letters-view.tsx';
import { matchesFilter } from './row-filter.ts';
import type { Thresholds } from './thresholds.ts';
import { useConsoleData, useViewLists, type ConsoleFeed } from './use-console-data.ts';

/** The console's effects on the pipeline; each returns the line to show when done. */
export interface ConsoleActions {
  run(action: ConsoleAction): Promise<string>;
}

export interface ConsoleAppProps {
  feed: ConsoleFeed;
  actions: ConsoleActions;
  thresholds: Thresholds;
  /** How a dead letter is shown (masked as `dlq list` masks it). */
  viewLetter: (letter: DeadLetter) => DeadLetterRow;
  refreshMs?: number;
  listEveryMs?: number;
}

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  });
  return size;
}

/** The console: data from the feed, keys through `onKey`, actions after confirmation; draws `ConsoleScreen`. */
export function ConsoleApp({ feed, actions, thresholds, viewLetter, refreshMs = 1000, listEveryMs = 3000 }: ConsoleAppProps) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const data = useConsoleData(feed, refreshMs);
  const [ui, setUi] = useState(INITIAL_UI);
  const [message, setMessage] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const lists = useViewLists(feed, ui.view, listEveryMs, viewLetter, reload);
  const deadLetters = useMemo(() => ({ ...lists.deadLetters, rows: lists.deadLetters.rows?.filter((l) => matchesFilter([`#${l.seq}`, l.stage, l.error], ui.filter)) ?? null }), [lists.deadLetters, ui.filter]);
  const exceptions = useMemo(() => ({ ...lists.exceptions, rows: lists.exceptions.rows?.filter((o) => matchesFilter([o.id, o.type, o.detail], ui.filter)) ?? null }), [lists.exceptions, ui.filter]);

  const rows = ui.view === 'deadLetters' ? (deadLetters.rows?.length ?? 0) : ui.view === 'exceptions' ? (exceptions.rows?.length ?? 0) : ui.view === 'shops' ? data.shops.length : 0;
  const rowAction = ((): RowAction => {
    if (ui.view === 'deadLetters') {
      const l = deadLetters.rows?.[ui.selected];
      return l && { action: { kind: 'replay', seq: l.seq }, question: `replay dead letter #${l.seq} to ${l.stage}?` };
    }
    if (ui.view === 'exceptions') {
      const o = exceptions.rows?.[ui.selected];
      if (!o) return undefined;
      const decision = retryDecision(o.type, o.detail);
      return decision.ok ? { action: { kind: 'retry', orderId: o.id, type: o.type, detail: o.detail }, question: `retry ${o.id} (${o.type}) from ${decision.to}?` } : { refused: `${o.id}: ${decision.why}` };
    }
    return undefined;
  })();

  // Ink may call an earlier render's handler for the next key: read the latest state from a ref,
  // and update it at once, so keys typed faster than renders still see each other.
  const latest = useRef({ ui, rows, rowAction });
  latest.current = { ui, rows, rowAction };
  useInput((input, key) => {
    const { state, effect } = onKey(latest.current.ui, input, key, { rows: latest.current.rows, rowAction: latest.current.rowAction });
    latest.current = { ...latest.current, ui: state };
    setUi(state);
    if (!effect) return;
    switch (effect.kind) {
      case 'quit':
        exit();
        return;
      case 'say':
        setMessage(effect.text);
        return;
      case 'act':
        setMessage('working...');
        actions.run(effect.action).then(
          (text) => {
            setMessage(text);
            setReload((n) => n + 1);
          },
          (error: unknown) => setMessage(`failed: ${errorText(error)}`),
        );
        return;
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  });

  return <ConsoleScreen data={data} ui={ui} thresholds={thresholds} columns={size.columns} rows={size.rows} deadLetters={deadLetters} exceptions={exceptions} message={message} />;
}
