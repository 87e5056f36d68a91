// The six platform simulators of a load test, in a process of their own: new orders at the rate
// the load test asks for, spread over the channels in their shares, and the buyers' later moves
// (paying an unpaid order; in the mixed feed also cancelling, refunding, readdressing) some
// seconds after each order. The connectors poll them like real platforms; the platform keeps
// what intake has not taken yet, as a real one would.
import { basketOf } from '../simulators/platforms/demo-basket.ts';
import { demoCredentials, type SimulatedCredentials } from '../simulators/platforms/platform-auth.ts';
import { startPlatformSimulators } from '../simulators/platforms/start-platform-simulators.ts';
import type { OrderUpdateKind } from '../simulators/platforms/order-store.ts';
import { mulberry32 } from '../seeded-random.ts';
import { orderIdOf, type Channel } from '../../streams/canonical-order.ts';
import { laterUpdate, pickChannel } from './mixed-orders.ts';

export interface PlatformsSettings {
  seed: number;
  /** `mixed`: cancellations, refunds and address changes of paid orders too; else only payments. */
  feed: 'bench' | 'mixed';
}

/** A strict marketplace simulator's one shop, for the load to register as a shop account. */
export interface LoadShop {
  channel: Channel;
  credentials: SimulatedCredentials;
  tokenExpiresAtMs: number;
}

export type PlatformsIn = { type: 'rate'; perSecond: number } | { type: 'finish' };
export type PlatformsOut =
  /** `shops`: the strict marketplaces' shop credentials (the load registers them, connect signs with them). */
  | { type: 'ready'; urls: Partial<Record<Channel, string>>; shops: LoadShop[] }
  | { type: 'progress'; created: number }
  /** Every order created, with its creation time: what was offered. */
  | { type: 'done'; created: [string, number][] };

const settings = JSON.parse(process.argv[2] ?? '{}') as PlatformsSettings;
const TICK_MS = 100;
/** A buyer's later move comes this many seconds after the order. */
const LATER_S = { min: 2, max: 30 };
const random = mulberry32(settings.seed);
// Order numbers of their own per run: a running cluster must see them as new.
// The marketplaces run strict, as the real ones: every poll signed and authorized (issue 18).
const SIGNED: Channel[] = ['tmall', 'jd', 'douyin', 'pdd'];
const auth = Object.fromEntries(SIGNED.map((channel) => [channel, demoCredentials(channel, channel)]));
const sims = await startPlatformSimulators({ rate: 0, updatesPerSecond: 0, firstSeq: settings.seed * 10_000_000, keep: Number.MAX_SAFE_INTEGER, auth });
const send = (message: PlatformsOut): Promise<void> => new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
const created: [string, number][] = [];
/** Updates waiting for their time, in the order they come due. */
const later: { atMs: number; channel: Channel; externalId: string; kind: OrderUpdateKind }[] = [];
let rate = 0;
let owed = 0;
let finishing = false;

process.on('message', (m: PlatformsIn) => {
  if (m.type === 'rate') rate = m.perSecond;
  if (m.type === 'finish') finishing = true;
});

function createOne(now: number): void {
  const channel = pickChannel(random);
  const order = sims.simulators[channel]!.addOrder();
  created.push([orderIdOf(channel, order.externalId), order.createdMs]);
  const unpaid = basketOf(order.seq).unpaid;
  if (settings.feed !== 'mixed') {
    // Outside the mixed feed every buyer pays at once (the platform shows the order paid a second
    // later): every order can complete, and its latency is the pipeline's, not the buyer's.
    if (unpaid) tryUpdate(channel, order.externalId, 'paid');
    return;
  }
  const kind = laterUpdate(unpaid, random);
  if (!kind) return;
  const atMs = now + (LATER_S.min + random() * (LATER_S.max - LATER_S.min)) * 1000;
  const at = later.findLastIndex((u) => u.atMs <= atMs);
  later.splice(at + 1, 0, { atMs, channel, externalId: order.externalId, kind });
}

function applyDue(now: number, all: boolean): void {
  while (later.length > 0 && (all || later[0]!.atMs <= now)) {
    const u = later.shift()!;
    tryUpdate(u.channel, u.externalId, u.kind);
  }
}

/** Applies a buyer's move unless the platform rules it out in the order's state (a POS ticket is always paid, say). */
function tryUpdate(channel: Channel, externalId: string, kind: OrderUpdateKind): void {
  try {
    sims.simulators[channel]!.updateOrder(externalId, kind);
  } catch {
    // Not applicable in the order's state: the platform would not send it either.
  }
}

await send({
  type: 'ready',
  urls: sims.urls,
  shops: SIGNED.map((channel) => ({ channel, credentials: auth[channel]!, tokenExpiresAtMs: sims.simulators[channel]!.auth!.tokenExpiresAt.getTime() })),
});
const progress = setInterval(() => void send({ type: 'progress', created: created.length }), 1000);
for (;;) {
  const now = Date.now();
  owed += (rate * TICK_MS) / 1000;
  for (; owed >= 1; owed--) createOne(now);
  applyDue(now, false);
  if (finishing) {
    // The run is over: the buyers' remaining moves happen now, so no order waits for one.
    applyDue(now, true);
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, TICK_MS));
}
clearInterval(progress);
await send({ type: 'done', created });
// The connectors keep polling until the load test stops this process.
process.once('SIGTERM', () => void sims.close().then(() => process.exit(0)));
process.once('disconnect', () => void sims.close().then(() => process.exit(0)));
