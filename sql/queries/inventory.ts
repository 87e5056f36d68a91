import { sql } from 'kysely';
import type { Db } from '../database.ts';

export interface StockLevel {
  sku: string;
  warehouse: string;
  onHand: number;
  reserved: number;
  available: number;
}

/** The demo's warehouses (seeded by migration 0011), which the demo and the benchmarks stock. */
export const DEMO_WAREHOUSES = ['suzhou', 'chengdu', 'guangzhou', 'beijing'] as const;

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

function toLevel(row: { sku: string; warehouse: string; on_hand: number; reserved: number }): StockLevel {
  return {
    sku: row.sku,
    warehouse: row.warehouse,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: row.on_hand - row.reserved,
  };
}

/** Which of `skus` have a stock row in `warehouse`. */
export async function stockedSkus(db: Db, skus: readonly string[], warehouse: string): Promise<Set<string>> {
  if (skus.length === 0) return new Set();
  const rows = await db.selectFrom('inventory').select('sku').where('warehouse', '=', warehouse).where('sku', 'in', skus).execute();
  return new Set(rows.map((r) => r.sku));
}
