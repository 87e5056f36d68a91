import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** Records scheduled review reminders: one notifications row per order (kind `review_reminder`), a repeat kept once. */
export async function recordReminders(db: Db, kind: string, sent: readonly { orderId: string; messageId: string }[]): Promise<void> {
  if (sent.length === 0) return;
  await sql`
    insert into notifications (order_id, kind, provider_message_id)
    select id, ${kind}, message_id from unnest(${sent.map((s) => s.orderId)}::text[], ${sent.map((s) => s.messageId)}::text[]) as v(id, message_id)
    on conflict (order_id, kind) do nothing`.execute(db);
}
