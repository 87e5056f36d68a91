import { sql, type Transaction } from 'kysely';
import type { Channel } from '../../streams/canonical-order.ts';
import type { Database, Db } from '../database.ts';

/** Category of a SKU missing from the catalogue: category promotions do not apply to it. */
export const UNCATEGORIZED = 'uncategorized';

export interface StoredRuleSet {
  version: number;
  rules: unknown;
  createdBy: string;
  note: string;
  createdAt: Date;
}

/** Stores a new rule set version (append-only) and returns its number. */
export async function saveRuleSet(db: Db, rules: unknown, createdBy: string, note: string): Promise<number> {
  const row = await db
    .insertInto('rule_sets')
    .values({ rules: JSON.stringify(rules), created_by: createdBy, note })
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

/** The number of the newest rule set version, or undefined before the first one. */
export async function latestRuleSetVersion(db: Db): Promise<number | undefined> {
  const row = await db.selectFrom('rule_sets').select(sql<number>`max(version)`.as('v')).executeTakeFirst();
  return row?.v ?? undefined;
}

export async function loadRuleSet(db: Db, version: number): Promise<StoredRuleSet | undefined> {
  const row = await db.selectFrom('rule_sets').selectAll().where('version', '=', version).executeTakeFirst();
  return row && { version: row.version, rules: row.rules, createdBy: row.created_by, note: row.note, createdAt: row.created_at };
}

/** Every version, newest first, without the rules themselves. */
export async function ruleSetHistory(db: Db): Promise<Omit<StoredRuleSet, 'rules'>[]> {
  const rows = await db.selectFrom('rule_sets').select(['version', 'created_by', 'note', 'created_at']).orderBy('version', 'desc').execute();
  return rows.map((r) => ({ version: r.version, createdBy: r.created_by, note: r.note, createdAt: r.created_at }));
}

/** Sets a SKU's catalogue category. */
export async function setProduct(db: Db, sku: string, category: string, title = ''): Promise<void> {
  await db
    .insertInto('products')
    .values({ sku, category, title })
    .onConflict((oc) => oc.column('sku').doUpdateSet({ category, title, updated_at: sql`now()` }))
    .execute();
}

/** Everything pricing reads of the given orders, lines in line-id order with their categories. */
export async function loadPricingInputs(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const [orders, lines] = await Promise.all([
    db
      .selectFrom('orders')
      .select(['id', 'channel', 'placed_at', 'goods_fen', 'discount_fen', 'platform_discount_fen', 'shop_discount_fen', 'shipping_fen', 'paid_fen', 'coupons'])
      .where('id', 'in', ids)
      .execute(),
    db
      .selectFrom('order_lines')
      .leftJoin('products', 'products.sku', 'order_lines.sku')
      .select(['order_lines.order_id', 'order_lines.line_id', 'order_lines.sku', 'order_lines.qty', 'order_lines.unit_price_fen', 'order_lines.gift', 'products.category'])
      .where('order_lines.order_id', 'in', ids)
      .orderBy('order_lines.order_id')
      .orderBy('order_lines.line_id')
      .execute(),
  ]);
  return orders.map((o) => ({
    orderId: o.id,
    channel: o.channel as Channel,
    placedAt: new Date(o.placed_at).toISOString(),
    lines: lines
      .filter((l) => l.order_id === o.id)
      .map((l) => ({ lineId: l.line_id, sku: l.sku, category: l.category ?? UNCATEGORIZED, qty: l.qty, unitPrice: l.unit_price_fen, gift: l.gift })),
    amounts: {
      goods: o.goods_fen,
      discount: o.discount_fen,
      platformDiscount: o.platform_discount_fen,
      shopDiscount: o.shop_discount_fen,
      shipping: o.shipping_fen,
      paid: o.paid_fen,
    },
    coupons: o.coupons,
  }));
}

export interface PricingRecord {
  orderId: string;
  method: 'engine' | 'platform' | 'check';
  ruleSetVersion: number | null;
  payable: number;
  result: unknown;
}

/** Stores what pricing decided, once per order. */
export async function recordPricing(trx: Transaction<Database>, records: readonly PricingRecord[]): Promise<void> {
  if (records.length === 0) return;
  await trx
    .insertInto('order_pricing')
    .values(records.map((r) => ({ order_id: r.orderId, method: r.method, rule_set_version: r.ruleSetVersion, payable_fen: r.payable, result: JSON.stringify(r.result ?? {}) })))
    .onConflict((oc) => oc.column('order_id').doNothing())
    .execute();
}

/** Writes each line's payable amount after its discounts. */
export async function setLinePayables(trx: Transaction<Database>, lines: readonly { orderId: string; lineId: string; payable: number }[]): Promise<void> {
  if (lines.length === 0) return;
  await sql`
    update order_lines l set payable_fen = v.payable
    from unnest(${lines.map((l) => l.orderId)}::text[], ${lines.map((l) => l.lineId)}::text[], ${lines.map((l) => l.payable)}::bigint[]) as v(order_id, line_id, payable)
    where l.order_id = v.order_id and l.line_id = v.line_id`.execute(trx);
}

/** A line a promotion adds to an order (a gift): reserved and shipped like any other, paid 0. */
export interface GiftLine {
  orderId: string;
  lineId: string;
  sku: string;
  qty: number;
}

/** Adds gift lines; one already there (a repeated pricing) is kept as it is. */
export async function insertGiftLines(trx: Transaction<Database>, gifts: readonly GiftLine[]): Promise<void> {
  if (gifts.length === 0) return;
  await trx
    .insertInto('order_lines')
    .values(gifts.map((g) => ({ order_id: g.orderId, line_id: g.lineId, sku: g.sku, platform_sku_id: '', title: `gift: ${g.sku}`, qty: g.qty, unit_price_fen: 0, payable_fen: 0, refund_status: 'none', gift: true })))
    .onConflict((oc) => oc.columns(['order_id', 'line_id']).doNothing())
    .execute();
}
