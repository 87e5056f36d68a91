import { sql } from 'kysely';
import type { Db } from '../database.ts';

/** Where a shop's after-sale poller stands: its cursor, its health, and its records' progress. */
export interface AftersalePoller {
  channel: string;
  shop: string;
  /** Every after-sale record the platform shows as modified at or before this instant is stored. */
  cursorAt: Date;
  /** When a poll last completed a window; null: never. */
  lastAdvancedAt: Date | null;
  /** Records whose newest version is applied to its ticket (moved, nothing to do, or refused). */
  applied: number;
  /** Records with a version still to apply: waiting for their order, or for an operator's step. */
  pending: number;
  failures: number;
  consecutiveFailures: number;
  lastError: string | null;
}

/**
 * Every after-sale poller's cursor with its records counted, one row per (channel, shop) that
 * has polled, ordered by channel, then shop.
 */
export async function listAftersalePollers(db: Db): Promise<AftersalePoller[]> {
  const rows = await db
    .selectFrom('aftersale_cursors as c')
    .leftJoin('platform_aftersales as r', (join) => join.onRef('r.channel', '=', 'c.channel').onRef('r.shop', '=', 'c.shop'))
    .select([
      'c.channel',
      'c.shop',
      'c.cursor_at',
      'c.last_success_at',
      'c.failures',
      'c.consecutive_failures',
      'c.last_error',
      sql<number>`count(r.platform_ticket_id) filter (where r.applied_version = r.modified_at)`.as('applied'),
      sql<number>`count(r.platform_ticket_id) filter (where r.applied_version is distinct from r.modified_at)`.as('pending'),
    ])
    .groupBy(['c.channel', 'c.shop'])
    .orderBy('c.channel')
    .orderBy('c.shop')
    .execute();
  return rows.map((r) => ({
    channel: r.channel,
    shop: r.shop,
    cursorAt: r.cursor_at,
    lastAdvancedAt: r.last_success_at,
    applied: Number(r.applied),
    pending: Number(r.pending),
    failures: Number(r.failures),
    consecutiveFailures: r.consecutive_failures,
    lastError: r.last_error,
  }));
}
