import type { JetStreamClient } from '@nats-io/jetstream';
import type { Names } from '../../streams/names.ts';
import { submitPayload } from '../../streams/submit.ts';
import { sleep } from '../runner.ts';

export interface PollerStats {
  polled: number;
  submitted: number;
  failures: number;
  lastError: string | undefined;
}

/**
 * Pulls the web shop's orders page by page (Shopify's since_id paging) and submits each into
 * ingest. The cursor moves only past orders whose publish JetStream confirmed, so a failed poll
 * or a full queue (backpressure) is retried, never skipped.
 */
export async function pollShop(opts: {
  shopUrl: string;
  js: JetStreamClient;
  names: Names;
  intervalMs: number;
  signal: AbortSignal;
  stats: PollerStats;
  log: (line: string) => void;
}): Promise<void> {
  let cursor = 0;
  const encoder = new TextEncoder();
  while (!opts.signal.aborted) {
    const started = Date.now();
    let pageFull = false;
    try {
      const res = await fetch(`${opts.shopUrl}/admin/api/orders.json?since_id=${cursor}&limit=250`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { orders } = (await res.json()) as { orders: { id: number }[] };
      opts.stats.polled++;
      // A page is published at once; the cursor moves only when every publish is confirmed.
      await Promise.all(orders.map((order) => submitPayload(opts.js, opts.names, 'shop', encoder.encode(JSON.stringify(order)))));
      cursor = orders.at(-1)?.id ?? cursor;
      opts.stats.submitted += orders.length;
      pageFull = orders.length === 250;
    } catch (error) {
      opts.stats.failures++;
      opts.stats.lastError = error instanceof Error ? error.message : String(error);
      opts.log(`shop poll failed (will retry): ${opts.stats.lastError}`);
    }
    // The interval runs from the start of a poll, so publishing time does not slow the intake.
    if (!pageFull) await sleep(Math.max(0, opts.intervalMs - (Date.now() - started)), opts.signal);
  }
}
