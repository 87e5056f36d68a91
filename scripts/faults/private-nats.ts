import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { probeNats } from '../servers/nats-server.ts';
import { sparePort, waitFor } from '../servers/port.ts';

/**
 * A throwaway `nats-server -js` on a loopback port of its own, with its store in a temporary
 * directory: for a test or a fault run that kills NATS and starts it again on the same port and
 * store, disturbing no other user of the shared server.
 */
export interface PrivateNats {
  url: string;
  port: number;
  storeDir: string;
  /** The server's process id while it runs. */
  pid(): number | undefined;
  /** Sends `signal` (SIGKILL by default: no goodbye to the clients) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and store; resolves once JetStream answers. */
  start(): Promise<void>;
  /** Stops the server and removes its store. */
  close(): Promise<void>;
}

/** Where the `nats-server` binary is: `NATS_SERVER_BIN`, the PATH, or Debian's `/usr/sbin`. */
export function natsServerBinary(): string {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN;
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin']) {
    const candidate = path.join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('nats-server is not installed (or set NATS_SERVER_BIN): a private NATS needs the binary');
}

/**
 * Starts a private JetStream server on 127.0.0.1.
 *
 * @example
 * const nats = await startPrivateNats();
 * await nats.kill(); await nats.start(); // the same port, the same streams
 * await nats.close();
 */
export async function startPrivateNats(opts: { port?: number; storeDir?: string } = {}): Promise<PrivateNats> {
  const binary = natsServerBinary();
  const port = opts.port ?? (await sparePort());
  const storeDir = opts.storeDir ?? mkdtempSync(path.join(os.tmpdir(), 'ordersurge-nats-'));
  mkdirSync(storeDir, { recursive: true });
  const url = `nats://127.0.0.1:${port}`;
  const logFile = path.join(storeDir, 'nats-server.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    if (child) throw new Error(`private NATS on port ${port} is already running (pid ${child.pid})`);
    const out = openSync(logFile, 'a');
    const started = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, '-l', logFile], { stdio: ['ignore', out, out] });
    closeSync(out);
    child = started;
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === started) child = undefined;
    });
    if (!(await waitFor(async () => child === started && (await probeNats(url)).jetstream, 20_000, 100))) {
      throw new Error(`private nats-server did not start on ${url}: see ${logFile}`);
    }
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (!child) return;
    child.kill(signal);
    await exited;
  };
  await start();
  return {
    url,
    port,
    storeDir,
    pid: () => child?.pid,
    kill,
    start,
    async close() {
      await kill('SIGTERM');
      if (!opts.storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
