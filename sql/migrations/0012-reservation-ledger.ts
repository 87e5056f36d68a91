import { sql, type Kysely } from 'kysely';

/** The change to a stock row that a set of reservation rows stands for: held units are reserved, shipped units have left. */
const EFFECT = `select sku, warehouse,
                 case when status = 'held' then qty else 0 end as held,
                 case when status = 'shipped' then qty else 0 end as shipped`;

/**
 * The trigger body for one kind of change: `plus` and `minus` are the transition tables whose
 * rows add and take away their effect.
 */
function applyDelta(name: string, plus: string | null, minus: string | null): string {
  const parts = [...(plus ? [`${EFFECT} from ${plus}`] : []), ...(minus ? [`select sku, warehouse, -held, -shipped from (${EFFECT} from ${minus}) m`] : [])];
  return `
    create function ${name}() returns trigger language plpgsql as $$
    begin
      update inventory i
         set reserved = i.reserved + d.held, on_hand = i.on_hand - d.shipped, updated_at = now()
        from (select sku, warehouse, sum(held)::int as held, sum(shipped)::int as shipped
                from (${parts.join(' union all ')}) x
               group by sku, warehouse) d
       where i.sku = d.sku and i.warehouse = d.warehouse and (d.held <> 0 or d.shipped <> 0);
      return null;
    end $$`;
}

/**
 * The reservation rows are the ledger and `inventory.reserved` follows them, changed in this one
 * place: statement triggers (one update per stock row per statement, however many lines) move
 * the counter by the held units a statement added or released, and turn a shipped reservation
 * into a stock decrement. Callers lock the stock rows first, in (sku, warehouse) order, so the
 * trigger's update takes no lock out of order. Safety stock per SKU and channel is what
 * available-to-sell keeps back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reservations add constraint reservations_status check (status in ('held', 'released', 'shipped'))`.execute(db);
  await sql.raw(applyDelta('reservations_inserted', 'new_rows', null)).execute(db);
  await sql.raw(applyDelta('reservations_updated', 'new_rows', 'old_rows')).execute(db);
  await sql.raw(applyDelta('reservations_deleted', null, 'old_rows')).execute(db);
  await sql`create trigger reservations_inserted after insert on reservations referencing new table as new_rows for each statement execute function reservations_inserted()`.execute(db);
  await sql`create trigger reservations_updated after update on reservations referencing old table as old_rows new table as new_rows for each statement execute function reservations_updated()`.execute(db);
  await sql`create trigger reservations_deleted after delete on reservations referencing old table as old_rows for each statement execute function reservations_deleted()`.execute(db);
  await sql`create index reservations_held on reservations (sku, warehouse) where status = 'held'`.execute(db);

  await sql`
    create table safety_stock (
      sku text not null,
      channel text not null,
      qty integer not null check (qty >= 0),
      primary key (sku, channel)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists safety_stock`.execute(db);
  await sql`drop index if exists reservations_held`.execute(db);
  for (const name of ['reservations_inserted', 'reservations_updated', 'reservations_deleted']) {
    await sql`drop trigger if exists ${sql.raw(name)} on reservations`.execute(db);
    await sql`drop function if exists ${sql.raw(name)}()`.execute(db);
  }
  await sql`alter table reservations drop constraint if exists reservations_status`.execute(db);
}
