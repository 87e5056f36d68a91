import type { Channel } from '../../../streams/canonical-order.ts';
import { floorToSecond } from '../../../workers/ingest/connectors/china-clock.ts';
import type { JsonRequest, RunningServer } from '../json-server.ts';
import { startApiServer, type ApiResponse, type PlatformFaults } from './api-server.ts';
import { ORDER_UPDATE_KINDS, OrderStore, type OrderUpdateKind, type PlatformOrder } from './order-store.ts';
import { buyerMessageRoutes } from './buyer-messages.ts';
import { SimulatedAuth, type SimulatedCredentials } from './platform-auth.ts';
import { RateLimiter } from './rate-limiter.ts';
import { mulberry32 } from '../../seeded-random.ts';

/** What the simulator gives a platform's routes: its orders, and a way to hand them out. */
export interface PlatformContext<P> {
  store: OrderStore<P>;
  /** The payloads of `orders`, marked as served (only served orders get later updates). */
  serve(orders: readonly PlatformOrder<P>[]): P[];
}

/** One platform: its order format and its API. Everything else is shared. */
export interface PlatformDefinition<P> {
  channel: Channel;
  /** Order number `seq` in the platform's own format, deterministic in `seq`. */
  create(seq: number, times: { createdMs: number; modifiedMs: number }): { externalId: string; payload: P };
  /** The payload after `kind` happened at `atMs`, or undefined when the order's state rules it out. */
  update(order: PlatformOrder<P>, kind: OrderUpdateKind, atMs: number): P | undefined;
  /** Answers a call of the platform's API; undefined is a 404. */
  route(req: JsonRequest, ctx: PlatformContext<P>): ApiResponse | undefined;
  /** Body of a 429 in the platform's own words. */
  rateLimitedBody(retryAfterS: number): unknown;
  /** HTTP status of that answer: 429 unless the platform says it with 200 (TOP). */
  rateLimitedStatus?: number;
}

export interface PlatformSimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  faults?: Partial<PlatformFaults>;
  /** New orders per second. */
  rate?: number;
  /** Later updates (paid, cancelled, refunded, readdressed) of served orders per second; default a fifth of `rate`. */
  updatesPerSecond?: number;
  /** Calls per second the API allows before it answers 429; 0 (the default) is no limit. */
  requestsPerSecond?: number;
  /** Calls allowed at once after a quiet spell; default `requestsPerSecond`. */
  burst?: number;
  /** First order number; default the start time in milliseconds, so a restarted simulator never reuses ids. */
  firstSeq?: number;
  /** Seed of the update picker, for repeatable runs. */
  seed?: number;
  /** Orders kept; older ones fall off, as a platform's API window would. */
  keep?: number;
  /**
   * Strict mode (the four marketplaces): the one shop's credentials every call must be signed
   * with and authorized by, its tokens expiring on schedule (see platform-auth.ts). Without, the
   * API answers unsigned calls.
   */
  auth?: SimulatedCredentials;
}

export interface SimulatorStats {
  channel: Channel;
  orders: number;
  generated: number;
  updated: number;
  calls: number;
  rateLimited: number;
  ignoredRetryAfter: number;
  injectedFailures: number;
}

export interface PlatformSimulator<P = Record<string, unknown>> extends RunningServer {
  channel: Channel;
  /** The strict gate, when started with `auth`. */
  auth: SimulatedAuth | undefined;
  /** Change to slow down or break the API mid-run. */
  faults: PlatformFaults;
  limiter: RateLimiter;
  setRate(ordersPerSecond: number, updatesPerSecond?: number): void;
  /** Adds one order, created now unless told otherwise; its modified time defaults to its creation. */
  addOrder(times?: { createdAt?: Date; modifiedAt?: Date }): PlatformOrder<P>;
  /** Applies `kind` to a known order at `at` (default now, and always after its last change). */
  updateOrder(externalId: string, kind: OrderUpdateKind, at?: Date): PlatformOrder<P>;
  order(externalId: string): PlatformOrder<P> | undefined;
  stats(): SimulatorStats;
}

const TICK_MS = 100;
const DEFAULT_KEEP = 200_000;

/**
 * Runs one platform's fake order API: orders generated at a steady rate, later updates of orders
 * already served, a call limit, and fault injection; the platform's buyer-message API
 * (`POST /buyer-messages/batch`, see buyer-messages.ts). Control paths: `GET /sim/stats`,
 * `POST /sim/rate {"rate": n, "updatesPerSecond"?: n}`, `GET /sim/buyer-messages[/stats]`.
 */
export async function startPlatformSimulator<P>(def: PlatformDefinition<P>, opts: PlatformSimulatorOptions = {}): Promise<PlatformSimulator<P>> {
  const store = new OrderStore<P>();
  const faults: PlatformFaults = { latencyMs: 0, failRate: 0, ...opts.faults };
  const limiter = new RateLimiter(opts.requestsPerSecond ?? 0, opts.burst);
  const random = mulberry32(opts.seed ?? 1);
  const keep = opts.keep ?? DEFAULT_KEEP;
  const auth = opts.auth ? new SimulatedAuth(def.channel, opts.auth) : undefined;
  let seq = opts.firstSeq ?? Date.now();
  let rate = opts.rate ?? 0;
  let updateRate = opts.updatesPerSecond ?? rate / 5;
  const counts = { generated: 0, updated: 0, calls: 0, injectedFailures: 0 };

  const addOrder = (times: { createdAt?: Date; modifiedAt?: Date } = {}): PlatformOrder<P> => {
    const createdMs = floorToSecond(times.createdAt?.getTime() ?? Date.now());
    const modifiedMs = floorToSecond(times.modifiedAt?.getTime() ?? createdMs);
    const orderSeq = seq++;
    const { externalId, payload } = def.create(orderSeq, { createdMs, modifiedMs });
    const order: PlatformOrder<P> = { externalId, seq: orderSeq, createdMs, modifiedMs, payload, served: false };
    store.put(order);
    counts.generated++;
    return order;
  };
  const applyUpdate = (order: PlatformOrder<P>, kind: OrderUpdateKind, atMs: number): PlatformOrder<P> | undefined => {
    // A platform's modified time only moves forward, and in whole seconds: an update in the same
    // second as the last change would carry the same version and look like a duplicate.
    const modifiedMs = Math.max(floorToSecond(atMs), order.modifiedMs + 1000);
    const payload = def.update(order, kind, modifiedMs);
    if (payload === undefined) return undefined;
    const updated = { ...order, modifiedMs, payload };
    store.put(updated);
    counts.updated++;
    return updated;
  };

  let owedOrders = 0;
  let owedUpdates = 0;
  const tick = setInterval(() => {
    owedOrders += (rate * TICK_MS) / 1000;
    for (; owedOrders >= 1; owedOrders--) addOrder();
    owedUpdates += (updateRate * TICK_MS) / 1000;
    for (; owedUpdates >= 1; owedUpdates--) {
      const order = store.randomServed(random);
      if (!order) break;
      const first = Math.floor(random() * ORDER_UPDATE_KINDS.length);
      // Not every update fits every state (a cancelled order is not paid later): try the others.
      for (let i = 0; i < ORDER_UPDATE_KINDS.length && !applyUpdate(order, ORDER_UPDATE_KINDS[(first + i) % ORDER_UPDATE_KINDS.length]!, Date.now()); i++);
    }
    store.trim(keep);
  }, TICK_MS);

  const ctx: PlatformContext<P> = {
    store,
    serve: (orders) =>
      orders.map((o) => {
        o.served = true;
        return o.payload;
      }),
  };
  const stats = (): SimulatorStats => ({
    channel: def.channel,
    orders: store.size,
    ...counts,
    rateLimited: limiter.limited,
    ignoredRetryAfter: limiter.ignoredRetryAfter,
  });
  const buyerMessages = buyerMessageRoutes();
  const server = await startApiServer(
    opts.port ?? 0,
    {
      faults,
      limiter,
      rateLimitedBody: def.rateLimitedBody,
      ...(def.rateLimitedStatus !== undefined ? { rateLimitedStatus: def.rateLimitedStatus } : {}),
      onCall: () => counts.calls++,
      onInjectedFailure: () => counts.injectedFailures++,
    },
    (req) => {
      if (req.method === 'GET' && req.path === '/sim/stats') return { status: 200, body: stats() };
      if (req.method === 'POST' && req.path === '/sim/rate') {
        const wanted = req.body as { rate?: unknown; updatesPerSecond?: unknown } | undefined;
        if (typeof wanted?.rate !== 'number' || wanted.rate < 0) return { status: 400, body: { error: 'rate: must be a non-negative number' } };
        rate = wanted.rate;
        updateRate = typeof wanted.updatesPerSecond === 'number' && wanted.updatesPerSecond >= 0 ? wanted.updatesPerSecond : rate / 5;
        return { status: 200, body: { rate, updatesPerSecond: updateRate } };
      }
      if (auth) {
        const denied = def.channel === 'jd' && req.path === '/oauth2/refresh_token' ? auth.checkJdRefresh(req) : auth.check(req);
        if (denied) return denied;
      }
      return buyerMessages(req) ?? def.route(req, ctx) ?? { status: 404, body: { error: `not found: ${req.method} ${req.path}` } };
    },
  );

  return {
    ...server,
    channel: def.channel,
    auth,
    faults,
    limiter,
    setRate: (ordersPerSecond, updatesPerSecond) => {
      rate = ordersPerSecond;
      updateRate = updatesPerSecond ?? ordersPerSecond / 5;
    },
    addOrder,
    updateOrder: (externalId, kind, at) => {
      const order = store.get(externalId);
      if (!order) throw new Error(`${def.channel} simulator: no order ${externalId}`);
      const updated = applyUpdate(order, kind, at?.getTime() ?? Date.now());
      if (!updated) throw new Error(`${def.channel} simulator: order ${externalId} cannot be ${kind} in its current state`);
      return updated;
    },
    order: (externalId) => store.get(externalId),
    stats,
    close: async () => {
      clearInterval(tick);
      await server.close();
    },
  };
}
