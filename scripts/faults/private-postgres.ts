import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sparePort, waitFor } from '../servers/port.ts';
import { clusterDir, ensurePostgres, stopEmbedded } from '../servers/postgres-server.ts';

/**
 * A throwaway embedded Postgres cluster on a loopback port of its own (the binaries `setup` uses),
 * for a fault run that stops it the hard way and starts it again, disturbing no other user of the
 * shared server.
 */
export interface PrivatePostgres {
  /** URL of its `ordersurge` database; any other database is the same URL with another path. */
  url: string;
  port: number;
  /**
   * `pg_ctl stop -m immediate`: SIGQUIT to the postmaster, which ends every backend without a word
   * to its clients; resolves once the server is gone.
   */
  stopImmediately(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

/**
 * Initialises and starts a private cluster.
 *
 * @example
 * const pg = await startPrivatePostgres();
 * await pg.stopImmediately(); await pg.start();
 * await pg.close();
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ordersurge-pg-'));
  // As root the cluster belongs to the `postgres` user, which must be able to reach it.
  chmodSync(dataDir, 0o755);
  const pgData = clusterDir(dataDir, () => undefined);
  const port = await sparePort();
  const start = async (): Promise<void> => {
    // After `-m immediate` the server replays its WAL first; on a loaded machine pg_ctl's own
    // wait can run out while it does. Ask again: a server that came up meanwhile is found.
    for (let attempt = 1; ; attempt++) {
      try {
        await ensurePostgres({ databaseUrl: undefined, dataDir, port, log: () => undefined });
        return;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  };
  await start();
  const pidFile = path.join(pgData, 'postmaster.pid');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/ordersurge`,
    port,
    start,
    async stopImmediately() {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGQUIT');
      if (!(await waitFor(async () => !existsSync(pidFile), 30_000, 50))) throw new Error(`Postgres (pid ${pid}) did not stop`);
    },
    async close() {
      await stopEmbedded(dataDir).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
      // As root a cluster the postgres user could not reach here lives elsewhere: remove that too.
      if (!pgData.startsWith(dataDir)) rmSync(path.dirname(pgData), { recursive: true, force: true });
    },
  };
}
