import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNELS, type Channel } from '../streams/canonical-order.ts';
import { maxPayloadBytes } from '../streams/payload-limit.ts';
import type { StageSettings } from '../workers/stage.ts';
import { DEFAULT_EXCEPTION_ALERT, type ExceptionAlertRule } from '../workers/kpi/exception-alert.ts';

/** The checkout's root, so `.data/` is found whatever the working directory. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Everything ordersurge reads from the environment; every variable is listed in the README. */
export interface Config {
  /** NATS server; a JetStream server must answer here, or `setup` starts a local one. */
  natsUrl: string;
  /** True when NATS_URL was set explicitly: then an unreachable server is an error, never replaced. */
  natsUrlExplicit: boolean;
  /** Postgres URL workers and the CLI connect with (row access only); unset means the embedded Postgres under `.data/pg` as its app role. */
  databaseUrl: string | undefined;
  /** Postgres URL migrations run with (the owner of the schema); unset means `databaseUrl`, or the embedded server's owner. */
  databaseOwnerUrl: string | undefined;
  /** Port of the embedded Postgres. */
  embeddedPgPort: number;
  /** Where local servers keep their data. */
  dataDir: string;
  /** Prefix of every stream, subject and consumer name, so several installs share one NATS. */
  namespace: string;
  /** First /metrics port; 0 picks a free one. */
  metricsPort: number;
  carrierUrl: string;
  /** E-waybill APIs of carriers with their own (`ORDERSURGE_CARRIER_URLS`); any other carrier is asked at `carrierUrl`. */
  carrierUrls: Record<string, string>;
  smsUrl: string;
  /** The WMS's pick-task API. */
  wmsUrl: string;
  /** The electronic invoice (电子发票) service. */
  invoiceUrl: string;
  /** First port of the platform simulators (`ordersurge simulate`): one port per channel from here. */
  platformSimPort: number;
  /**
   * Each marketplace's API, where notify sends a buyer message for an order without a number that
   * reaches the buyer (marketplaces hand out masked ones): `ORDERSURGE_PLATFORM_URLS`, else the
   * platform simulators of `ordersurge simulate`.
   */
  platformUrls: Partial<Record<Channel, string>>;
  /** Merge (合单) window: orders of one shop, buyer and address this close share a shipment; 0 is off. */
  mergeWindowSeconds: number;
  carrierSimPort: number;
  smsSimPort: number;
  wmsSimPort: number;
  invoiceSimPort: number;
  /** The WMS simulator ships an open pick task this many seconds after it opened; 0 only when told (`POST /admin/ship`). */
  wmsShipAfterSeconds: number;
  /** The largest raw payload any intake (submit, webhooks, connectors, ingest) accepts. */
  maxPayloadBytes: number;
  /** Backpressure: intake (connectors, webhooks, submit) holds while the core stages hold this many messages. */
  maxCoreBacklog: number;
  /** The peak guard: when peak mode starts and ends under `auto`, and how fast deferred work is replayed. */
  peak: { enterPerMinute: number; enterWindowSeconds: number; exitPerMinute: number; cooldownSeconds: number; replayPerSecond: number };
  /** The exception alert: limit, consecutive periods, period length, and where it is POSTed (unset: no webhook). */
  exceptionAlert: ExceptionAlertRule & { webhookUrl: string | undefined };
  /** How often a worker process reads the KPIs for its gauges and the alert (30 s at least). */
  kpiIntervalSeconds: number;
  /** Directory where each worker process writes its Prometheus file-SD target file; unset writes none. */
  sdDir: string | undefined;
}

/** Reads the configuration from environment variables, with the README's defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const carrierSimPort = intVar(env, 'ORDERSURGE_CARRIER_PORT', 7311);
  const smsSimPort = intVar(env, 'ORDERSURGE_SMS_PORT', 7312);
  const wmsSimPort = intVar(env, 'ORDERSURGE_WMS_PORT', 7313);
  const invoiceSimPort = intVar(env, 'ORDERSURGE_INVOICE_PORT', 7314);
  return {
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    natsUrlExplicit: Boolean(env.NATS_URL),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseOwnerUrl: env.DATABASE_OWNER_URL || undefined,
    embeddedPgPort: intVar(env, 'ORDERSURGE_PG_PORT', 54329),
    dataDir: path.resolve(env.ORDERSURGE_DATA_DIR || path.join(PROJECT_ROOT, '.data')),
    namespace: namespaceVar(env.ORDERSURGE_NAMESPACE || 'ordersurge'),
    metricsPort: intVar(env, 'METRICS_PORT', 9464),
    carrierUrl: env.CARRIER_URL || `http://127.0.0.1:${carrierSimPort}`,
    carrierUrls: carrierUrlsVar(env),
    smsUrl: env.SMS_URL || `http://127.0.0.1:${smsSimPort}`,
    wmsUrl: env.WMS_URL || `http://127.0.0.1:${wmsSimPort}`,
    invoiceUrl: env.INVOICE_URL || `http://127.0.0.1:${invoiceSimPort}`,
    platformSimPort: intVar(env, 'ORDERSURGE_PLATFORM_PORT', 7320),
    platformUrls: platformUrlsVar(env, intVar(env, 'ORDERSURGE_PLATFORM_PORT', 7320)),
    mergeWindowSeconds: intVar(env, 'ORDERSURGE_MERGE_WINDOW_S', 600, 7 * 24 * 3600),
    carrierSimPort,
    smsSimPort,
    wmsSimPort,
    invoiceSimPort,
    wmsShipAfterSeconds: intVar(env, 'ORDERSURGE_WMS_SHIP_AFTER_S', 20, 86_400),
    maxPayloadBytes: payloadLimitVar(env),
    maxCoreBacklog: intVar(env, 'ORDERSURGE_MAX_CORE_BACKLOG', 10_000, 100_000_000),
    peak: {
      enterPerMinute: intVar(env, 'ORDERSURGE_PEAK_ENTER_PER_MIN', 50, 10_000_000),
      enterWindowSeconds: intVar(env, 'ORDERSURGE_PEAK_ENTER_WINDOW_S', 600, 86_400),
      exitPerMinute: intVar(env, 'ORDERSURGE_PEAK_EXIT_PER_MIN', 40, 10_000_000),
      cooldownSeconds: intVar(env, 'ORDERSURGE_PEAK_COOLDOWN_S', 600, 86_400),
      replayPerSecond: intVar(env, 'ORDERSURGE_REPLAY_PER_S', 200, 1_000_000),
    },
    exceptionAlert: {
      limit: ratioVar(env, 'ORDERSURGE_EXCEPTION_ALERT_RATE', DEFAULT_EXCEPTION_ALERT.limit),
      periods: Math.max(1, intVar(env, 'ORDERSURGE_EXCEPTION_ALERT_PERIODS', DEFAULT_EXCEPTION_ALERT.periods, 365)),
      periodSeconds: Math.max(60, intVar(env, 'ORDERSURGE_EXCEPTION_ALERT_PERIOD_S', DEFAULT_EXCEPTION_ALERT.periodSeconds, 31 * 86_400)),
      webhookUrl: urlVar(env, 'ORDERSURGE_ALERT_WEBHOOK_URL'),
    },
    kpiIntervalSeconds: Math.max(30, intVar(env, 'ORDERSURGE_KPI_INTERVAL_S', 60, 86_400)),
    sdDir: env.ORDERSURGE_SD_DIR ? path.resolve(env.ORDERSURGE_SD_DIR) : undefined,
  };
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, max = 65535): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ConfigError(`${name}: must be an integer between 0 and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function ratioVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new ConfigError(`${name}: must be a ratio above 0 and at most 1 (0.1 for 10%), got ${JSON.stringify(raw)}`);
  }
  return value;
}

function urlVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) throw new ConfigError(`${name}: must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return raw;
}

/**
 * `ORDERSURGE_PLATFORM_URLS`: `CHANNEL=URL` pairs separated by commas (`tmall=https://gw.example,jd=https://jd.example`);
 * unset, every channel's simulator of `ordersurge simulate` (its ports count up from `firstSimPort`).
 */
function platformUrlsVar(env: NodeJS.ProcessEnv, firstSimPort: number): Partial<Record<Channel, string>> {
  const raw = env.ORDERSURGE_PLATFORM_URLS;
  if (raw === undefined || raw.trim() === '') return Object.fromEntries(CHANNELS.map((c, i) => [c, `http://127.0.0.1:${firstSimPort + i}`]));
  const urls: Partial<Record<Channel, string>> = {};
  for (const pair of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const channel = pair.slice(0, at) as Channel;
    const url = pair.slice(at + 1);
    if (at < 0 || !CHANNELS.includes(channel)) throw new ConfigError(`ORDERSURGE_PLATFORM_URLS: ${JSON.stringify(pair)} must be CHANNEL=URL with a channel of ${CHANNELS.join(', ')}`);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new ConfigError(`ORDERSURGE_PLATFORM_URLS: ${channel}: must be an http(s) URL, got ${JSON.stringify(url)}`);
    urls[channel] = url;
  }
  return urls;
}

/** `ORDERSURGE_CARRIER_URLS`: `CODE=URL` pairs separated by commas (`sf=https://sf.example,ems=https://ems.example`); unset, none. */
function carrierUrlsVar(env: NodeJS.ProcessEnv): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const pair of (env.ORDERSURGE_CARRIER_URLS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf('=');
    const code = pair.slice(0, at);
    const url = pair.slice(at + 1);
    if (at < 1 || !/^[a-z0-9_-]+$/.test(code)) throw new ConfigError(`ORDERSURGE_CARRIER_URLS: ${JSON.stringify(pair)} must be CODE=URL with a carrier code of lower-case letters, digits, '_' or '-'`);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new ConfigError(`ORDERSURGE_CARRIER_URLS: ${code}: must be an http(s) URL, got ${JSON.stringify(url)}`);
    urls[code] = url;
  }
  return urls;
}

function payloadLimitVar(env: NodeJS.ProcessEnv): number {
  try {
    return maxPayloadBytes(env);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
}

function namespaceVar(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(value)) {
    throw new ConfigError(
      `ORDERSURGE_NAMESPACE: must be 1-32 letters, digits, '_' or '-', got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG';
  override name = 'ConfigError';
}

/** The part of the configuration stage workers need. */
export function workerSettingsOf(config: Config): { natsUrl: string; namespace: string; settings: StageSettings } {
  return {
    natsUrl: config.natsUrl,
    namespace: config.namespace,
    settings: { carrierUrl: config.carrierUrl, carrierUrls: config.carrierUrls, smsUrl: config.smsUrl, wmsUrl: config.wmsUrl, invoiceUrl: config.invoiceUrl, platformUrls: config.platformUrls, mergeWindowSeconds: config.mergeWindowSeconds },
  };
}
