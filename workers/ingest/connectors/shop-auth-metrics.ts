import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The shop accounts' authorisation as Prometheus sees it, in a registry of the process: the
 * connectors run in `ordersurge connect` (served by its `--metrics-port`) or inside a worker process
 * (the demo), whose metrics include it. Labels are the channel and the account code: a bounded
 * set, the registered accounts.
 */
export const shopAuthRegistry = new Registry();

const failed = new Gauge({
  name: 'ordersurge_shop_auth_failed',
  help: "1 while a shop account's last token refresh failed (the platform refused it: the shop must be re-authorised, no orders come in from it), 0 once a refresh succeeds or when the account is polled and was not marked",
  labelNames: ['channel', 'shop'],
  registers: [shopAuthRegistry],
});

const refreshes = new Counter({
  name: 'ordersurge_shop_token_refreshes_total',
  help: 'Access-token refreshes of a shop account by this process, by outcome: ok, failed',
  labelNames: ['channel', 'shop', 'outcome'],
  registers: [shopAuthRegistry],
});

/** What became of a refresh. */
export type RefreshOutcome = 'ok' | 'failed';

/**
 * Starts a shop's series from what Postgres holds (`shop_accounts.refresh_failed_at`), so a
 * connector restarted after a refused refresh still reports the shop as failed before it next tries.
 */
export function watchShopAuth(channel: string, shop: string, markedFailed: boolean): void {
  failed.set({ channel, shop }, markedFailed ? 1 : 0);
  for (const outcome of ['ok', 'failed'] as const) refreshes.inc({ channel, shop, outcome }, 0);
}

/** Counts a refresh and sets the shop's failed gauge by its outcome. */
export function recordShopRefresh(channel: string, shop: string, outcome: RefreshOutcome): void {
  refreshes.inc({ channel, shop, outcome });
  failed.set({ channel, shop }, outcome === 'failed' ? 1 : 0);
}
