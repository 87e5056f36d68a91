import { sql } from 'kysely';
import { processPiiKeyring, type PiiKeyring } from '../../streams/pii/keyring.ts';
import { openPii } from '../../streams/pii/sealed-value.ts';
import type { Db } from '../database.ts';

/**
 * Where each order's SMS goes, sealed (`KEYID:BASE64`; open it only for the call): the buyer's
 * own number on own channels, the marketplace's virtual number on theirs, empty when there is
 * none. Never the masked number, which reaches nobody.
 */
export async function sealedPhonesOf(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('orders').select(['id', 'address']).where('id', 'in', ids).execute();
  return new Map(rows.map((o) => [o.id, o.address.contact?.phone ?? '']));
}

/** {@link sealedPhonesOf} opened: for a stage about to call the SMS gateway, and nothing else. */
export async function phonesOf(db: Db, ids: readonly string[], keyring: PiiKeyring = processPiiKeyring()): Promise<Map<string, string>> {
  const sealed = await sealedPhonesOf(db, ids);
  return new Map([...sealed].map(([id, phone]) => [id, openPii(phone, keyring)]));
}

/**
 * Records the messages sent (one row per order and kind, a repeat kept once) and moves their
 * orders from `waybilled` to `notified` with the event, in one statement. Returns the ids moved.
 */
export async function recordNotified(db: Db, kind: string, sent: readonly { orderId: string; messageId: string }[]): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const result = await sql<{ id: string }>`
    with v as (
      select * from unnest(${sent.map((s) => s.orderId)}::text[], ${sent.map((s) => s.messageId)}::text[]) as v(id, message_id)
    ), kept as (
      insert into notifications (order_id, kind, provider_message_id)
      select id, ${kind}, message_id from v
      on conflict (order_id, kind) do nothing
    ), moved as (
      update orders o set status = 'notified', modified_at = now() from v where o.id = v.id and o.status = 'waybilled' returning o.id
    ), events as (
      insert into order_events (order_id, key, type, detail)
      select id, 'notified', 'notified', '{}'::jsonb from moved
      on conflict (order_id, key) do nothing
    )
    select id from moved`.execute(db);
  return new Set(result.rows.map((r) => r.id));
}
