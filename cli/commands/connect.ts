import type { JetStreamClient } from '@nats-io/jetstream';
import { Command } from 'commander';
import { demoCredentials, type SimulatedCredentials } from '../../scripts/simulators/platforms/platform-auth.ts';
import { startPlatformSimulators, type PlatformSimulators } from '../../scripts/simulators/platforms/start-platform-simulators.ts';
import { processPiiKeyring, type PiiKeyring } from '../../streams/pii/keyring.ts';
import { Secret } from '../../workers/ingest/connectors/secret.ts';
import { loadShopAccounts, saveShopAccount, type ShopAccount } from '../../workers/ingest/connectors/shop-accounts.ts';
import type { Db } from '../../sql/database.ts';
import { migrateAsOwner } from '../../scripts/servers/database-roles.ts';
import { CHANNELS, channelSchema, type Channel } from '../../streams/canonical-order.ts';
import { admissionGate, type AdmissionGate } from '../../streams/admission.ts';
import type { Names } from '../../streams/names.ts';
import { applyTopology } from '../../streams/topology.ts';
import type { PullSettings } from '../../workers/ingest/connectors/pull-connector.ts';
import { startConnectors, type PlatformEndpoint, type RunningConnectors } from '../../workers/ingest/connectors/start-connectors.ts';
import { webhookSecretsFromEnv, webhookSecretVar, type WebhookSecrets } from '../../workers/ingest/connectors/webhook-secrets.ts';
import { Registry } from 'prom-client';
import { externalCallRegistry } from '../../workers/external-calls.ts';
import { serveMetrics } from '../../workers/metrics.ts';
import { writeScrapeTarget } from '../../workers/scrape-target.ts';
import { shopAuthRegistry } from '../../workers/ingest/connectors/shop-auth-metrics.ts';
import { loadConfig } from '../config.ts';
import { action, InputError, intOption } from '../run-action.ts';
import { connectRunning, databaseUrlsOf } from '../servers.ts';
import { rateOption } from './simulate.ts';
import { stopOnSignal } from './worker.ts';
import { timeText } from '../time-display.ts';

interface ConnectOptions {
  channels?: Channel[];
  platformUrl: PlatformEndpoint[];
  intervalS?: number;
  overlapS?: number;
  initialLookbackS?: number;
  pageSize?: number;
  webhookPort?: number;
  webhookHost: string;
  simulate?: boolean;
  simRate: number;
  apply: boolean;
  shops?: string[];
  metricsPort?: number;
}

const HELP_AFTER = `
Each platform account is polled by modified-time windows that start --overlap-s before its
cursor; the cursor (Postgres, connector_cursors) moves only after every order of a window was
published into ingest and acked by JetStream. A failed poll is logged as an ALERT line, counted
(connector_cursors.failures) and retried with backoff from the same cursor. 429 answers are
waited out as Retry-After says.

Webhooks: POST /webhooks/CHANNEL with the raw order JSON, signed with base64 HMAC-SHA256 of the
body: X-Shopify-Hmac-Sha256 for shop (plus X-Shopify-Topic orders/create, orders/updated, ...),
X-Ordersurge-Hmac-Sha256 for the other channels. POST /webhooks/CHANNEL/SHOP makes the order one of
that registered shop account (an unknown one, or one of another channel, is answered 404); a
Shopify store registered as an account is verified with its app secret. A channel's webhooks are
on when its secret is set:
${CHANNELS.map((c) => `  ${webhookSecretVar(c)}`).join('\n')}

Examples:
  ordersurge connect --shops all
  ordersurge connect --shops tmall-main,jd-1 --platform-url shop=https://shop.example
  ordersurge connect --platform-url tmall=https://gw.example/top --platform-url shop=https://shop.example
  ordersurge connect --platform-url jd:store2=https://jd.example --interval-s 60 --overlap-s 300
  ordersurge connect --simulate --sim-rate 5 --interval-s 2 --webhook-port 8088`;

/** `ordersurge connect`: the pull connectors and the webhook server, until SIGINT / SIGTERM. */
export function connectCommand(): Command {
  return new Command('connect')
    .description("bring orders in: poll each platform's order API and receive webhooks, publishing every order into ingest, until Ctrl-C")
    .option('--channels <list>', 'only these channels, comma-separated (default: every channel given a --platform-url; all six with --simulate)', parseChannels)
    .option('--shops <codes>', 'poll these registered shop accounts (`ordersurge shops add`), comma-separated, or all: signed with their credentials, tokens refreshed', parseShopCodes)
    .option('--platform-url <channel[:shop]=url>', "order API of one platform account (repeat for each; shop names accounts apart, default the channel's name)", collectPlatformUrl, [])
    .option('--interval-s <n>', 'seconds between polls of each account, at least 1 (default 600; 1 with --simulate)', positiveIntOption('--interval-s'))
    .option('--overlap-s <n>', 'seconds every window re-reads before the cursor, catching orders the platform shows late (default 120; 5 with --simulate)', intOption('--overlap-s'))
    .option('--initial-lookback-s <n>', 'how far back the first poll of an account without a cursor starts (default 86400; 60 with --simulate)', intOption('--initial-lookback-s'))
    .option('--page-size <n>', "orders per listing call (default: each platform's maximum)", positiveIntOption('--page-size'))
    .option('--webhook-port <port>', 'also receive webhooks at POST /webhooks/CHANNEL on this port (0: any free port)', intOption('--webhook-port'))
    .option('--webhook-host <host>', 'address the webhook server listens on', '127.0.0.1')
    .option('--simulate', 'start the platform simulators in this process and poll them (development, demos)')
    .option('--sim-rate <n>', 'with --simulate: new orders per second on each platform', rateOption('--sim-rate', 10_000), 1)
    .option('--metrics-port <port>', "serve Prometheus /metrics on this port: the shops' token refreshes and ordersurge_shop_auth_failed{channel,shop}, the platform calls; with ORDERSURGE_SD_DIR set, also writes a file-SD scrape target there (role=\"connector\"), removed on exit", intOption('--metrics-port'))
    .option('--no-apply', 'do not apply migrations and the stream topology at start')
    .addHelpText('after', HELP_AFTER)
    .action(action(runConnect));
}

async function runConnect(opts: ConnectOptions): Promise<void> {
  if (opts.webhookPort !== undefined && opts.webhookPort > 65_535) throw new InputError(`--webhook-port: must be a port number up to 65535, got ${opts.webhookPort}`);
  const config = loadConfig();
  const log = (line: string): void => console.error(line);
  const secrets = opts.webhookPort === undefined ? {} : onlyChannels(webhookSecretsFromEnv(), opts.channels);
  if (opts.webhookPort !== undefined && Object.keys(secrets).length === 0) {
    throw new InputError(`--webhook-port: no webhook secret is set; set ${webhookSecretVar('shop')} (or another channel's) first`);
  }
  if (opts.simulate && opts.platformUrl.length) throw new InputError('--simulate and --platform-url: choose one (the simulators replace the platforms)');
  if (opts.simulate && opts.shops) throw new InputError('--simulate and --shops: choose one (the simulators register demo shops of their own)');
  const explicit = opts.platformUrl.filter((p) => !opts.channels || opts.channels.includes(p.channel));
  // The channels to poll; webhooks are on for every channel with a secret (within --channels).
  const polled = opts.simulate ? (opts.channels ?? CHANNELS) : [...new Set(explicit.map((p) => p.channel))];
  // Which channels registered shops cover is known only once the database answers.
  const idle = opts.shops ? [] : (opts.channels ?? []).filter((c) => !polled.includes(c) && secrets[c] === undefined);
  if (idle.length) {
    const how = opts.webhookPort === undefined ? 'give its --platform-url' : `give its --platform-url or set ${webhookSecretVar(idle[0]!)}`;
    throw new InputError(`--channels: nothing would bring ${idle.join(', ')} orders in: ${how}`);
  }
  if (polled.length === 0 && opts.webhookPort === undefined && !opts.shops) {
    throw new InputError('nothing to run: give --shops, --platform-url channel=URL, --simulate, or --webhook-port (see --help)');
  }

  const conn = await connectRunning(config, { bus: true, db: true });
  const bus = conn.bus!;
  const db = conn.db!;
  let sims: PlatformSimulators | undefined;
  let connectors: RunningConnectors | undefined;
  try {
    if (opts.apply) {
      await migrateAsOwner(databaseUrlsOf(config));
      await applyTopology(bus.jsm, conn.names);
    }
    // Only what was given: the rest keeps the defaults of the real or the simulated platforms.
    const pull: Partial<PullSettings> = {
      ...(opts.intervalS !== undefined ? { intervalMs: opts.intervalS * 1000 } : {}),
      ...(opts.overlapS !== undefined ? { overlapMs: opts.overlapS * 1000 } : {}),
      ...(opts.initialLookbackS !== undefined ? { initialLookbackMs: opts.initialLookbackS * 1000 } : {}),
    };
    const admission = admissionGate(bus.jsm, conn.names, config.maxCoreBacklog);
    if (opts.simulate) {
      const simulated = await connectSimulatedPlatforms({
        js: bus.js,
        names: conn.names,
        db,
        rate: opts.simRate,
        channels: polled,
        pull,
        ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
        ...(opts.webhookPort !== undefined ? { webhook: { port: opts.webhookPort, host: opts.webhookHost, secrets } } : {}),
        log,
        admission,
      });
      sims = simulated.simulators;
      connectors = simulated.connectors;
      for (const [channel, url] of Object.entries(sims.urls)) log(`simulated ${channel.padEnd(6)} ${url} (${opts.simRate} orders/s)`);
    } else {
      const keyring = processPiiKeyring();
      const shops = opts.shops ? await registeredShops(db, keyring, opts.shops, opts.channels) : [];
      connectors = await startConnectors({
        js: bus.js,
        names: conn.names,
        db,
        shops,
        keyring,
        platforms: explicit,
        pull,
        ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
        ...(opts.webhookPort !== undefined ? { webhook: { port: opts.webhookPort, host: opts.webhookHost, secrets } } : {}),
        log,
        admission,
      });
    }
  } catch (error) {
    await sims?.close();
    await conn.close();
    throw error;
  }
  // The connectors' own metrics: a refused token refresh must reach alerting even where no worker runs.
  const metrics = opts.metricsPort === undefined ? undefined : await serveMetrics(Registry.merge([shopAuthRegistry, externalCallRegistry]), opts.metricsPort, true).catch(async (error: unknown) => {
    await connectors?.stop();
    await sims?.close();
    await conn.close();
    throw error;
  });
  if (metrics) log(`metrics at http://127.0.0.1:${metrics.port}/metrics`);
  // Registered like a worker (file-SD, role="connector"), so Prometheus scrapes it without a
  // static job: ordersurge_shop_auth_failed only reaches alerting when this process is scraped.
  const target = metrics === undefined || config.sdDir === undefined ? undefined : await writeScrapeTarget(config.sdDir, metrics.port, [], { role: 'connector' }).catch(async (error: unknown) => {
    await connectors?.stop();
    await sims?.close();
    await new Promise((resolve) => metrics.close(resolve));
    await conn.close();
    throw error;
  });
  if (target) log(`scrape target ${target.file}`);
  for (const p of connectors.pollers) log(`polling ${p.channel}/${p.shop} every ${connectors.settings.intervalMs / 1000} s, windows overlapping by ${connectors.settings.overlapMs / 1000} s`);
  if (connectors.webhook) log(`webhooks at ${connectors.webhook.url}/webhooks/{${Object.keys(secrets).join(',')}}`);
  log(`namespace ${config.namespace}; Ctrl-C stops`);

  const running = connectors;
  await stopOnSignal(async () => {
    // Off Prometheus's list first: a stopping connector is going away, not down.
    await target?.remove();
    await running.stop();
    await sims?.close();
    await new Promise((resolve) => (metrics ? metrics.close(resolve) : resolve(undefined)));
    for (const p of running.pollers) {
      console.log(
        `${p.channel}/${p.shop}: ${p.polls} polls, ${p.published} published, ${p.duplicates} already queued, ${p.failures} failed polls, ${p.rateLimitedWaits} rate-limit waits, cursor ${p.cursorAt ? timeText(p.cursorAt) : 'unset'}`,
      );
    }
    if (running.webhook) {
      const w = running.webhook.stats;
      console.log(`webhooks: ${w.accepted} accepted, ${w.duplicates} duplicates, ${w.ignored} ignored, rejected ${JSON.stringify(w.rejected)}`);
    }
    await conn.close();
  });
}

const DEMO_TOKEN_TTL_MS = 15 * 60_000;

export interface SimulatedPlatformsOptions {
  js: JetStreamClient;
  names: Names;
  db: Db;
  /** New orders per second on each platform. */
  rate: number;
  /** Later updates (paid, cancelled, refunded, readdressed) per second on each platform; default a fifth of `rate`. */
  updatesPerSecond?: number;
  /** Default all six. */
  channels?: readonly Channel[];
  /** Default: a poll a second, windows overlapping by 5 s, starting a minute back. */
  pull?: Partial<PullSettings>;
  pageSize?: number;
  webhook?: { port: number; host?: string; secrets: WebhookSecrets };
  log?: (line: string) => void;
  /** Backpressure for the connectors and the webhook server. */
  admission?: AdmissionGate;
}

/** The marketplaces that sign their calls: their simulators run strict. */
const SIGNED_CHANNELS: ReadonlySet<Channel> = new Set(['tmall', 'jd', 'douyin', 'pdd']);

/**
 * Starts the platform simulators and connectors polling them, in this process: every channel's
 * orders, in its own format, flowing into ingest. For the demo (`ordersurge start`) and
 * `connect --simulate`. The four marketplaces run strict, as the real ones are: each gets a demo
 * shop account (code = the channel, random demo secret and tokens, registered in shop_accounts like
 * `shops add` would), and its connector signs every call and refreshes the token when it expires
 * (every 15 minutes on the simulators).
 *
 * @example
 * const channels = await connectSimulatedPlatforms({ js: bus.js, names, db, rate: 5 });
 * // ... later
 * await channels.stop();
 */
export async function connectSimulatedPlatforms(opts: SimulatedPlatformsOptions): Promise<{
  simulators: PlatformSimulators;
  connectors: RunningConnectors;
  stop(): Promise<void>;
}> {
  const channels = opts.channels ?? CHANNELS;
  const auth = Object.fromEntries(channels.filter((c) => SIGNED_CHANNELS.has(c)).map((c) => [c, { ...demoCredentials(c, c), tokenTtlMs: DEMO_TOKEN_TTL_MS }]));
  const simulators = await startPlatformSimulators({
    rate: opts.rate,
    channels,
    auth,
    ...(opts.updatesPerSecond !== undefined ? { updatesPerSecond: opts.updatesPerSecond } : {}),
  });
  try {
    const keyring = processPiiKeyring();
    const shops: ShopAccount[] = [];
    for (const [channel, creds] of Object.entries(auth) as [Channel, SimulatedCredentials][]) {
      const sim = simulators.simulators[channel]!;
      const account = {
        code: channel,
        channel,
        displayName: `demo ${channel} shop`,
        apiBaseUrl: sim.url,
        appKey: creds.appKey,
        appSecret: new Secret(creds.appSecret),
        accessToken: new Secret(creds.accessToken),
        refreshToken: new Secret(creds.refreshToken),
        expiresAt: sim.auth!.tokenExpiresAt,
      };
      await saveShopAccount(opts.db, account, keyring);
      shops.push({ ...account, refreshedAt: undefined, refreshFailure: undefined });
    }
    const connectors = await startConnectors({
      js: opts.js,
      names: opts.names,
      db: opts.db,
      shops,
      keyring,
      platforms: Object.entries(simulators.urls)
        .filter(([channel]) => !SIGNED_CHANNELS.has(channel as Channel))
        .map(([channel, url]) => ({ channel: channel as Channel, url })),
      // A fresh simulator has nothing older than its start: no need to read a day back.
      pull: { intervalMs: 1000, overlapMs: 5000, initialLookbackMs: 60_000, retryBaseMs: 1000, ...opts.pull },
      ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
      ...(opts.webhook ? { webhook: opts.webhook } : {}),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.admission ? { admission: opts.admission } : {}),
    });
    return {
      simulators,
      connectors,
      stop: async () => {
        await connectors.stop();
        await simulators.close();
      },
    };
  } catch (error) {
    await simulators.close();
    throw error;
  }
}

/** Parses `--shops a,b` (or `all`). */
function parseShopCodes(value: string): string[] {
  const codes = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (codes.length === 0) throw new InputError('--shops: give shop account codes, comma-separated, or all');
  return [...new Set(codes)];
}

/** The registered accounts `--shops` names (every one for `all`), within `--channels`; an unknown code is an input error. */
async function registeredShops(db: Db, keyring: PiiKeyring, codes: readonly string[], channels: readonly Channel[] | undefined): Promise<ShopAccount[]> {
  const all = await loadShopAccounts(db, keyring);
  const unknown = codes.filter((c) => c !== 'all' && !all.some((a) => a.code === c));
  if (unknown.length) throw new InputError(`--shops: no shop account ${unknown.join(', ')} (see \`ordersurge shops list\`)`);
  const chosen = codes.includes('all') ? all : all.filter((a) => codes.includes(a.code));
  const within = chosen.filter((a) => !channels || channels.includes(a.channel));
  if (within.length === 0) throw new InputError('--shops: no registered shop account to poll (add one with `ordersurge shops add`)');
  return within;
}

/** Parses `--channels tmall,shop`, naming the option when a channel is unknown. */
export function parseChannels(value: string): Channel[] {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !channelSchema.safeParse(n).success);
  if (unknown.length || names.length === 0) {
    throw new InputError(`--channels: unknown channel ${JSON.stringify(unknown.join(',') || value)}; one or more of ${CHANNELS.join(', ')}`);
  }
  return [...new Set(names)] as Channel[];
}

/** Parses one `--platform-url channel[:shop]=url` and adds it to the ones before. */
export function collectPlatformUrl(value: string, previous: PlatformEndpoint[]): PlatformEndpoint[] {
  const m = /^([a-z]+)(?::([A-Za-z0-9_.-]{1,64}))?=(.+)$/.exec(value.trim());
  if (!m) throw new InputError(`--platform-url: expected channel[:shop]=URL, e.g. tmall=https://gw.example, got ${JSON.stringify(value)}`);
  const channel = channelSchema.safeParse(m[1]);
  if (!channel.success) throw new InputError(`--platform-url: unknown channel ${JSON.stringify(m[1])}; one of ${CHANNELS.join(', ')}`);
  let url: URL;
  try {
    url = new URL(m[3]!);
  } catch {
    throw new InputError(`--platform-url: ${JSON.stringify(m[3])} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--platform-url: must be http or https, got ${url.protocol}`);
  return [...previous, { channel: channel.data, ...(m[2] ? { shop: m[2] } : {}), url: url.toString().replace(/\/+$/, '') }];
}

function positiveIntOption(name: string): (value: string) => number {
  const parse = intOption(name);
  return (value) => {
    const n = parse(value);
    if (n < 1) throw new InputError(`${name}: must be at least 1, got ${n}`);
    return n;
  };
}

function onlyChannels(secrets: WebhookSecrets, channels: readonly Channel[] | undefined): WebhookSecrets {
  if (!channels) return secrets;
  return Object.fromEntries(Object.entries(secrets).filter(([c]) => channels.includes(c as Channel)));
}
