import type { Channel } from '../../../streams/canonical-order.ts';
import { floorToSecond } from '../../../workers/ingest/connectors/china-clock.ts';
import type { JsonRequest, RunningServer } from '../json-server.ts';
import { startApiServer, type ApiResponse, type PlatformFaults } from './api-server.ts';
import { ORDER_UPDATE_KINDS, OrderStore, type OrderUpdateKind, type PlatformOrder } from './order-store.ts';
import { buyerMessageRoutes } from './buyer-messages.ts';
import { SimulatedAuth, type SimulatedCredentials } from './platform-auth.ts';
import { RateLimiter } from './rate-limiter.ts';
import { mulberry32 } from '../../seeded-random.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basketOf } from './demo-basket.ts';
import { AftersaleBook, canMove, linePayables, type AftersaleFormat, type SimAftersale, type SimAftersaleStatus, type SimAftersaleType } from './platform-aftersales.ts';
import { writeSimulatorSettlement, type SimulatedPayment } from '../../settlements/simulator-settlement.ts';

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
  /** The platform's after-sale (refund) records and their API, where it has one. */
  aftersales?: AftersaleFormat<unknown>;
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
  /** New after-sales per second, on paid orders already served, and moves of open ones as many; default 0. */
  aftersalesPerSecond?: number;
  /** Where `POST /sim/settlement` writes its files; default `<tmpdir>/ordersurge-settlements`. */
  settlementDir?: string;
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
  /**
   * The buyer asks for every unit of one line of a paid order back (line 0 unless told), now or
   * `at`; its refund is the line's payable. Throws when the platform has no after-sales, the order
   * or line is unknown, or the line already has an after-sale.
   */
  addAftersale(orderExternalId: string, opts?: { type?: SimAftersaleType; lineIndex?: number; reason?: string; at?: Date }): SimAftersale;
  /** Moves an after-sale as the platform would (see `canMove`); throws on a move the platform does not make. */
  updateAftersale(id: string, status: SimAftersaleStatus, at?: Date): SimAftersale;
  aftersale(id: string): SimAftersale | undefined;
  /** Writes the settlement export of a China-time day (`2026-11-11`) for the orders paid that day: sale, fee, refunds. */
  writeSettlement(day: string, dir?: string): Promise<{ file: string; entries: number }>;
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
  const book = def.aftersales ? new AftersaleBook(def.aftersales) : undefined;
  let aftersaleRate = opts.aftersalesPerSecond ?? 0;
  let aftersaleSeq = opts.firstSeq ?? Date.now();
  // What the settlement file needs: when each order was paid, and which were refunded whole.
  const paidAt = new Map<string, number>();
  const refundedWhole = new Set<string>();
  const linesAsked = new Set<string>();

  const addOrder = (times: { createdAt?: Date; modifiedAt?: Date } = {}): PlatformOrder<P> => {
    const createdMs = floorToSecond(times.createdAt?.getTime() ?? Date.now());
    const modifiedMs = floorToSecond(times.modifiedAt?.getTime() ?? createdMs);
    const orderSeq = seq++;
    const { externalId, payload } = def.create(orderSeq, { createdMs, modifiedMs });
    const order: PlatformOrder<P> = { externalId, seq: orderSeq, createdMs, modifiedMs, payload, served: false };
    store.put(order);
    if (!basketOf(orderSeq).unpaid) paidAt.set(externalId, createdMs);
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
    if (kind === 'paid') paidAt.set(order.externalId, modifiedMs);
    // A paid order cancelled or refunded by the platform gives the buyer everything back.
    if ((kind === 'cancelled' || kind === 'refunded') && paidAt.has(order.externalId)) refundedWhole.add(order.externalId);
    counts.updated++;
    return updated;
  };

  const addAftersale = (orderExternalId: string, o: { type?: SimAftersaleType; lineIndex?: number; reason?: string; at?: Date } = {}): SimAftersale => {
    if (!book) throw new Error(`${def.channel} simulator: this platform has no after-sales`);
    const order = store.get(orderExternalId);
    if (!order) throw new Error(`${def.channel} simulator: no order ${orderExternalId}`);
    if (!paidAt.has(orderExternalId)) throw new Error(`${def.channel} simulator: order ${orderExternalId} is not paid`);
    const lineIndex = o.lineIndex ?? 0;
    const line = basketOf(order.seq).lines[lineIndex];
    if (!line) throw new Error(`${def.channel} simulator: order ${orderExternalId} has no line ${lineIndex}`);
    const key = `${orderExternalId}:${lineIndex}`;
    if (linesAsked.has(key)) throw new Error(`${def.channel} simulator: line ${lineIndex} of order ${orderExternalId} already has an after-sale`);
    linesAsked.add(key);
    const atMs = floorToSecond(o.at?.getTime() ?? Date.now());
    const record: SimAftersale = {
      id: String(aftersaleSeq++),
      orderExternalId,
      orderSeq: order.seq,
      lineIndex,
      qty: line.qty,
      type: o.type ?? 'refund_only',
      status: 'requested',
      refundFen: linePayables(order.seq)[lineIndex]!,
      reason: o.reason ?? (o.type === 'return_refund' ? '尺码不合适' : '不想要了'),
      createdMs: atMs,
      modifiedMs: atMs,
    };
    book.put(record, order as PlatformOrder<unknown>);
    return record;
  };
  const updateAftersale = (id: string, status: SimAftersaleStatus, at?: Date): SimAftersale => {
    const known = book?.records.get(id);
    if (!book || !known) throw new Error(`${def.channel} simulator: no after-sale ${id}`);
    if (!canMove(known.type, known.status, status)) throw new Error(`${def.channel} simulator: a ${known.type} after-sale in ${known.status} cannot become ${status}`);
    // Like an order's modified time: whole seconds, always after the last change.
    const modifiedMs = Math.max(floorToSecond(at?.getTime() ?? Date.now()), known.modifiedMs + 1000);
    const updated: SimAftersale = { ...known, status, modifiedMs, ...(status === 'returned' ? { returnWaybill: { company: '顺丰速运', waybill: `SF${id}` } } : {}) };
    book.put(updated, store.get(known.orderExternalId) as PlatformOrder<unknown>);
    return updated;
  };
  const randomAftersaleStep = (): void => {
    if (!book) return;
    // Half new after-sales, half moves of open ones: buyers ask, sellers and buyers answer.
    const open = [...book.records.values()].filter((r) => r.status === 'requested' || r.status === 'agreed' || r.status === 'returned');
    if (open.length > 0 && random() < 0.5) {
      const r = open[Math.floor(random() * open.length)]!;
      const moves = (['agreed', 'returned', 'success', 'rejected', 'closed'] as const).filter((to) => canMove(r.type, r.status, to));
      // Mostly forward: a refund is far more often granted than refused.
      const to = moves.find((m) => m !== 'rejected' && m !== 'closed' && random() < 0.85) ?? moves[Math.floor(random() * moves.length)]!;
      updateAftersale(r.id, to);
      return;
    }
    const order = store.randomServed(random);
    if (!order || !paidAt.has(order.externalId) || refundedWhole.has(order.externalId)) return;
    const lineIndex = Math.floor(random() * basketOf(order.seq).lines.length);
    if (linesAsked.has(`${order.externalId}:${lineIndex}`)) return;
    addAftersale(order.externalId, { lineIndex, type: random() < 0.5 ? 'refund_only' : 'return_refund' });
  };
  const payments = function* (): Generator<SimulatedPayment> {
    const refunded = book?.refundedByOrder() ?? new Map<string, number>();
    for (const [externalId, at] of paidAt) {
      const order = store.get(externalId);
      if (!order) continue;
      const paidFen = basketOf(order.seq).paidFen;
      yield { externalId, paidAtMs: at, paidFen, refundedFen: refundedWhole.has(externalId) ? paidFen : (refunded.get(externalId) ?? 0) };
    }
  };
  const settlementDir = opts.settlementDir ?? join(tmpdir(), 'ordersurge-settlements');

  let owedOrders = 0;
  let owedUpdates = 0;
  let owedAftersales = 0;
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
    owedAftersales += (aftersaleRate * TICK_MS) / 1000;
    for (; owedAftersales >= 1; owedAftersales--) randomAftersaleStep();
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
    async (req) => {
      if (req.method === 'GET' && req.path === '/sim/stats') return { status: 200, body: stats() };
      if (req.method === 'POST' && req.path === '/sim/rate') {
        const wanted = req.body as { rate?: unknown; updatesPerSecond?: unknown } | undefined;
        if (typeof wanted?.rate !== 'number' || wanted.rate < 0) return { status: 400, body: { error: 'rate: must be a non-negative number' } };
        rate = wanted.rate;
        updateRate = typeof wanted.updatesPerSecond === 'number' && wanted.updatesPerSecond >= 0 ? wanted.updatesPerSecond : rate / 5;
        return { status: 200, body: { rate, updatesPerSecond: updateRate } };
      }
      if (req.method === 'POST' && req.path === '/sim/aftersales-rate') {
        const wanted = (req.body as { rate?: unknown } | undefined)?.rate;
        if (typeof wanted !== 'number' || wanted < 0) return { status: 400, body: { error: 'rate: must be a non-negative number' } };
        aftersaleRate = wanted;
        return { status: 200, body: { aftersalesPerSecond: aftersaleRate } };
      }
      if (req.method === 'POST' && req.path === '/sim/settlement') {
        const day = req.query.get('day') ?? (req.body as { day?: unknown } | undefined)?.day;
        if (typeof day !== 'string') return { status: 400, body: { error: 'day: required, a China-time day such as 2026-11-11' } };
        try {
          return { status: 200, body: await writeSimulatorSettlement(def.channel, day, payments(), settlementDir) };
        } catch (error) {
          return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
        }
      }
      if (auth) {
        const denied = def.channel === 'jd' && req.path === '/oauth2/refresh_token' ? auth.checkJdRefresh(req) : auth.check(req);
        if (denied) return denied;
      }
      return buyerMessages(req) ?? book?.route(req) ?? def.route(req, ctx) ?? { status: 404, body: { error: `not found: ${req.method} ${req.path}` } };
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
    addAftersale,
    updateAftersale,
    aftersale: (id) => book?.records.get(id),
    writeSettlement: (day, dir) => writeSimulatorSettlement(def.channel, day, payments(), dir ?? settlementDir),
    stats,
    close: async () => {
      clearInterval(tick);
      await server.close();
    },
  };
}
