import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { isPortOpen, waitFor } from './port.ts';
import { SetupError } from './setup-error.ts';
import { natsServers } from '../../streams/nats-servers.ts';
import { natsAuthOptions } from '../../streams/nats-credentials.ts';
import { ensureLocalNatsUsers, natsServerConfig, writeNatsServerConfig } from './nats-auth.ts';

export interface NatsProbe {
  reachable: boolean;
  jetstream: boolean;
  version?: string;
  /** Why it is not reachable, when it is not. */
  failure?: NatsConnectFailure;
}

/** Why a connection failed: a host name nothing resolves is not a server that is down. */
export interface NatsConnectFailure {
  kind: 'unknown-host' | 'refused' | 'other';
  message: string;
}

function connectFailure(error: unknown): NatsConnectFailure {
  const err = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  const message = err.message ?? String(error);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(message)) return { kind: 'unknown-host', message };
  if (code === 'ECONNREFUSED') return { kind: 'refused', message };
  return { kind: 'other', message };
}

/**
 * The one line for a NATS server that does not answer: what is wrong and what to do. A name that
 * does not resolve is a typo or a DNS problem; a refused connection is a server that is not
 * running; `npm run setup` is the answer only when NATS_URL was left to its default.
 */
export function natsUnreachableError(url: string, explicit: boolean, failure: NatsConnectFailure | undefined): SetupError {
  if (failure?.kind === 'unknown-host') {
    const host = new URL(url.split(',')[0]!.trim().replace(/^nats:/, 'http:')).hostname;
    return new SetupError(`NATS_URL=${url}: host ${JSON.stringify(host)} is not found (DNS: ${failure.message}); check the host name`);
  }
  const why = failure?.kind === 'refused' ? 'connection refused' : (failure?.message ?? 'no answer');
  if (explicit) return new SetupError(`NATS_URL=${url} is not reachable (${why}): start that server, or fix or unset NATS_URL`);
  return new SetupError(`no NATS server at ${url} (${why}): run \`npm run setup\` (or set NATS_URL)`);
}

/** Connects once and asks for the JetStream account info. */
export async function probeNats(url: string, dataDir?: string): Promise<NatsProbe> {
  // The local server's users live in the data directory it was started with.
  const env = dataDir ? { ...process.env, ORDERSURGE_DATA_DIR: dataDir } : process.env;
  let nc;
  try {
    nc = await connect({ servers: natsServers(url), timeout: 2000, reconnect: false, maxReconnectAttempts: 0, ...natsAuthOptions(url, 'admin', env) });
  } catch (error) {
    return { reachable: false, jetstream: false, failure: connectFailure(error) };
  }
  try {
    const version = nc.info?.version ?? 'unknown';
    try {
      const jsm = await jetstreamManager(nc, { timeout: 2000 });
      await jsm.getAccountInfo();
      return { reachable: true, jetstream: true, version };
    } catch {
      return { reachable: true, jetstream: false, version };
    }
  } finally {
    await nc.close();
  }
}

export interface NatsReady {
  url: string;
  version: string;
  /** What setup did, for its one-line report. */
  action: 'found' | 'started' | 'running';
}

/**
 * Makes sure a JetStream server answers: the configured one, or a project-local
 * `nats-server -js` with its store under `.data/nats`.
 */
export async function ensureNats(opts: {
  url: string;
  explicit: boolean;
  dataDir: string;
  log: (line: string) => void;
}): Promise<NatsReady> {
  const probe = await probeNats(opts.url, opts.dataDir);
  if (probe.jetstream) {
    const ownPid = path.join(opts.dataDir, 'nats', 'nats-server.pid');
    return { url: opts.url, version: probe.version ?? 'unknown', action: existsSync(ownPid) ? 'running' : 'found' };
  }
  if (probe.reachable) {
    throw new SetupError(
      `NATS at ${opts.url} answers but has JetStream disabled: restart it with -js, or set NATS_URL to a JetStream server`,
    );
  }
  if (opts.explicit) throw natsUnreachableError(opts.url, true, probe.failure);
  const { hostname, port } = new URL(opts.url.replace(/^nats:/, 'http:'));
  const portNumber = Number(port || 4222);
  if (await isPortOpen(portNumber, hostname)) {
    throw new SetupError(
      `port ${portNumber} is in use by something that is not a NATS server: free it, or set NATS_URL to a JetStream server`,
    );
  }
  const binary = findNatsBinary() ?? installNatsServer(opts.log);
  await startLocalNats(binary, hostname, portNumber, path.join(opts.dataDir, 'nats'), opts.dataDir, opts.url);
  const started = await probeNats(opts.url, opts.dataDir);
  return { url: opts.url, version: started.version ?? 'unknown', action: 'started' };
}

/** The nats-server binary on PATH (or in the usual sbin directories), if there is one. */
export function findNatsBinary(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin']) {
    const candidate = path.join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Debian ships nats-server (2.9 on bookworm); install it where apt is there and we are root. */
function installNatsServer(log: (line: string) => void): string {
  const aptAvailable = existsSync('/usr/bin/apt-get');
  const isRoot = process.getuid?.() === 0;
  if (!aptAvailable || !isRoot) {
    throw new SetupError(
      'nats-server is not installed: install it (Debian/Ubuntu: sudo apt-get install nats-server; elsewhere: https://docs.nats.io/running-a-nats-service/introduction/installation), or set NATS_URL to a JetStream server',
    );
  }
  log('nats-server not found: installing Debian package nats-server with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-q', 'nats-server'], { stdio: 'ignore', env });
  } catch {
    try {
      execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
      execFileSync('apt-get', ['install', '-y', '-q', 'nats-server'], { stdio: 'ignore', env });
    } catch {
      throw new SetupError('apt-get install nats-server failed: install nats-server by hand, or set NATS_URL');
    }
  }
  const binary = findNatsBinary();
  if (!binary) throw new SetupError('apt-get installed nats-server but no nats-server binary was found on PATH');
  return binary;
}

/**
 * Starts the project-local server with authorization on: one user per role (nats-auth.ts), their
 * passwords in `<data dir>/nats/users.json` and the server's config beside it, both mode 0600.
 */
async function startLocalNats(binary: string, host: string, port: number, dir: string, dataDir: string, url: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'nats-server.log');
  const users = ensureLocalNatsUsers(dataDir, url);
  const configFile = writeNatsServerConfig(dir, natsServerConfig({ host, port, storeDir: dir, users }));
  const child = spawn(
    binary,
    ['-c', configFile, '-P', path.join(dir, 'nats-server.pid'), '-l', logFile],
    { detached: true, stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')] },
  );
  child.unref();
  const up = await waitFor(async () => (await probeNats(url, dataDir)).jetstream, 15_000);
  if (!up) throw new SetupError(`local nats-server did not start on ${host}:${port}: see ${logFile}`);
}
