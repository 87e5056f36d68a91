import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** What an order earns: who bought and what they paid, in fen. */
export async function paidByOrder(db: Db, ids: readonly string[]): Promise<{ orderId: string; buyer: string; paidFen: number }[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('orders').select(['id', 'buyer', 'paid_fen']).where('id', 'in', ids).execute();
  return rows.map((r) => ({ orderId: r.id, buyer: r.buyer, paidFen: r.paid_fen }));
}

/** Records awards; an order already awarded keeps its first award (one per order). */
export async function awardPoints(db: Db, awards: readonly { orderId: string; buyer: string; points: number }[]): Promise<void> {
  if (awards.length === 0) return;
  await sql`
    insert into loyalty_points (order_id, buyer, points)
    select * from unnest(${awards.map((a) => a.orderId)}::text[], ${awards.map((a) => a.buyer)}::text[], ${awards.map((a) => a.points)}::int[])
    on conflict (order_id) do nothing`.execute(db);
}
