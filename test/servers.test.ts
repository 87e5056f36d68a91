import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureNats, probeNats } from '../scripts/servers/nats-server.ts';
import { ensurePostgres } from '../scripts/servers/postgres-server.ts';
import { isPortOpen } from '../scripts/servers/port.ts';
import { SetupError } from '../scripts/servers/setup-error.ts';

/** A port nothing listens on, found by asking the kernel for one and closing it again. */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('server bring-up', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ordersurge-servers-'));
  const log: string[] = [];
  afterAll(() => {
    try {
      process.kill(Number(readFileSync(path.join(dataDir, 'nats', 'nats-server.pid'), 'utf8')), 'SIGTERM');
    } catch {
      // not started: nothing to stop
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a project-local nats-server with JetStream when none answers, and finds it running the second time', async () => {
    const port = await freePort();
    const url = `nats://127.0.0.1:${port}`;
    const first = await ensureNats({ url, explicit: false, dataDir, log: (l) => log.push(l) });
    expect(first.action).toBe('started');
    expect((await probeNats(url, dataDir)).jetstream).toBe(true);
    const second = await ensureNats({ url, explicit: false, dataDir, log: (l) => log.push(l) });
    expect(second.action).toBe('running');
  });

  it('refuses an explicit NATS_URL that does not answer, with one line saying what to do', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    await expect(ensureNats({ url, explicit: true, dataDir, log: () => undefined })).rejects.toThrow(
      new SetupError(`NATS_URL=${url} is not reachable (connection refused): start that server, or fix or unset NATS_URL`),
    );
  });

  it('says so when the NATS port is taken by something else', async () => {
    const net = await import('node:net');
    const squatter = net.createServer((s) => {
      s.on('error', () => undefined); // the probe hangs up abruptly
      s.end('HTTP/1.1 400 nope\r\n\r\n');
    });
    const port = await new Promise<number>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as { port: number }).port)));
    try {
      expect(await isPortOpen(port)).toBe(true);
      await expect(ensureNats({ url: `nats://127.0.0.1:${port}`, explicit: false, dataDir, log: () => undefined })).rejects.toThrow(
        /port \d+ is in use by something that is not a NATS server/,
      );
    } finally {
      squatter.close();
    }
  });

  it('refuses an unreachable DATABASE_URL instead of falling back', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
    await expect(ensurePostgres({ databaseUrl: url, dataDir, port: 1, log: () => undefined })).rejects.toThrow(/^DATABASE_URL is not reachable/);
  });
});
