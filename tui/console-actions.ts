import type { Db } from '../sql/database.ts';
import { listDeadLetters } from '../streams/dead-letter.ts';
import type { Bus } from '../streams/connect.ts';
import type { Names } from '../streams/names.ts';
import { openPeakStore, setPeakSetting } from '../streams/peak-mode.ts';
import { replayDeadLettersWhereTheyBelong } from '../workers/dead-letter-replay.ts';
import { retryExceptions } from '../workers/exception-retry.ts';
import type { ConsoleActions } from './console-app.tsx';
import type { ConsoleAction } from './console-keys.ts';

/**
 * What the console's confirmed keys do, with the same code as the commands: `ordersurge peak`
 * (setPeakSetting), `dlq replay --seq` (replayDeadLettersWhereTheyBelong) and the exception retry (back to its
 * stage's status, then re-driven as `redrive` does).
 */
export function consoleActions(bus: Bus, db: Db, names: Names, operator: string): ConsoleActions {
  return {
    async run(action: ConsoleAction): Promise<string> {
      switch (action.kind) {
        case 'setPeak': {
          const state = await setPeakSetting(await openPeakStore(bus, names), action.setting, '', `ordersurge tui (${operator})`);
          return `peak mode ${state.active ? 'ON' : 'off'} (setting ${state.setting})`;
        }
        case 'replay': {
          const letters = (await listDeadLetters(bus.js, bus.jsm, names)).filter((l) => l.seq === action.seq);
          if (letters.length === 0) return `dead letter #${action.seq} is gone (replayed already?)`;
          const { replayed, ordersPutBack, aftersales } = await replayDeadLettersWhereTheyBelong(db, bus, names, letters, () => undefined);
          // An after-sale record goes to the after-sale path: read again, or left where it is if still unreadable.
          const unreadable = aftersales?.outcomes.find((o) => o.kind === 'unreadable');
          if (unreadable) return `after-sale record #${action.seq} still unreadable, left in the dead letters: ${unreadable.problems}`;
          if (aftersales) return `after-sale record #${action.seq} read again: ${aftersales.applied.created} ticket(s) created, ${aftersales.applied.moved} move(s)`;
          return `replayed ${replayed.length} dead letter(s)${ordersPutBack ? `; ${ordersPutBack} order(s) put back` : ''}`;
        }
        case 'retry': {
          const sent = await retryExceptions(db, bus.js, names, [{ id: action.orderId, type: action.type, detail: action.detail }]);
          return sent ? `${action.orderId} handed back to its stage` : `${action.orderId} is no longer that exception: nothing to retry`;
        }
        default: {
          const never: never = action;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
    },
  };
}
