import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { Db } from '../sql/database.ts';
import type { DeadLetter } from '../streams/dead-letter.ts';
import type { Names } from '../streams/names.ts';
import { replayWithOrders } from './dead-lettered-order.ts';
import { replayAftersaleLetters, type AftersaleReplay } from './ingest/connectors/aftersale-replay.ts';

/** What replaying a choice of dead letters did. */
export interface DeadLetterReplay {
  /** Letters published back to their stage's subject. */
  replayed: DeadLetter[];
  /** Orders that were `dead_letter` exceptions, put back where their stage takes them from. */
  ordersPutBack: number;
  /** The after-sale records among them (absent: none), read again and applied. */
  aftersales?: AftersaleReplay;
}

/**
 * Replays dead letters each to where it belongs: a stage's message back to its stage
 * (`replayWithOrders`), a platform's after-sale record to the after-sale path
 * (`replayAftersaleLetters`: on ingest's subject it would fail again as an order). `dlq replay`
 * and the console's replay key both go through here. `payloads` replaces the stored payload of an
 * after-sale record (an operator's correction), by sequence number.
 */
export async function replayDeadLettersWhereTheyBelong(
  db: Db,
  bus: { js: JetStreamClient; jsm: JetStreamManager },
  names: Names,
  letters: readonly DeadLetter[],
  log: (line: string) => void,
  payloads?: ReadonlyMap<number, Uint8Array>,
): Promise<DeadLetterReplay> {
  const aftersaleLetters = letters.filter((l) => l.aftersale);
  const { replayed, ordersPutBack } = await replayWithOrders(db, bus, names, letters.filter((l) => !l.aftersale));
  if (aftersaleLetters.length === 0) return { replayed, ordersPutBack };
  return { replayed, ordersPutBack, aftersales: await replayAftersaleLetters(db, bus.jsm, names, aftersaleLetters, log, payloads) };
}
