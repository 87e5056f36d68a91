import type { Db } from '../database.ts';

export interface StoredRoutingRules {
  version: number;
  rules: unknown;
  createdBy: string;
  note: string;
  createdAt: Date;
}

/** Stores a new routing rule file version (append-only) and returns its number. */
export async function saveRoutingRules(db: Db, rules: unknown, createdBy: string, note: string): Promise<number> {
  const row = await db
    .insertInto('routing_rule_sets')
    .values({ rules: JSON.stringify(rules), created_by: createdBy, note })
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

/** The newest routing rule version and when it was stored (a cache key no other database shares), or undefined when there is none. */
export async function latestRoutingRulesVersion(db: Db): Promise<{ version: number; createdAt: Date } | undefined> {
  const row = await db.selectFrom('routing_rule_sets').select(['version', 'created_at']).orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row && { version: row.version, createdAt: row.created_at };
}

/** One stored version. */
export async function loadRoutingRules(db: Db, version: number): Promise<StoredRoutingRules | undefined> {
  const row = await db.selectFrom('routing_rule_sets').selectAll().where('version', '=', version).executeTakeFirst();
  return row && { version: row.version, rules: row.rules, createdBy: row.created_by, note: row.note, createdAt: row.created_at };
}

/** Every version, newest first, without the rules themselves. */
export async function routingRulesHistory(db: Db): Promise<Omit<StoredRoutingRules, 'rules'>[]> {
  const rows = await db.selectFrom('routing_rule_sets').select(['version', 'created_by', 'note', 'created_at']).orderBy('version', 'desc').execute();
  return rows.map((r) => ({ version: r.version, createdBy: r.created_by, note: r.note, createdAt: r.created_at }));
}
