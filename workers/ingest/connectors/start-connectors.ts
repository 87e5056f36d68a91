import type { JetStreamClient } from '@nats-io/jetstream';
import type { Db } from '../../../sql/database.ts';
import type { Channel } from '../../../streams/canonical-order.ts';
import type { AdmissionGate } from '../../../streams/admission.ts';
import type { Names } from '../../../streams/names.ts';
import { errorText } from '../../error-text.ts';
import { ConnectorConfigError } from './connector-errors.ts';
import { platformApiFor } from './platforms/platform-api-for.ts';
import { processPiiKeyring, type PiiKeyring } from '../../../streams/pii/keyring.ts';
import { recordRefreshFailure } from '../../../sql/queries/shop-accounts.ts';
import { loadShopAccount, saveShopTokens, shopLookup, type ShopAccount } from './shop-accounts.ts';
import { ShopAuth } from './shop-auth.ts';
import { recordShopRefresh, watchShopAuth } from './shop-auth-metrics.ts';
import { newAftersaleStats, runAftersaleConnector, type AftersaleStats } from './aftersale-connector.ts';
import { DEFAULT_PULL, checkPullSettings, newPullStats, runPullConnector, type PullSettings, type PullStats, type PullTarget } from './pull-connector.ts';
import { startWebhookServer, type WebhookServer } from './webhook-server.ts';
import type { WebhookSecrets } from './webhook-secrets.ts';

/** Where one platform account's order API answers. */
export interface PlatformEndpoint {
  channel: Channel;
  /** The shop account's code; default the channel's default account, named after the channel. */
  shop?: string;
  url: string;
  /** A registered shop account: its calls are signed with its app secret and carry its access token. */
  account?: ShopAccount;
}

export interface StartConnectorsOptions {
  js: JetStreamClient;
  names: Names;
  db: Db;
  /** Order APIs to poll; none runs only the webhook server. */
  platforms?: readonly PlatformEndpoint[];
  /** Registered shop accounts to poll (`ordersurge shops add`), each signed with its credentials. */
  shops?: readonly ShopAccount[];
  /** Seals the tokens a refresh brings before they are stored; needed with `shops`. */
  keyring?: PiiKeyring;
  pull?: Partial<PullSettings>;
  /** Orders per listing call; default each platform's maximum. */
  pageSize?: number;
  /** Serve webhooks too: `POST /webhooks/:channel[/:shop]` on this port, for the channels with a secret. */
  webhook?: { port: number; host?: string; secrets: WebhookSecrets };
  log?: (line: string) => void;
  /** The clock of the pollers (tests). */
  now?: () => number;
  /** Backpressure: while closed, pollers hold and webhooks answer 429 (see `streams/admission.ts`). */
  admission?: AdmissionGate;
  /** Also poll each marketplace and web shop account's after-sale records into tickets (`aftersale-connector.ts`); default true. */
  aftersales?: boolean;
}

export interface RunningConnectors {
  /** The settings every poller runs with (defaults filled in). */
  settings: PullSettings;
  /** One per polled platform account, live. */
  pollers: readonly PullStats[];
  /** One per polled account whose platform has an after-sale API (the four marketplaces), live. */
  aftersales: readonly AftersaleStats[];
  webhook: WebhookServer | undefined;
  /** Stops polling (a poll in flight is abandoned, its window read again next time) and closes the webhook server. */
  stop(): Promise<void>;
}

/**
 * A shop's credentials for its connector: a refreshed pair is stored (sealed) before it is used,
 * so a restart never sends a replaced token; a refused refresh is recorded on the account, raised
 * as an ALERT line and as `ordersurge_shop_auth_failed{channel,shop} 1` (the poll then fails, its
 * cursor staying where it was).
 */
export function shopAuthOf(account: ShopAccount, deps: { db: Db; keyring: PiiKeyring; log: (line: string) => void; stats?: PullStats }): ShopAuth {
  const who = `${account.channel}/${account.code}`;
  watchShopAuth(account.channel, account.code, account.refreshFailure !== undefined);
  return new ShopAuth({
    appKey: account.appKey,
    appSecret: account.appSecret,
    tokens: account,
    onRefreshed: async (tokens) => {
      await saveShopTokens(deps.db, account.code, tokens, deps.keyring);
      recordShopRefresh(account.channel, account.code, 'ok');
      if (deps.stats) deps.stats.tokenRefreshes++;
      deps.log(`connector ${who}: access token refreshed, valid until ${tokens.expiresAt?.toISOString() ?? 'the platform did not say'}`);
    },
    onRefreshFailed: async (error) => {
      if (deps.stats) deps.stats.tokenRefreshFailures++;
      recordShopRefresh(account.channel, account.code, 'failed');
      deps.log(`ALERT connector ${who}: ${error}; re-authorize the shop (ordersurge shops add ${account.code} ... with its new tokens)`);
      await recordRefreshFailure(deps.db, account.code, error);
    },
    reload: () => loadShopAccount(deps.db, account.code, deps.keyring),
    onReloaded: () => {
      // Stored by another process's refresh or a re-authorisation (`shops add`, which clears the mark).
      watchShopAuth(account.channel, account.code, false);
      deps.log(`connector ${who}: using the token pair stored for the shop since (refreshed elsewhere, or re-authorized)`);
    },
  });
}

/**
 * Starts a pull connector per platform account and, if asked, the webhook server, all feeding
 * the ingest stage. This is what `ordersurge connect` runs, and what the demo calls in-process.
 *
 * @example
 * const sims = await startPlatformSimulators({ rate: 5 });
 * const connectors = await startConnectors({
 *   js: bus.js, names, db,
 *   platforms: Object.entries(sims.urls).map(([channel, url]) => ({ channel: channel as Channel, url })),
 *   pull: { intervalMs: 1000, overlapMs: 5000 },
 * });
 * // ...
 * await connectors.stop();
 */
export async function startConnectors(opts: StartConnectorsOptions): Promise<RunningConnectors> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const settings: PullSettings = { ...DEFAULT_PULL, ...opts.pull };
  const seen = new Set<string>();
  const targets: { target: PullTarget; stats: PullStats }[] = [];
  const fromAccounts: PlatformEndpoint[] = (opts.shops ?? []).map((account) => ({ channel: account.channel, shop: account.code, url: account.apiBaseUrl, account }));
  if (fromAccounts.length && !opts.keyring) throw new ConnectorConfigError('shops: a PII keyring is needed to store refreshed tokens sealed');
  for (const endpoint of [...fromAccounts, ...(opts.platforms ?? [])]) {
    const shop = endpoint.shop ?? endpoint.channel;
    const key = `${endpoint.channel}/${shop}`;
    if (seen.has(key)) throw new ConnectorConfigError(`platform ${key}: given twice; name the accounts apart (channel:shop=URL)`);
    seen.add(key);
    const stats = newPullStats(endpoint.channel, shop);
    const account = endpoint.account;
    const auth = account && shopAuthOf(account, { db: opts.db, keyring: opts.keyring!, log, stats });
    const api = platformApiFor(endpoint.channel, {
      baseUrl: endpoint.url,
      ...(auth ? { auth } : {}),
      ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
      onRateLimited: (waitMs) => {
        stats.rateLimitedWaits++;
        log(`connector ${key}: rate limited by the platform, waiting ${(waitMs / 1000).toFixed(1)} s as told`);
      },
    });
    checkPullSettings(settings, api);
    targets.push({ target: { channel: endpoint.channel, shop, api }, stats });
  }

  const admission = opts.admission ? { admission: opts.admission } : {};
  // Deliveries to /webhooks/CHANNEL/SHOP name a registered shop account.
  const shops = shopLookup(opts.db, () => opts.keyring ?? processPiiKeyring());
  const webhook = opts.webhook ? await startWebhookServer({ js: opts.js, names: opts.names, log, shops, ...admission, ...opts.webhook }) : undefined;
  const abort = new AbortController();
  const deps = { js: opts.js, names: opts.names, db: opts.db, log, ...admission, ...(opts.now ? { now: opts.now } : {}) };
  const runs = targets.map(({ target, stats }) =>
    runPullConnector(target, settings, deps, stats, abort.signal).catch((error: unknown) => {
      log(`ALERT connector ${target.channel}/${target.shop}: stopped: ${errorText(error)}`);
    }),
  );
  // After-sales are polled apart from orders, with their own cursor: one feed failing leaves the other going.
  const aftersaleTargets = opts.aftersales === false ? [] : targets.filter(({ target }) => target.api.aftersalesModified).map(({ target }) => ({ target, stats: newAftersaleStats(target.channel, target.shop) }));
  const aftersaleRuns = aftersaleTargets.map(({ target, stats }) =>
    runAftersaleConnector(target, settings, deps, stats, abort.signal).catch((error: unknown) => {
      log(`ALERT connector ${target.channel}/${target.shop}: after-sale poller stopped: ${errorText(error)}`);
    }),
  );
  let stopped: Promise<void> | undefined;
  return {
    settings,
    pollers: targets.map((t) => t.stats),
    aftersales: aftersaleTargets.map((t) => t.stats),
    webhook,
    stop: () =>
      (stopped ??= (async () => {
        abort.abort();
        await Promise.all([...runs, ...aftersaleRuns]);
        await webhook?.close();
      })()),
  };
}
