import { sql, type Kysely } from 'kysely';
import { ROUTE_ORDERS_BODY } from './route-orders-body.ts';

/**
 * Routing is decided once, in TypeScript (`planRouting`), and written with set-based statements;
 * the `route_orders` function that decided it again in PL/pgSQL goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists route_orders(jsonb, integer)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(ROUTE_ORDERS_BODY).execute(db);
}
