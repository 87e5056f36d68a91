import { sql, type Kysely } from 'kysely';
import defaultRoutingRules from '../../workers/routing/default-routing-rules.json' with { type: 'json' };

/** The demo's four warehouses: code, name, province (GB/T 2260), carriers, parcels a day. */
const DEMO_WAREHOUSES = [
  { code: 'suzhou', name: '苏州仓', province: '320000', carriers: ['sf', 'zto', 'yto'], capacity: 50_000 },
  { code: 'chengdu', name: '成都仓', province: '510000', carriers: ['sf', 'ems', 'yunda'], capacity: 20_000 },
  { code: 'guangzhou', name: '广州仓', province: '440000', carriers: ['sf', 'zto'], capacity: 30_000 },
  { code: 'beijing', name: '北京仓', province: '110000', carriers: ['sf', 'jd', 'sto'], capacity: 30_000 },
];

/**
 * Warehouses and routing as data: warehouses get their carriers and daily capacity (the demo's
 * four are seeded), routing rule files are versioned rows like promotion rule sets (the repo's
 * default file is version 1), what routing decided for each order is kept with its reason, and a
 * reservation names the shipment it travels in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table warehouses
      add column carriers text[] not null default '{}',
      add column daily_capacity integer not null default 0 check (daily_capacity >= 0),
      add column updated_at timestamptz not null default now()`.execute(db);
  for (const w of DEMO_WAREHOUSES) {
    await sql`
      insert into warehouses (code, name, province_code, carriers, daily_capacity)
      values (${w.code}, ${w.name}, ${w.province}, ${w.carriers}::text[], ${w.capacity})
      on conflict (code) do update set carriers = excluded.carriers, daily_capacity = excluded.daily_capacity
       where warehouses.carriers = '{}'`.execute(db);
  }

  // Append-only, like rule_sets: an order keeps the version it was routed under.
  await sql`
    create table routing_rule_sets (
      version serial primary key,
      rules jsonb not null,
      created_by text not null,
      note text not null default '',
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into routing_rule_sets (rules, created_by, note) values (${JSON.stringify(defaultRoutingRules)}::jsonb, 'migration', 'default rule file')`.execute(db);

  await sql`
    create table order_routing (
      order_id text primary key references orders (id),
      rule_version integer references routing_rule_sets (version),
      outcome text not null,
      reason jsonb not null,
      routed_at timestamptz not null default now()
    )`.execute(db);

  await sql`alter table reservations add column shipment_id text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table reservations drop column if exists shipment_id`.execute(db);
  await sql`drop table if exists order_routing`.execute(db);
  await sql`drop table if exists routing_rule_sets`.execute(db);
  await sql`alter table warehouses drop column if exists carriers, drop column if exists daily_capacity, drop column if exists updated_at`.execute(db);
}
