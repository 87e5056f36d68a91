import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { credsAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';

/**
 * Who a connection is, on the project-local NATS server that `setup` starts with authorization
 * on: `admin` (setup, topology, operator commands), `intake` (submit, webhooks, connectors: may
 * publish only into ingest), `worker` (the stages), `console` (status and the console: reads only).
 */
export type NatsRole = 'admin' | 'intake' | 'worker' | 'console';
export const NATS_ROLES: readonly NatsRole[] = ['admin', 'intake', 'worker', 'console'];

/** The local server's users, as `setup` writes them (mode 0600) beside its store. */
export interface LocalNatsUsers {
  /** The server they are for: used only when connecting there. */
  url: string;
  users: Record<NatsRole, { user: string; password: string }>;
}

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where `setup` keeps the local server's users: `<data dir>/nats/users.json`. */
export function localUsersFile(dataDir: string): string {
  return path.join(dataDir, 'nats', 'users.json');
}

/**
 * The credentials a connection to `url` carries. A server of your own (NATS_URL) takes what you
 * give: `NATS_CREDS` (a .creds file: JWT and NKEY seed), else `NATS_USER` and `NATS_PASSWORD`,
 * else `NATS_TOKEN`. The local server `setup` started takes the user of `role` from its users
 * file. Anything else connects without credentials, as before.
 *
 * @example
 * await connect({ servers: url, ...natsAuthOptions(url, 'intake') });
 */
export function natsAuthOptions(url: string, role: NatsRole, env: NodeJS.ProcessEnv = process.env): Partial<ConnectionOptions> {
  if (env.NATS_CREDS) {
    const file = env.NATS_CREDS;
    return { authenticator: credsAuthenticator(() => readFileSync(file)) };
  }
  if (env.NATS_USER) return { user: env.NATS_USER, pass: env.NATS_PASSWORD ?? '' };
  if (env.NATS_TOKEN) return { token: env.NATS_TOKEN };
  const local = readLocalUsers(path.resolve(env.ORDERSURGE_DATA_DIR || path.join(PROJECT_ROOT, '.data')));
  if (!local || local.url !== url) return {};
  const { user, password } = local.users[role];
  return { user, pass: password };
}

/** The users file of a data directory, or undefined when there is none. */
export function readLocalUsers(dataDir: string): LocalNatsUsers | undefined {
  const file = localUsersFile(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LocalNatsUsers;
}
