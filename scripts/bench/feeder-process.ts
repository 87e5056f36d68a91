// The benchmark's order feeder, in a process of its own: it pre-generates the orders (up to
// PREGENERATED; a longer run generates the rest as it goes), waits for "go", then publishes them
// into ingest with bounded in-flight (and an optional rate or rate schedule, which a load test may
// replace mid-run), and reports when it published each one.
import { connectBus } from '../../streams/connect.ts';
import { admissionGate } from '../../streams/admission.ts';
import { namesFor } from '../../streams/names.ts';
import { submitPayload } from '../../streams/submit.ts';
import { sleep } from '../../workers/sleep.ts';
import { MixedOrders, type FeedItem } from '../load/mixed-orders.ts';
import { benchOrderStream } from './bench-orders.ts';
import { offeredBy, type RateSegment } from './rate-schedule.ts';

export interface FeederSettings {
  natsUrl: string;
  namespace: string;
  orders: number;
  seed: number;
  /** Orders per second; 0 publishes as fast as acks come back. */
  rate: number;
  /** A changing rate instead (a load profile): segments in order, each ramping linearly. */
  schedule?: RateSegment[];
  inFlight: number;
  /** Hold publishing while the core backlog is at this limit, as every intake does; 0 never holds. */
  maxCoreBacklog?: number;
  /**
   * `bench` (the default): paid new orders, round-robin over the channels. `mixed`: channels in
   * realistic shares, with later payments, cancellations, refunds and address changes among them
   * (`orders` and the rate then count those updates too).
   */
  feed?: 'bench' | 'mixed';
}

/**
 * `schedule` replaces the rate schedule from now on (a load test that has measured the
 * sustainable rate): the run then ends with the new schedule's orders.
 */
export type FeederIn = { type: 'go' } | { type: 'stop' } | { type: 'schedule'; schedule: RateSegment[] };
export type FeederOut =
  | { type: 'ready'; payloadBytes: number }
  | { type: 'progress'; published: number; atMs: number; heldMs: number }
  | { type: 'scheduled'; orders: number }
  | { type: 'done'; published: number; retried: number; firstMs: number; lastMs: number; publishedAt: [string, number][] };

const settings = JSON.parse(process.argv[2] ?? '{}') as FeederSettings;
/** Sends, and resolves once the message is handed over (a disconnect right after could drop it). */
const send = (message: FeederOut): Promise<void> => new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
/** Generated ahead of "go"; beyond it, orders are generated as they are published. */
const PREGENERATED = 50_000;
const mixed = settings.feed === 'mixed' ? new MixedOrders(settings.seed) : undefined;
const stream = benchOrderStream(settings.seed);
const encoder = new TextEncoder();
const orders: FeedItem[] = [];
const payloads: Uint8Array[] = [];
const generateUpTo = (count: number): void => {
  while (orders.length < count) {
    const order = mixed ? mixed.next() : stream.next().value;
    orders.push(order);
    payloads.push(encoder.encode(order.payload));
  }
};
generateUpTo(Math.min(settings.orders, PREGENERATED));
let total = settings.orders;
let schedule = settings.schedule;
/** Where the current schedule started: the order index and the time. */
let scheduleFrom = { index: 0, ms: 0 };
/** The order the loop is at: a new schedule starts from it. */
let next = 0;
const bus = await connectBus(settings.natsUrl, 'ordersurge-bench-feeder');
const names = namesFor(settings.namespace);
const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
// A run stopped early (Ctrl-C): publish no more, report what was published.
const stopping = new AbortController();
process.on('message', (m: FeederIn) => {
  if (m.type === 'stop') stopping.abort();
  if (m.type === 'schedule') {
    schedule = m.schedule;
    scheduleFrom = { index: next, ms: Date.now() };
    total = next + Math.floor(offeredBy(schedule, schedule.reduce((n, seg) => n + seg.seconds, 0)));
    void send({ type: 'scheduled', orders: total });
  }
});
await send({ type: 'ready', payloadBytes: Math.round(payloads.reduce((n, p) => n + p.length, 0) / Math.max(1, payloads.length)) });
await go;

const publishedAt: [string, number][] = [];
const never = new AbortController().signal;
let retried = 0;
let inFlight = 0;
let wake: (() => void) | undefined;
const firstMs = Date.now();
scheduleFrom = { index: 0, ms: firstMs };
/** Publishes one message until the stream takes it; a new order's time is kept (an update's is not: it is no new order). */
const publishOne = async (order: FeedItem, payload: Uint8Array): Promise<void> => {
  for (;;) {
    const at = Date.now();
    try {
      await submitPayload(bus.js, names, order.channel, payload);
      gate?.admitted(1);
      if (!order.update) publishedAt.push([order.orderId, at]);
      return;
    } catch {
      // A full stream refuses: that is backpressure, so wait and try again.
      retried++;
      await sleep(200, never);
    }
  }
};
const running = new Set<Promise<void>>();
let heldMs = 0;
const gate = settings.maxCoreBacklog ? admissionGate(bus.jsm, names, settings.maxCoreBacklog, 250) : undefined;
const progress = setInterval(() => void send({ type: 'progress', published: publishedAt.length, atMs: Date.now(), heldMs }), 1000);
for (let i = 0; i < total && !stopping.signal.aborted; i++) {
  next = i;
  if (gate) {
    const held = Date.now();
    await gate.waitForRoom(stopping.signal);
    heldMs += Date.now() - held;
  }
  if (schedule) {
    while (i < total && scheduleFrom.index + offeredBy(schedule, (Date.now() - scheduleFrom.ms) / 1000) < i + 1 && !stopping.signal.aborted) await sleep(10, never);
    // A new schedule may have ended the run while this order waited.
    if (i >= total) break;
  } else if (settings.rate > 0) {
    const due = firstMs + (i * 1000) / settings.rate;
    if (due > Date.now()) await sleep(due - Date.now(), never);
  }
  while (inFlight >= settings.inFlight) await new Promise<void>((resolve) => (wake = resolve));
  generateUpTo(i + 1);
  inFlight++;
  const p: Promise<void> = publishOne(orders[i]!, payloads[i]!).finally(() => {
    inFlight--;
    running.delete(p);
    wake?.();
  });
  running.add(p);
}
await Promise.all(running);
// Updates not yet due belong to orders already published: without them, an unpaid order would wait forever.
if (mixed && !stopping.signal.aborted) {
  for (const item of mixed.rest()) await publishOne(item, encoder.encode(item.payload));
}
clearInterval(progress);
const lastMs = Date.now();
await bus.close();
await send({ type: 'done', published: publishedAt.length, retried, firstMs, lastMs, publishedAt });
process.disconnect?.();
