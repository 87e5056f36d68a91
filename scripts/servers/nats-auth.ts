import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { localUsersFile, NATS_ROLES, readLocalUsers, type LocalNatsUsers, type NatsRole } from '../../streams/nats-credentials.ts';

interface Permissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[] };
}

// Every JetStream client asks $JS.API.INFO on connect, and hears replies (publish acks, API
// answers) on its own inbox.
const INBOX = ['_INBOX.>'];
const READ_API = ['$JS.API.INFO', '$JS.API.STREAM.INFO.>', '$JS.API.STREAM.NAMES', '$JS.API.STREAM.LIST', '$JS.API.CONSUMER.INFO.>', '$JS.API.CONSUMER.NAMES.>', '$JS.API.CONSUMER.LIST.>'];

/**
 * What each role may do, by subject, for every namespace (`<ns>.<stage>.<channel>`, so `*` is the
 * namespace): admin everything; intake publishes only into ingest (and ingest's dead letters, for
 * an order too large to take) and reads stream and consumer info (admission); a worker consumes
 * and acks, publishes to any stage but ingest, to the dead-letter and deferred streams and to its
 * KV buckets, and may not delete, purge or reconfigure a stream; the console reads info and
 * stored messages and publishes nothing.
 */
export function rolePermissions(role: NatsRole): Permissions | undefined {
  switch (role) {
    case 'admin':
      return undefined;
    case 'intake':
      return { publish: { allow: ['*.ingest.*', '*.dlq.ingest', ...READ_API] }, subscribe: { allow: INBOX } };
    case 'worker':
      return {
        publish: {
          allow: ['*.*.*', '*.deferred.*.*', '$JS.API.>', '$JS.ACK.>', '$JS.FC.>', '$KV.>'],
          deny: ['*.ingest.*', '$JS.API.STREAM.UPDATE.>', '$JS.API.STREAM.DELETE.>', '$JS.API.STREAM.PURGE.>', '$JS.API.STREAM.MSG.DELETE.>', '$JS.API.STREAM.SNAPSHOT.>', '$JS.API.STREAM.RESTORE.>', '$JS.API.ACCOUNT.>', '$JS.API.SERVER.>'],
        },
        subscribe: { allow: INBOX },
      };
    case 'console':
      return { publish: { allow: [...READ_API, '$JS.API.STREAM.MSG.GET.>', '$JS.API.DIRECT.GET.>'] }, subscribe: { allow: INBOX } };
    default: {
      const never: never = role;
      throw new Error(`unknown NATS role ${String(never)}`);
    }
  }
}

/**
 * The local server's configuration (nats-server reads JSON): listen address, JetStream store and
 * one user per role with its permissions. It holds the passwords, so it is written mode 0600.
 */
export function natsServerConfig(opts: { host: string; port: number; storeDir: string; users: LocalNatsUsers }): string {
  const users = NATS_ROLES.map((role) => {
    const permissions = rolePermissions(role);
    return { user: opts.users.users[role].user, password: opts.users.users[role].password, ...(permissions ? { permissions } : {}) };
  });
  return `${JSON.stringify({ listen: `${opts.host}:${opts.port}`, jetstream: { store_dir: opts.storeDir }, authorization: { users } }, null, 2)}\n`;
}

/**
 * The local server's users: read from `<data dir>/nats/users.json`, or made once with random
 * passwords and written there with mode 0600; made again only when they were for another address.
 */
export function ensureLocalNatsUsers(dataDir: string, url: string): LocalNatsUsers {
  const existing = readLocalUsers(dataDir);
  if (existing && existing.url === url) return existing;
  const users = Object.fromEntries(NATS_ROLES.map((role) => [role, { user: `ordersurge-${role}`, password: randomBytes(24).toString('base64url') }])) as LocalNatsUsers['users'];
  const made: LocalNatsUsers = { url, users };
  const file = localUsersFile(dataDir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return made;
}

/** Writes the local server's configuration file beside its store (mode 0600); returns its path. */
export function writeNatsServerConfig(dir: string, config: string): string {
  const file = path.join(dir, 'nats-server.conf');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, config, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
