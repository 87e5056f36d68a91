import { useEffect, useState } from 'react';
import type { ExceptionOrder } from '../sql/queries/exception-orders.ts';
import type { DeadLetter } from '../streams/dead-letter.ts';
import { errorText } from '../workers/error-text.ts';
import type { ConsoleData } from './console-data.ts';
import type { View } from './console-keys.ts';
import type { Loaded } from './console-screen.tsx';
import type { DeadLetterRow } from './dead-letters-view.tsx';

/** What the hooks read from: `ConsoleSource`, or known data in a test. */
export interface ConsoleFeed {
  current(): ConsoleData;
  deadLetters(limit: number): Promise<DeadLetter[]>;
  exceptions(limit: number): Promise<ExceptionOrder[]>;
}

const LIST_LIMIT = 500;

/** The console's data, taken from the feed every `refreshMs` (the feed reads servers on its own schedule). */
export function useConsoleData(feed: ConsoleFeed, refreshMs: number): ConsoleData {
  const [data, setData] = useState(() => feed.current());
  useEffect(() => {
    const timer = setInterval(() => setData(feed.current()), refreshMs);
    return () => clearInterval(timer);
  }, [feed, refreshMs]);
  return data;
}

/**
 * The dead letters or exceptions, read while their view is open (every `everyMs`, and at once
 * after `reload` changes, e.g. after a replay); nothing is read for a view that is closed.
 */
export function useViewLists(feed: ConsoleFeed, view: View, everyMs: number, viewLetter: (l: DeadLetter) => DeadLetterRow, reload: number): { deadLetters: Loaded<DeadLetterRow>; exceptions: Loaded<ExceptionOrder> } {
  const [deadLetters, setDeadLetters] = useState<Loaded<DeadLetterRow>>({ rows: null });
  const [exceptions, setExceptions] = useState<Loaded<ExceptionOrder>>({ rows: null });
  useEffect(() => {
    if (view === 'overview') return undefined;
    let live = true;
    const load = async (): Promise<void> => {
      if (view === 'deadLetters') {
        try {
          const letters = await feed.deadLetters(LIST_LIMIT);
          if (live) setDeadLetters({ rows: letters.map(viewLetter) });
        } catch (error) {
          if (live) setDeadLetters((d) => ({ rows: d.rows, error: errorText(error) }));
        }
      } else {
        try {
          const orders = await feed.exceptions(LIST_LIMIT);
          if (live) setExceptions({ rows: orders });
        } catch (error) {
          if (live) setExceptions((d) => ({ rows: d.rows, error: errorText(error) }));
        }
      }
    };
    void load();
    const timer = setInterval(() => void load(), everyMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [feed, view, everyMs, viewLetter, reload]);
  return { deadLetters, exceptions };
}
