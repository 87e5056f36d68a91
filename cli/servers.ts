import type { Config } from './config.ts';
import { natsUnreachableError, probeNats } from '../scripts/servers/nats-server.ts';
import { EMBEDDED_DATABASE, probePostgres } from '../scripts/servers/postgres-server.ts';
import { databaseUrls, type DatabaseUrls } from '../scripts/servers/database-roles.ts';
import { SetupError } from '../scripts/servers/setup-error.ts';
import { createDb, type Db } from '../sql/database.ts';
import { connectBus, type Bus } from '../streams/connect.ts';
import type { NatsRole } from '../streams/nats-credentials.ts';
import { namesFor, type Names } from '../streams/names.ts';

/** The Postgres URLs of this configuration: the owner's (migrations) and the app's (everything else). */
export function databaseUrlsOf(config: Config): DatabaseUrls {
  return databaseUrls(config, `postgres://postgres@127.0.0.1:${config.embeddedPgPort}/${EMBEDDED_DATABASE}`);
}

/** The Postgres URL commands and workers use: DATABASE_URL, or the embedded server's app role. */
export function databaseUrlOf(config: Config): string {
  return databaseUrlsOf(config).appUrl;
}

/** Connects to running servers, never starting any: one line saying what to do when one is down. */
export async function connectRunning(config: Config, want: { bus?: boolean; db?: boolean; natsRole?: NatsRole }): Promise<{
  bus: Bus | undefined;
  db: Db | undefined;
  names: Names;
  close(): Promise<void>;
}> {
  let bus: Bus | undefined;
  let db: Db | undefined;
  if (want.bus) {
    const probe = await probeNats(config.natsUrl);
    if (!probe.reachable) throw natsUnreachableError(config.natsUrl, config.natsUrlExplicit, probe.failure);
    if (!probe.jetstream) {
      throw new SetupError(`NATS at ${config.natsUrl} answers but has JetStream disabled: restart it with -js, or set NATS_URL to a JetStream server`);
    }
    bus = await connectBus(config.natsUrl, 'ordersurge-cli', want.natsRole ?? 'admin');
  }
  if (want.db) {
    const url = databaseUrlOf(config);
    const problem = await probePostgres(url);
    if (problem !== undefined) {
      await bus?.close();
      // `npm run setup` brings up the embedded server only: a DATABASE_URL of one's own is one's own to start.
      throw new SetupError(
        config.databaseUrl
          ? `DATABASE_URL is not reachable (${problem}): ${/ENOTFOUND|EAI_AGAIN/.test(problem) ? 'check its host name' : 'start that server, or fix or unset DATABASE_URL'}`
          : `Postgres is not reachable (${problem}): run \`npm run setup\` (or set DATABASE_URL)`,
      );
    }
    db = createDb(url, 4);
  }
  return {
    bus,
    db,
    names: namesFor(config.namespace),
    close: async () => {
      await bus?.close();
      await db?.destroy();
    },
  };
}
