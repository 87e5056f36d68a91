// The benchmark's order feeder, in a process of its own: it pre-generates the orders, waits for
// "go", then publishes them into ingest with bounded in-flight (and an optional rate), and
// reports when it published each one.
import { connectBus } from '../../streams/connect.ts';
import { admissionGate } from '../../streams/admission.ts';
import { namesFor } from '../../streams/names.ts';
import { submitPayload } from '../../streams/submit.ts';
import { sleep } from '../../workers/sleep.ts';
import { benchOrders } from './bench-orders.ts';
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
}

export type FeederIn = { type: 'go' } | { type: 'stop' };
export type FeederOut =
  | { type: 'ready'; payloadBytes: number }
  | { type: 'progress'; published: number; atMs: number; heldMs: number }
  | { type: 'done'; published: number; retried: number; firstMs: number; lastMs: number; publishedAt: [string, number][] };

const settings = JSON.parse(process.argv[2] ?? '{}') as FeederSettings;
/** Sends, and resolves once the message is handed over (a disconnect right after could drop it). */
const send = (message: FeederOut): Promise<void> => new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
const orders = benchOrders(settings.orders, settings.seed);
const encoder = new TextEncoder();
const payloads = orders.map((o) => encoder.encode(o.payload));
const bus = await connectBus(settings.natsUrl, 'ordersurge-bench-feeder');
const names = namesFor(settings.namespace);
const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
// A run stopped early (Ctrl-C): publish no more, report what was published.
const stopping = new AbortController();
process.on('message', (m: FeederIn) => m.type === 'stop' && stopping.abort());
await send({ type: 'ready', payloadBytes: Math.round(payloads.reduce((n, p) => n + p.length, 0) / payloads.length) });
await go;

const publishedAt: [string, number][] = [];
const never = new AbortController().signal;
let retried = 0;
let inFlight = 0;
let wake: (() => void) | undefined;
const firstMs = Date.now();
const publishOne = async (i: number): Promise<void> => {
  const order = orders[i]!;
  for (;;) {
    const at = Date.now();
    try {
      await submitPayload(bus.js, names, order.channel, payloads[i]!);
      publishedAt.push([order.orderId, at]);
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
for (let i = 0; i < orders.length && !stopping.signal.aborted; i++) {
  if (gate) {
    const held = Date.now();
    await gate.waitForRoom(stopping.signal);
    heldMs += Date.now() - held;
  }
  if (settings.schedule) {
    while (offeredBy(settings.schedule, (Date.now() - firstMs) / 1000) < i + 1 && !stopping.signal.aborted) await sleep(10, never);
  } else if (settings.rate > 0) {
    const due = firstMs + (i * 1000) / settings.rate;
    if (due > Date.now()) await sleep(due - Date.now(), never);
  }
  while (inFlight >= settings.inFlight) await new Promise<void>((resolve) => (wake = resolve));
  inFlight++;
  const p: Promise<void> = publishOne(i).finally(() => {
    inFlight--;
    running.delete(p);
    wake?.();
  });
  running.add(p);
}
await Promise.all(running);
clearInterval(progress);
const lastMs = Date.now();
await bus.close();
await send({ type: 'done', published: publishedAt.length, retried, firstMs, lastMs, publishedAt });
process.disconnect?.();
