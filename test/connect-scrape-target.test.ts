import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPipeline, eventually, type TestPipeline } from './pipeline-harness.ts';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('ordersurge connect --metrics-port with ORDERSURGE_SD_DIR', () => {
  let p: TestPipeline;
  const sdDir = mkdtempSync(path.join(tmpdir(), 'ordersurge-connect-sd-'));

  beforeAll(async () => {
    p = await createTestPipeline();
  });
  afterAll(async () => {
    await p?.close();
    rmSync(sdDir, { recursive: true, force: true });
  });

  it('registers its metrics address as a file-SD target with role="connector", and removes it on SIGTERM', async () => {
    // A platform that never answers: the connector runs (its polls fail and are retried), which is all this needs.
    const child = spawn(process.execPath, [BIN, 'connect', '--platform-url', 'shop=http://127.0.0.1:9', '--metrics-port', '0', '--no-apply'], {
      env: { ...process.env, NATS_URL: p.config.natsUrl, DATABASE_URL: p.databaseUrl, ORDERSURGE_NAMESPACE: p.names.namespace, ORDERSURGE_SD_DIR: sdDir },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    const file = path.join(sdDir, `${hostname()}-${child.pid}.json`);
    try {
      await eventually(async () => (output.includes('Ctrl-C stops') ? true : undefined), 60_000, 'connect to start');
      const port = Number(/metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(output)?.[1]);
      expect(port).toBeGreaterThan(0);
      expect(readdirSync(sdDir)).toEqual([path.basename(file)]);
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { targets: string[]; labels: Record<string, string> }[];
      expect(entry).toEqual([{ targets: [`${hostname()}:${port}`], labels: { job: 'ordersurge', role: 'connector', stages: '', pid: String(child.pid) } }]);
      // The address is the one serving the connector's metrics, the shop auth gauge among them.
      const body = await (await fetch(`http://${entry[0]!.targets[0]!}/metrics`)).text();
      expect(body).toContain('ordersurge_shop_auth_failed');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await closed).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(sdDir)).toEqual([]);
  }, 120_000);
});
