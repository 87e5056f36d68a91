import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { SkuStock } from '../../workers/inventory/available-to-sell.ts';

/** A stock row whose counter disagrees with its reservation rows. */
export interface StockDrift {
  sku: string;
  warehouse: string;
  /** `inventory.reserved` as stored. */
  reserved: number;
  /** Units the `held` reservation rows add up to. */
  held: number;
}

/**
 * Recomputes every reserved counter from the reservation rows and lists the rows that disagree
 * (a held reservation without a stock row counts as a row with reserved 0).
 */
export async function stockDrift(db: Db): Promise<StockDrift[]> {
  const { rows } = await sql<StockDrift>`
    with held as (
      select sku, warehouse, sum(qty)::int as held from reservations where status = 'held' group by sku, warehouse
    )
    select coalesce(i.sku, h.sku) as sku, coalesce(i.warehouse, h.warehouse) as warehouse,
           coalesce(i.reserved, 0) as reserved, coalesce(h.held, 0) as held
      from inventory i full join held h on h.sku = i.sku and h.warehouse = i.warehouse
     where coalesce(i.reserved, 0) <> coalesce(h.held, 0)
     order by 1, 2`.execute(db);
  return rows;
}

/** Stock of each SKU summed over active warehouses, with the safety stock of each channel. */
export async function stockForAts(db: Db, skus: readonly string[]): Promise<SkuStock[]> {
  if (skus.length === 0) return [];
  const unique = [...new Set(skus)];
  const [levels, safety] = await Promise.all([
    db
      .selectFrom('inventory')
      .innerJoin('warehouses', 'warehouses.code', 'inventory.warehouse')
      .select(['inventory.sku', sql<number>`sum(inventory.on_hand - inventory.reserved)::int`.as('available')])
      .where('inventory.sku', 'in', unique)
      .where('warehouses.active', '=', true)
      .groupBy('inventory.sku')
      .execute(),
    db.selectFrom('safety_stock').select(['sku', 'channel', 'qty']).where('sku', 'in', unique).execute(),
  ]);
  const availableOf = new Map(levels.map((l) => [l.sku, l.available]));
  return unique.map((sku) => ({
    sku,
    available: availableOf.get(sku) ?? 0,
    safety: new Map(safety.filter((s) => s.sku === sku).map((s) => [s.channel, s.qty])),
  }));
}

/** Sets how many units of a SKU a channel keeps back. */
export async function setSafetyStock(db: Db, sku: string, channel: string, qty: number): Promise<void> {
  await db
    .insertInto('safety_stock')
    .values({ sku, channel, qty })
    .onConflict((oc) => oc.columns(['sku', 'channel']).doUpdateSet({ qty }))
    .execute();
  // Its available-to-sell changed: touch the stock rows so the change is published like any other.
  await db.updateTable('inventory').set({ updated_at: sql`now()` }).where('sku', '=', sku).execute();
}
