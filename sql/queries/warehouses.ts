import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** A warehouse as `ordersurge warehouses show` prints it. */
export interface Warehouse {
  code: string;
  name: string;
  /** GB/T 2260 code of its province. */
  provinceCode: string;
  carriers: string[];
  /** Parcels a day; 0 when not set. */
  dailyCapacity: number;
  active: boolean;
}

/** Adds a warehouse or changes one (by code). */
export async function setWarehouse(db: Db, w: Warehouse): Promise<void> {
  await db
    .insertInto('warehouses')
    .values({ code: w.code, name: w.name, province_code: w.provinceCode, carriers: w.carriers, daily_capacity: w.dailyCapacity, active: w.active })
    .onConflict((oc) =>
      oc.column('code').doUpdateSet({ name: w.name, province_code: w.provinceCode, carriers: w.carriers, daily_capacity: w.dailyCapacity, active: w.active, updated_at: sql`now()` }),
    )
    .execute();
}

/** Every warehouse, by code. */
export async function listWarehouses(db: Db): Promise<Warehouse[]> {
  const rows = await db.selectFrom('warehouses').select(['code', 'name', 'province_code', 'carriers', 'daily_capacity', 'active']).orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, provinceCode: r.province_code, carriers: r.carriers, dailyCapacity: r.daily_capacity, active: r.active }));
}
