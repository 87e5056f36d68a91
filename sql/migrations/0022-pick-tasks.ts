import { sql, type Kysely } from 'kysely';

/**
 * The WMS pick step. Each shipment gets one pick task at the WMS: `open` once the WMS took it,
 * `cancel_requested` when every order it carries was cancelled before the courier collected it
 * (the pick sweep has the WMS cancel it), `cancelled` once it did, `refused` when it would not
 * (the parcel had left), `shipped` once the WMS confirmed the parcel left the warehouse (its held
 * reservations then turn into stock decrements). `wms_feed_cursors` keeps how far the
 * confirm-shipped feed of each WMS has been read, so a restarted worker reads on from there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table shipments
      add column pick_task_id text,
      add column pick_status text check (pick_status in ('open', 'cancel_requested', 'cancelled', 'refused', 'shipped')),
      add column picked_at timestamptz,
      add column shipped_at timestamptz`.execute(db);
  await sql`create index shipments_pick_cancel_requested on shipments (id) where pick_status = 'cancel_requested'`.execute(db);
  await sql`create index shipments_pick_task on shipments (pick_task_id) where pick_task_id is not null`.execute(db);
  await sql`
    create table wms_feed_cursors (
      wms text primary key,
      seq bigint not null check (seq >= 0),
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists wms_feed_cursors`.execute(db);
  await sql`drop index if exists shipments_pick_task`.execute(db);
  await sql`drop index if exists shipments_pick_cancel_requested`.execute(db);
  await sql`alter table shipments drop column if exists shipped_at, drop column if exists picked_at, drop column if exists pick_status, drop column if exists pick_task_id`.execute(db);
}
