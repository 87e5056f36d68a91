import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { createDatabaseIfMissing, dropDatabase } from '../scripts/servers/postgres-server.ts';
import { isPortOpen, sparePort } from '../scripts/servers/port.ts';
import { createDb } from '../sql/database.ts';
import { connectBus, type Bus } from '../streams/connect.ts';
import { namesFor } from '../streams/names.ts';
import { STAGES } from '../streams/pipeline.ts';
import { deleteTopology } from '../streams/topology.ts';
import { eventually } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

/** `count` consecutive loopback ports nothing listens on (the platform simulators take one per channel). */
async function sparePortRun(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const taken = await Promise.all(Array.from({ length: count }, (_, i) => isPortOpen(base + i, '127.0.0.1', 200)));
    if (!taken.some(Boolean)) return base;
  }
}

describe('Ctrl-C on the demo with worker processes', () => {
  const id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const names = namesFor(id);
  const admin = new URL(inject('databaseUrl'));
  admin.pathname = '/postgres';
  const dbUrl = new URL(inject('databaseUrl'));
  dbUrl.pathname = `/ordersurge_${id}`;
  let bus: Bus | undefined;

  afterAll(async () => {
    bus ??= await connectBus(inject('natsUrl'), `test-${id}`);
    await deleteTopology(bus.jsm, names);
    await bus.close();
    await dropDatabase(admin.toString(), `ordersurge_${id}`);
  });

  it('drains every worker process: the terminal signal reaches only the demo, which stops each child once', async () => {
    await createDatabaseIfMissing(admin.toString(), `ordersurge_${id}`);
    const env = {
      ...process.env,
      NATS_URL: inject('natsUrl'),
      DATABASE_URL: dbUrl.toString(),
      ORDERSURGE_NAMESPACE: id,
      ORDERSURGE_CARRIER_PORT: String(await sparePort()),
      ORDERSURGE_SMS_PORT: String(await sparePort()),
      ORDERSURGE_WMS_PORT: String(await sparePort()),
      ORDERSURGE_INVOICE_PORT: String(await sparePort()),
      ORDERSURGE_PLATFORM_PORT: String(await sparePortRun(6)),
      METRICS_PORT: String(await sparePortRun(2)),
    };
    // Its own process group, as a shell gives a foreground job: the group is what Ctrl-C signals.
    const demo = spawn(process.execPath, [BIN, 'start', '--rate', '12', '--worker-processes', '2', '--poll-ms', '200', '--latency-ms', '50'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    demo.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    onTestFailed(() => console.error(`the demo printed:\n${stderr}`));
    demo.stdout.on('data', () => undefined);
    const exited = new Promise<number | null>((resolve) => demo.on('close', (code) => resolve(code)));
    const db = createDb(dbUrl.toString(), 1);
    try {
      // Both workers up and orders moving through the stages (work in flight when Ctrl-C comes).
      const workerPids = await eventually(async () => {
        const pids = [...stderr.matchAll(/^worker (\d+): /gm)].map((m) => Number(m[1]));
        return pids.length === 2 ? pids : undefined;
      }, 120_000, 'two worker processes').catch((error: unknown) => {
        throw new Error(`${String(error)}; the demo printed:\n${stderr}`);
      });
      await eventually(async () => {
        const row = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'awaiting_payment').executeTakeFirst();
        return Number(row?.n ?? 0) >= 10 ? true : undefined;
      }, 60_000, 'orders past dedupe');

      process.kill(-demo.pid!, 'SIGINT');
      expect(await exited).toBe(0);

      expect(stderr).not.toContain('exiting without draining');
      bus = await connectBus(inject('natsUrl'), `test-${id}`);
      // The demo took Ctrl-C; each worker took exactly one SIGTERM from it, never the SIGINT.
      expect(stderr.match(/^SIGINT: draining/gm)).toHaveLength(1);
      expect(stderr.match(/^SIGTERM: draining/gm)).toHaveLength(2);
      for (const pid of workerPids) expect(() => process.kill(pid, 0), `worker ${pid} still running`).toThrow();

      // Nothing is left claimed by a process that has gone. A retry nak'd with a delay before
      // Ctrl-C (the demo's carrier fails now and then) is ack-pending on the server until its
      // backoff runs out, and no drain can take that back; retries during the drain are handed
      // back with no delay. So: with no worker running, every stage's ack-pending reaches 0 within
      // the backoffs of this short run (well under 15 s), far sooner than the 30 s ack wait that a
      // message delivered to a pull nobody read any more (or a worker that quit without draining)
      // would hold it for.
      const client = bus;
      for (const stage of STAGES) {
        await eventually(async () => {
          const info = await client.jsm.consumers.info(names.stageStream(stage), names.durable(stage));
          return info.num_ack_pending === 0 ? true : undefined;
        }, 15_000, `${stage}: no message ack-pending after the drain`);
      }
    } finally {
      if (demo.exitCode === null) process.kill(-demo.pid!, 'SIGKILL');
      await db.destroy();
    }
  }, 260_000);
});
