import { generateShopOrder } from './shop-orders.ts';
import { notFound, startJsonServer, type Faults, type RunningServer } from './json-server.ts';

/** Orders kept for pollers; older ones fall off, as a platform's API window would. */
const KEEP = 100_000;
const PAGE_MAX = 250;

export interface ShopSimulator extends RunningServer {
  setRate(ordersPerSecond: number): void;
  generated(): number;
}

/**
 * The independent web shop: generates Shopify orders at `rate` per second and serves them
 * Shopify-style at GET /admin/api/orders.json?since_id=ID&limit=N (ascending id).
 */
export async function startShopSimulator(port: number, faults: Faults, opts: { rate: number; firstSeq?: number }): Promise<ShopSimulator> {
  const orders: Record<string, unknown>[] = [];
  let seq = opts.firstSeq ?? Math.floor(Date.now() / 1000) * 1000;
  let rate = opts.rate;
  let owed = 0;
  let total = 0;
  const tick = setInterval(() => {
    owed += rate / 10;
    const now = new Date();
    for (; owed >= 1; owed--) {
      orders.push(generateShopOrder(seq++, now));
      total++;
    }
    if (orders.length > KEEP) orders.splice(0, orders.length - KEEP);
  }, 100);
  const server = await startJsonServer(port, faults, ({ method, path, query, body }) => {
    if (method === 'GET' && path === '/stats') return { status: 200, body: { generated: total, rate } };
    if (method === 'POST' && path === '/rate') {
      const wanted = (body as { rate?: unknown } | undefined)?.rate;
      if (typeof wanted !== 'number' || wanted < 0) return { status: 400, body: { error: 'rate: must be a non-negative number' } };
      rate = wanted;
      return { status: 200, body: { rate } };
    }
    if (method !== 'GET' || path !== '/admin/api/orders.json') return notFound;
    const sinceId = Number(query.get('since_id') ?? 0);
    const limit = Math.min(PAGE_MAX, Math.max(1, Number(query.get('limit') ?? 50)));
    const page = orders.filter((o) => (o.id as number) > sinceId).slice(0, limit);
    return { status: 200, body: { orders: page } };
  });
  return {
    ...server,
    setRate: (r) => {
      rate = r;
    },
    generated: () => total,
    close: async () => {
      clearInterval(tick);
      await server.close();
    },
  };
}
