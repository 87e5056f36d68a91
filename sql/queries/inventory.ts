import { sql, type Transaction } from 'kysely';
import type { Database, Db } from '../database.ts';

export interface StockLevel {
  sku: string;
  warehouse: string;
  onHand: number;
  reserved: number;
  available: number;
}

export class InventoryError extends Error {
  readonly code = 'INVENTORY';
  override name = 'InventoryError';
}

/**
 * Sets the on-hand count of a SKU in a warehouse. On-hand may not go below what is already
 * reserved: that would promise stock that is not there.
 */
export async function setStock(db: Db, sku: string, warehouse: string, onHand: number): Promise<StockLevel> {
  const known = await db.selectFrom('warehouses').select('code').where('code', '=', warehouse).executeTakeFirst();
  if (!known) throw new InventoryError(`warehouse: unknown warehouse ${JSON.stringify(warehouse)}`);
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('inventory')
      .select('reserved')
      .where('sku', '=', sku)
      .where('warehouse', '=', warehouse)
      .forUpdate()
      .executeTakeFirst();
    if (current && current.reserved > onHand) {
      throw new InventoryError(`qty: ${onHand} is below the ${current.reserved} already reserved for ${sku} in ${warehouse}`);
    }
    const row = await trx
      .insertInto('inventory')
      .values({ sku, warehouse, on_hand: onHand })
      .onConflict((oc) => oc.columns(['sku', 'warehouse']).doUpdateSet({ on_hand: onHand, updated_at: sql`now()` }))
      .returning(['sku', 'warehouse', 'on_hand', 'reserved'])
      .executeTakeFirstOrThrow();
    return toLevel(row);
  });
}

/** Stock of a SKU in every warehouse that holds it. */
export async function showStock(db: Db, sku: string): Promise<StockLevel[]> {
  const rows = await db
    .selectFrom('inventory')
    .select(['sku', 'warehouse', 'on_hand', 'reserved'])
    .where('sku', '=', sku)
    .orderBy('warehouse')
    .execute();
  return rows.map(toLevel);
}

/** Available stock for the given SKUs, keyed `sku|warehouse`. */
export async function availableFor(db: Db, skus: readonly string[]): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('inventory')
    .select(['sku', 'warehouse', 'on_hand', 'reserved'])
    .where('sku', 'in', [...new Set(skus)])
    .execute();
  return new Map(rows.map((r) => [`${r.sku}|${r.warehouse}`, r.on_hand - r.reserved]));
}

export interface ReservationLine {
  lineId: string;
  sku: string;
  qty: number;
}

/**
 * Reserves every line of an order in one warehouse, all or nothing. Each reservation is an
 * atomic conditional update that cannot take available stock below zero; the first line that
 * does not fit aborts the whole order and is returned. Runs inside the caller's transaction,
 * which must roll back on a shortage.
 */
export async function reserveLines(
  trx: Transaction<Database>,
  orderId: string,
  warehouse: string,
  lines: readonly ReservationLine[],
): Promise<{ ok: true } | { ok: false; short: ReservationLine[] }> {
  // Lock rows in one global order (by SKU) so concurrent orders cannot deadlock.
  const sorted = [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const short: ReservationLine[] = [];
  for (const line of sorted) {
    const taken = await trx
      .updateTable('inventory')
      .set({ reserved: sql`reserved + ${line.qty}`, updated_at: sql`now()` })
      .where('sku', '=', line.sku)
      .where('warehouse', '=', warehouse)
      .where(sql<boolean>`on_hand - reserved >= ${line.qty}`)
      .executeTakeFirst();
    if (taken.numUpdatedRows === 0n) short.push(line);
  }
  if (short.length > 0) return { ok: false, short };
  await trx
    .insertInto('reservations')
    .values(lines.map((l) => ({ order_id: orderId, line_id: l.lineId, sku: l.sku, warehouse, qty: l.qty })))
    .execute();
  return { ok: true };
}

function toLevel(row: { sku: string; warehouse: string; on_hand: number; reserved: number }): StockLevel {
  return {
    sku: row.sku,
    warehouse: row.warehouse,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: row.on_hand - row.reserved,
  };
}
