import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../sql/queries/inventory.ts';
import { exceptionOf, exceptionQueue, resolveException } from '../sql/queries/exception-queue.ts';
import { routeBatch } from '../workers/routing/routing-stage.ts';
import { createTestPipeline, eventually, insertPricedOrder, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('the exceptions queue', () => {
  let p: TestPipeline;
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace }, timeout: 60_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
  });

  it('lists backorders by type, resolves one out of the queue, and retries another into routing once stock arrives', async () => {
    await setStock(p.db, 'SHORT-SKU', 'suzhou', 0);
    for (const id of ['shop:ex1', 'shop:ex2']) await insertPricedOrder(p.db, { id, sku: 'SHORT-SKU', qty: 1 });
    await routeBatch(p.db, ['shop:ex1', 'shop:ex2'], 0);
    expect((await exceptionQueue(p.db, { type: 'backorder', limit: 10 })).map((e) => e.id)).toEqual(['shop:ex1', 'shop:ex2']);
    expect(await exceptionQueue(p.db, { type: 'bad_address', limit: 10 })).toEqual([]);

    expect(await resolveException(p.db, 'shop:ex1', 'customer took a refund by phone', 'ops')).toBe(true);
    expect(await resolveException(p.db, 'shop:ex9', 'x', 'ops')).toBe(false);
    expect((await exceptionOf(p.db, 'shop:ex1'))?.resolution).toMatchObject({ note: 'customer took a refund by phone', by: 'ops' });
    const listed = await run(['exceptions', 'list', '--type', 'backorder', '--json']);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: string; retry: unknown }[]).map((e) => [e.id, e.retry])).toEqual([['shop:ex2', { ok: true, to: 'priced' }]]);
    // JSON times are ISO-8601 with the display zone's offset; text shows the zone asked for.
    expect((JSON.parse(listed.stdout) as { since: string }[])[0]?.since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    const shown = await run(['--tz', 'UTC', 'exceptions', 'show', 'shop:ex2']);
    expect(shown.stdout).toMatch(/^shop:ex2  backorder since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+00:00\n/);

    await setStock(p.db, 'SHORT-SKU', 'suzhou', 5);
    const workers = await p.startWorkers(['routing']);
    const retried = await run(['exceptions', 'retry', '--type', 'backorder']);
    expect(retried).toMatchObject({ code: 0, stdout: '1 retried\n' });
    await eventually(async () => ((await p.db.selectFrom('orders').select('status').where('id', '=', 'shop:ex2').executeTakeFirstOrThrow()).status === 'routed' ? true : undefined), 20_000, 'shop:ex2 routed');
    await workers.stop();
    expect((await p.db.selectFrom('orders').select('status').where('id', '=', 'shop:ex1').executeTakeFirstOrThrow()).status).toBe('exception');
  }, 150_000);
});
