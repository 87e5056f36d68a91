import type { Db } from '../../sql/database.ts';
import { confirmShipped, wmsFeedCursor, type ShippedConfirmation } from '../../sql/queries/picks.ts';
import { startSweepLoop } from '../sweep-loop.ts';

export interface ShippedFeedOptions {
  db: Db;
  wmsUrl: string;
  log: (line: string) => void;
  /** How often the feed is polled when it had nothing new. */
  intervalMs?: number;
}

/** Confirmations read per call. */
const PAGE = 500;

/**
 * Polls the WMS's confirm-shipped feed (`GET /pick-tasks/shipped?after=SEQ`) and records each
 * parcel that left the warehouse: its reservations turn into stock decrements (`confirmShipped`,
 * exactly once per shipment however often a confirmation is read). How far the feed was read is
 * kept in Postgres with the confirmations it covers, so a restart or a second pick worker reads
 * on from there, and a confirmation read twice changes nothing.
 */
export function startShippedFeed(opts: ShippedFeedOptions): { stop(): Promise<void> } {
  return startSweepLoop('shipped feed', opts.intervalMs ?? 1000, opts.log, async () => {
    const after = await wmsFeedCursor(opts.db, opts.wmsUrl);
    const res = await fetch(`${opts.wmsUrl}/pick-tasks/shipped?after=${after}&limit=${PAGE}`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`GET ${opts.wmsUrl}/pick-tasks/shipped: HTTP ${res.status}`);
    const events = parseFeed(await res.json());
    await confirmShipped(opts.db, opts.wmsUrl, events);
    // A full page: more are waiting, read on at once.
    return events.length === PAGE ? 'again' : undefined;
  });
}

/** The feed page's confirmations; throws naming the field when the WMS answered something else. */
function parseFeed(body: unknown): ShippedConfirmation[] {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new Error('shipped feed: events: expected an array');
  return events.map((e: unknown, i) => {
    const { seq, taskId, shipmentId } = (e ?? {}) as Record<string, unknown>;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw new Error(`shipped feed: events[${i}].seq: must be a positive integer, got ${JSON.stringify(seq)}`);
    if (typeof taskId !== 'string' || typeof shipmentId !== 'string') throw new Error(`shipped feed: events[${i}]: taskId and shipmentId must be strings`);
    return { seq, taskId, shipmentId };
  });
}
