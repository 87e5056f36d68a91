import type { KV } from '@nats-io/kv';
import pg from 'pg';
import type { Db } from '../../sql/database.ts';
import { STOCK_CHANGED_CHANNEL } from '../../sql/migrations/0013-stock-notifications.ts';
import { stockForAts } from '../../sql/queries/stock-ledger.ts';
import { atsKey, type AtsValue } from '../../streams/ats-bucket.ts';
import { errorText } from '../error-text.ts';
import { availableToSell } from './available-to-sell.ts';

export interface AtsPublisherOptions {
  databaseUrl: string;
  db: Db;
  kv: KV;
  log: (line: string) => void;
  /** How long changes are gathered before one publish round: a hot SKU sold 500 times a second is published a few times, not 500. */
  intervalMs?: number;
}

export interface AtsPublisher {
  /** Publishes what has changed so far, now. */
  flush(): Promise<void>;
  /** Keys put since start. */
  published(): number;
  stop(): Promise<void>;
}

/**
 * Publishes available-to-sell per SKU and channel to the KV bucket whenever a stock row changes:
 * it listens for the SKUs Postgres notifies on commit (migration 0013, whichever code changed
 * the row), gathers them for `intervalMs`, reads their stock once and puts each channel's value
 * that differs from the one it last put. A lost listening connection is reopened, and every SKU
 * seen so far is published again (a change may have been missed meanwhile).
 */
export async function startAtsPublisher(opts: AtsPublisherOptions): Promise<AtsPublisher> {
  const intervalMs = opts.intervalMs ?? 200;
  const dirty = new Set<string>();
  const last = new Map<string, number>();
  let puts = 0;
  let stopped = false;
  let client: pg.Client | undefined;

  const listen = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: opts.databaseUrl });
    c.on('notification', (n) => {
      if (n.channel === STOCK_CHANGED_CHANNEL && n.payload !== undefined) dirty.add(n.payload);
    });
    c.on('error', (error) => {
      if (stopped) return;
      opts.log(`available-to-sell: listening connection lost (${errorText(error)}); reconnecting`);
      client = undefined;
      for (const key of last.keys()) dirty.add(key.slice(0, key.indexOf('\u0000')));
      setTimeout(() => void listen().catch((e: unknown) => opts.log(`available-to-sell: ${errorText(e)}`)), 1000);
    });
    await c.connect();
    await c.query(`listen ${STOCK_CHANGED_CHANNEL}`);
    client = c;
  };
  await listen();

  let running: Promise<void> = Promise.resolve();
  const publish = async (): Promise<void> => {
    if (dirty.size === 0) return;
    const skus = [...dirty];
    dirty.clear();
    try {
      const changed = (await stockForAts(opts.db, skus)).flatMap(availableToSell).filter((a) => last.get(`${a.sku}\u0000${a.channel}`) !== a.ats);
      const at = new Date().toISOString();
      for (let i = 0; i < changed.length; i += 256) {
        await Promise.all(
          changed.slice(i, i + 256).map(async (a) => {
            const value: AtsValue = { ats: a.ats, at };
            await opts.kv.put(atsKey(a.sku, a.channel), JSON.stringify(value));
            last.set(`${a.sku}\u0000${a.channel}`, a.ats);
            puts += 1;
          }),
        );
      }
    } catch (error) {
      for (const sku of skus) dirty.add(sku);
      opts.log(`available-to-sell: publish failed, will retry: ${errorText(error)}`);
    }
  };
  const flush = (): Promise<void> => (running = running.then(publish));
  const timer = setInterval(() => void flush(), intervalMs);
  return {
    flush,
    published: () => puts,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await client?.end();
    },
  };
}
