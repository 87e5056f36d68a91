import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { probeNats } from '../servers/nats-server.ts';
import { sparePort, waitFor } from '../servers/port.ts';

/** The NATS binary the cluster runs (Debian's package; `NATS_SERVER_BIN` to use another). */
export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN || '/usr/sbin/nats-server';

/** One server of the cluster. */
export interface ClusterNode {
  name: string;
  clientUrl: string;
  storeDir: string;
  child: ChildProcess;
}

/** A JetStream cluster of NATS servers on loopback ports, each with a temporary store. */
export interface NatsCluster {
  nodes: ClusterNode[];
  /** Every server's client URL, comma-separated: what `NATS_URL` is set to. */
  natsUrl: string;
  /** Kills one server at once (SIGKILL: no goodbye to its peers), as a crashed machine would. */
  kill(index: number): void;
  /** Stops every server still running and removes the stores. */
  stop(): Promise<void>;
}

/** A cluster that did not form: names what is missing. */
export class NatsClusterError extends Error {
  readonly code = 'NATS_CLUSTER';
  override name = 'NatsClusterError';
}

/**
 * Starts `size` NATS servers with JetStream as one cluster on loopback ports (free ones, found at
 * start), each with a store in a fresh temporary directory, and resolves once every server
 * answers with JetStream (the cluster has elected its JetStream leader). Streams made on it with
 * `ORDERSURGE_STREAM_REPLICAS=3` keep a copy on every server.
 */
export async function startNatsCluster(size = 3, clusterName = 'ordersurge'): Promise<NatsCluster> {
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await sparePort(), route: await sparePort() })));
  const routes = ports.map((p) => `nats://127.0.0.1:${p.route}`).join(',');
  const nodes: ClusterNode[] = ports.map((p, i) => {
    const name = `${clusterName}-${i + 1}`;
    const storeDir = mkdtempSync(path.join(tmpdir(), `${name}-`));
    const child = spawn(
      NATS_SERVER_BIN,
      ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(p.client), '-n', name, '--cluster_name', clusterName, '--cluster', `nats://127.0.0.1:${p.route}`, '--routes', routes, '-l', path.join(storeDir, 'nats-server.log')],
      { stdio: 'ignore' },
    );
    return { name, clientUrl: `nats://127.0.0.1:${p.client}`, storeDir, child };
  });
  const exited = (n: ClusterNode): Promise<void> =>
    n.child.exitCode !== null || n.child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => n.child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
    await Promise.all(nodes.map(exited));
    for (const n of nodes) rmSync(n.storeDir, { recursive: true, force: true });
  };
  const formed = await waitFor(async () => (await Promise.all(nodes.map((n) => probeNats(n.clientUrl)))).every((p) => p.jetstream), 60_000, 500);
  if (!formed) {
    await stop();
    throw new NatsClusterError(`nats cluster: ${size} servers of ${NATS_SERVER_BIN} did not all answer with JetStream within 60 s (see nats-server.log in their store directories)`);
  }
  return {
    nodes,
    natsUrl: nodes.map((n) => n.clientUrl).join(','),
    kill(index) {
      nodes[index]?.child.kill('SIGKILL');
    },
    stop,
  };
}
