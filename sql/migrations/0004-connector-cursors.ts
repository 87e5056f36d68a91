import { sql, type Kysely } from 'kysely';

/**
 * Channel connectors: one row per polled (channel, shop) with the cursor of its order-API poll and
 * the health of the poller. `cursor_at` moves only after every order of a window was published
 * with a JetStream ack, so a restart resumes exactly where publishing stopped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table connector_cursors (
      channel text not null,
      -- one platform account (a seller may run several stores on one platform)
      shop text not null,
      -- every order the platform shows as modified at or before this instant has been published
      cursor_at timestamptz not null,
      updated_at timestamptz not null default now(),
      last_success_at timestamptz,
      -- orders published by polls (JetStream duplicates not counted)
      published bigint not null default 0,
      -- failed polls ever, and in a row since the last success: what alerting and status read
      failures bigint not null default 0,
      consecutive_failures integer not null default 0,
      last_error text,
      last_error_at timestamptz,
      primary key (channel, shop)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists connector_cursors`.execute(db);
}
