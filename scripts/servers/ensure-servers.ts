import type { Config } from '../../cli/config.ts';
import { databaseUrls, ensureDatabaseRoles } from './database-roles.ts';
import { ensureNats } from './nats-server.ts';
import { ensurePostgres } from './postgres-server.ts';
import { ensurePiiKey } from './pii-key.ts';

export interface Servers {
  natsUrl: string;
  natsVersion: string;
  /** The owner's URL: migrations, and creating databases on that server. */
  databaseUrl: string;
  /** The URL workers and the CLI use: the app role's (row access only) where there is one. */
  appDatabaseUrl: string;
}

/**
 * Brings up (or finds) NATS with JetStream and Postgres, and the key that seals buyers' personal
 * data (`pii-key.ts`). Idempotent: a second call finds both
 * running and changes nothing. `log` receives one line per server saying what was done.
 */
export async function ensureServers(config: Config, log: (line: string) => void): Promise<Servers> {
  const nats = await ensureNats({ url: config.natsUrl, explicit: config.natsUrlExplicit, dataDir: config.dataDir, log });
  const natsSaid = {
    found: `NATS ${nats.version} with JetStream answers at ${nats.url}: using it`,
    running: `local NATS ${nats.version} already running at ${nats.url}: nothing to do`,
    started: `started local NATS ${nats.version} at ${nats.url} (store in ${config.dataDir}/nats)`,
  }[nats.action];
  log(natsSaid);
  const postgres = await ensurePostgres({
    databaseUrl: config.databaseOwnerUrl ?? config.databaseUrl,
    dataDir: config.dataDir,
    port: config.embeddedPgPort,
    log,
  });
  const where = redact(postgres.url);
  const pgSaid = {
    found: `Postgres answers at ${where}: using it`,
    created: `Postgres answers; created database ${where}`,
    running: `embedded Postgres already running at ${where}: nothing to do`,
    started: `started embedded Postgres at ${where} (data in ${postgres.pgData ?? `${config.dataDir}/pg`})`,
  }[postgres.action];
  log(pgSaid);
  const urls = databaseUrls(config, postgres.url);
  log(await ensureDatabaseRoles(urls));
  log(ensurePiiKey(config.dataDir));
  return { natsUrl: nats.url, natsVersion: nats.version, databaseUrl: urls.ownerUrl, appDatabaseUrl: urls.appUrl };
}

/** Hides a password in a connection URL before it is printed. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
