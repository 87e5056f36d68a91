import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { natsAuthOptions, type NatsRole } from './nats-credentials.ts';
import { natsServers } from './nats-servers.ts';

export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Server features beyond NATS 2.9 that we may use when present, never require. */
  features: ServerFeatures;
  close(): Promise<void>;
}

export interface ServerFeatures {
  version: string;
  /** 2.10+: a reason on `term`, several filter subjects per consumer. */
  atLeast210: boolean;
}

/**
 * Connects to NATS and JetStream; `name` shows in the server's connection list. `role` picks the
 * user on the local server setup started (see nats-credentials.ts); a server of your own gets
 * NATS_CREDS, NATS_USER/NATS_PASSWORD or NATS_TOKEN whatever the role.
 */
export async function connectBus(url: string, name: string, role: NatsRole = 'admin'): Promise<Bus> {
  // noAsyncTraces: otherwise every request builds an Error up front for its stack, a tenth of a
  // busy worker's CPU; our errors name their stage and subject instead.
  const nc = await connect({ servers: natsServers(url), name, maxReconnectAttempts: -1, noAsyncTraces: true, ...natsAuthOptions(url, role) });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const version = nc.info?.version ?? '0.0.0';
  return {
    nc,
    js,
    jsm,
    features: { version, atLeast210: compareVersions(version, '2.10.0') >= 0 },
    close: async () => {
      await nc.drain();
    },
  };
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
