import { sql, type Kysely } from 'kysely';

/** The Postgres notification channel on which every committed stock change names its SKU. */
export const STOCK_CHANGED_CHANNEL = 'ordersurge_stock_changed';

/**
 * Every change to a stock row (a reservation taken or released, `inventory set`, a shipment
 * leaving) notifies its SKU on commit, whichever code made it: what the available-to-sell
 * publisher listens to. Postgres folds repeated notifications of one SKU in a transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`
    create function inventory_notify() returns trigger language plpgsql as $$
    begin
      perform pg_notify('${STOCK_CHANGED_CHANNEL}', sku) from (select distinct sku from changed_rows) s;
      return null;
    end $$`).execute(db);
  await sql`create trigger inventory_inserted_notify after insert on inventory referencing new table as changed_rows for each statement execute function inventory_notify()`.execute(db);
  await sql`create trigger inventory_updated_notify after update on inventory referencing new table as changed_rows for each statement execute function inventory_notify()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists inventory_inserted_notify on inventory`.execute(db);
  await sql`drop trigger if exists inventory_updated_notify on inventory`.execute(db);
  await sql`drop function if exists inventory_notify()`.execute(db);
}
