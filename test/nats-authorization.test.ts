import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalNatsUsers, natsServerConfig, writeNatsServerConfig } from '../scripts/servers/nats-auth.ts';
import { findNatsBinary } from '../scripts/servers/nats-server.ts';
import { isPortOpen, sparePort, waitFor } from '../scripts/servers/port.ts';
import { localUsersFile, natsAuthOptions, type NatsRole } from '../streams/nats-credentials.ts';
import { namesFor } from '../streams/names.ts';
import { applyTopology, DEFAULT_TOPOLOGY } from '../streams/topology.ts';

const encoder = new TextEncoder();

describe('least privilege in NATS: the local server setup starts has a user per role', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ordersurge-nats-auth-'));
  const names = namesFor('authz');
  let url = '';
  let server: ChildProcess | undefined;
  const open: NatsConnection[] = [];

  /** A connection as `role`, with the credentials the client finds for this server. */
  async function as(role: NatsRole): Promise<NatsConnection> {
    const nc = await connect({ servers: url, reconnect: false, ...natsAuthOptions(url, role, { ORDERSURGE_DATA_DIR: dir }) });
    open.push(nc);
    return nc;
  }
  const messages = async (stream: string): Promise<number> => (await (await jetstreamManager(await as('admin'))).streams.info(stream)).state.messages;

  beforeAll(async () => {
    const binary = findNatsBinary();
    if (!binary) throw new Error('no nats-server binary: run `npm run setup` first');
    const port = await sparePort();
    url = `nats://127.0.0.1:${port}`;
    // What setup does for its local server, on a spare port with a store of its own.
    const users = ensureLocalNatsUsers(dir, url);
    const config = writeNatsServerConfig(path.join(dir, 'nats'), natsServerConfig({ host: '127.0.0.1', port, storeDir: path.join(dir, 'nats'), users }));
    server = spawn(binary, ['-c', config], { stdio: 'ignore' });
    if (!(await waitFor(() => isPortOpen(port), 10_000))) throw new Error('nats-server did not start');
  }, 20_000);
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
    server?.kill('SIGTERM');
    await new Promise((resolve) => (server?.exitCode !== null ? resolve(undefined) : server.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the passwords in files only their owner can read, and refuses a client without one', async () => {
    expect(statSync(localUsersFile(dir)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'nats', 'nats-server.conf')).mode & 0o777).toBe(0o600);
    await expect(connect({ servers: url, reconnect: false })).rejects.toThrow(/Authorization Violation/i);
    expect(natsAuthOptions(url, 'intake', { ORDERSURGE_DATA_DIR: dir })).toMatchObject({ user: 'ordersurge-intake' });
    // A server of one's own gets what the environment gives, and the local users never.
    expect(natsAuthOptions('nats://elsewhere:4222', 'intake', { ORDERSURGE_DATA_DIR: dir })).toEqual({});
    expect(natsAuthOptions(url, 'intake', { ORDERSURGE_DATA_DIR: dir, NATS_USER: 'me', NATS_PASSWORD: 'pw' })).toEqual({ user: 'me', pass: 'pw' });
    expect(natsAuthOptions(url, 'intake', { NATS_TOKEN: 't0k' })).toEqual({ token: 't0k' });
  });

  it('lets the admin create the topology, and no one else change it', async () => {
    const report = await applyTopology(await jetstreamManager(await as('admin')), names, { ...DEFAULT_TOPOLOGY, stageMaxBytes: 1024 ** 2, deadLetterMaxBytes: 1024 ** 2 });
    expect(report.some((r) => r.name === names.stageStream('ingest') && r.action === 'created')).toBe(true);
    for (const role of ['intake', 'worker', 'console'] as const) {
      const jsm = await jetstreamManager(await as(role));
      await expect(jsm.streams.delete(names.stageStream('dedupe')), role).rejects.toThrow();
      await expect(jsm.streams.purge(names.stageStream('dedupe')), role).rejects.toThrow();
    }
    expect((await (await jetstreamManager(await as('admin'))).streams.info(names.stageStream('dedupe'))).config.name).toBe(names.stageStream('dedupe'));
  });

  it('lets intake publish into ingest and nowhere else', async () => {
    const js = jetstream(await as('intake'));
    const ack = await js.publish(names.stageSubject('ingest', 'shop'), encoder.encode('{"id":1}'));
    expect(ack.stream).toBe(names.stageStream('ingest'));
    await expect(js.publish(names.stageSubject('dedupe', 'shop'), encoder.encode('{"id":1}'), { timeout: 2000 })).rejects.toThrow();
    await expect(js.publish(names.stageSubject('notify', 'shop'), encoder.encode('{"id":1}'), { timeout: 2000 })).rejects.toThrow();
    expect(await messages(names.stageStream('ingest'))).toBe(1);
    expect(await messages(names.stageStream('dedupe'))).toBe(0);
    expect(await messages(names.stageStream('notify'))).toBe(0);
  });

  it('lets a worker consume a stage, ack and publish to the next, but not inject into ingest', async () => {
    const nc = await as('worker');
    const js = jetstream(nc);
    const consumer = await js.consumers.get(names.stageStream('ingest'), names.durable('ingest'));
    const msg = await consumer.next({ expires: 2000 });
    expect(msg?.string()).toBe('{"id":1}');
    await msg!.ackAck();
    await js.publish(names.stageSubject('dedupe', 'shop'), encoder.encode('{"id":1}'));
    await js.publish(names.deadLetterSubject('dedupe'), encoder.encode('{"id":2}'));
    await expect(js.publish(names.stageSubject('ingest', 'shop'), encoder.encode('{"id":3}'), { timeout: 2000 })).rejects.toThrow();
    expect(await messages(names.stageStream('dedupe'))).toBe(1);
    expect(await messages(names.stageStream('ingest'))).toBe(0);
  });

  it('lets the console read stream state and publish nothing', async () => {
    const nc = await as('console');
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info(names.stageStream('dedupe'))).state.messages).toBe(1);
    expect((await jsm.consumers.info(names.stageStream('dedupe'), names.durable('dedupe'))).num_pending).toBe(1);
    await expect(jetstream(nc).publish(names.stageSubject('ingest', 'shop'), encoder.encode('{}'), { timeout: 2000 })).rejects.toThrow();
    expect(await messages(names.stageStream('ingest'))).toBe(0);
  });
});
