import { sql, type Kysely } from 'kysely';

/** The loyalty-points ledger: one award per order (the points step's idempotency key). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table loyalty_points (
      order_id text primary key references orders (id),
      buyer text not null,
      points integer not null check (points >= 0),
      awarded_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index loyalty_points_buyer on loyalty_points (buyer)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists loyalty_points`.execute(db);
}
