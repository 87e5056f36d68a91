import { latestRoutingRulesVersion, loadRoutingRules } from '../../sql/queries/routing-rules.ts';
import type { Db } from '../../sql/database.ts';
import { compileRoutingRules, parseRoutingRules, type CompiledRoutingRules } from './routing-rules.ts';

/** Compiled rules by version and time stored: a version never changes, so it is read and compiled once. */
const compiled = new Map<string, CompiledRoutingRules>();

export class RoutingRulesError extends Error {
  readonly code = 'ROUTING_RULES';
  override name = 'RoutingRulesError';
}

/**
 * The newest routing rule version, compiled. One small query per call (the version), so a new
 * version set with `ordersurge routing set` routes the next batch.
 */
export async function activeRoutingRules(db: Db): Promise<CompiledRoutingRules> {
  const latest = await latestRoutingRulesVersion(db);
  if (latest === undefined) throw new RoutingRulesError('routing rules: none stored; `ordersurge migrate` stores the default file, `ordersurge routing set FILE` another');
  const { version } = latest;
  const key = `${version}@${latest.createdAt.toISOString()}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const stored = await loadRoutingRules(db, version);
  const parsed = parseRoutingRules(stored?.rules);
  if (!parsed.ok) throw new RoutingRulesError(`routing rules v${version}: ${parsed.errors.join('; ')}`);
  const rules = compileRoutingRules(parsed.value, version);
  compiled.set(key, rules);
  return rules;
}
