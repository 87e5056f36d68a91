import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/ordersurge.mjs', import.meta.url));

describe('bench pipeline shutdown', () => {
  it('stops the workers before the simulators they call: no "shipped feed: fetch failed" at the end', async () => {
    // The workers' output reaches the bench's own (inherited), so the CLI is run as a child to read it.
    const child = spawn(process.execPath, [BIN, 'bench', 'pipeline', '--orders', '2000', '--stall-s', '30'], {
      env: { ...process.env, NATS_URL: inject('natsUrl'), DATABASE_URL: inject('databaseUrl') },
      timeout: 110_000,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('2000 of 2000 notified');
    // Every orderly stop prints nothing of the feed: a simulator closed under a draining worker did.
    expect(output).not.toMatch(/shipped feed: .*fetch failed/);
  }, 120_000);
});
