import type { FeederOut } from '../bench/feeder-process.ts';
import type { PrivateCluster } from '../bench/private-cluster.ts';
import { offeredBy, rateAt, type RateSegment } from '../bench/rate-schedule.ts';
import type { PlatformsOut } from './platforms-process.ts';
import { SATURATING_RATE } from './load-profiles.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { Secret } from '../../workers/ingest/connectors/secret.ts';
import { saveShopAccount } from '../../workers/ingest/connectors/shop-accounts.ts';

/** What a run offered: every order and when (published into ingest, or created at its platform). */
export interface Offered {
  published: number;
  firstMs: number;
  publishedAt: [string, number][];
}

/**
 * How a load run's orders come in: a feeder publishing straight into ingest (`--direct`), or the
 * platform simulators creating them and the connectors polling them, as in production.
 */
export interface LoadIntake {
  /** `direct`, or `platforms` (through the simulators' APIs and `ordersurge connect`). */
  kind: 'direct' | 'platforms';
  /** Starts offering at the schedule's rate. */
  go(): void;
  /** Orders offered so far. */
  offered(): number;
  /** Seconds intake was held by admission, where the intake reports it (the feeder does). */
  heldMs(): number;
  /** Called about every second, `atS` seconds into the current schedule (a new one starts at 0), with the orders taken in so far. */
  tick(atS: number, takenIn: number): void;
  /** From now on, `schedule`; resolves with the run's orders in all. */
  reschedule(schedule: RateSegment[]): Promise<number>;
  /** The schedule has ended: offer what is still owed (a buyer's later payment, say). */
  finish(): void;
  /** Stops early (Ctrl-C). */
  stop(): void;
  /** Whether every order has been offered. */
  offeredAll(): boolean;
  /** Resolves once everything was offered. */
  done: Promise<Offered>;
}

export interface IntakeSettings {
  seed: number;
  schedule: RateSegment[];
  /** The run's orders if its length is known now. */
  orders: number;
  feed: 'bench' | 'mixed';
  maxCoreBacklog: number;
}

/** The feeder in a process of its own, held by admission as every intake is. */
export async function directIntake(cluster: PrivateCluster, s: IntakeSettings): Promise<LoadIntake> {
  const feeder = cluster.startFeeder({ orders: s.orders, seed: s.seed, rate: 0, schedule: s.schedule, inFlight: 2000, maxCoreBacklog: s.maxCoreBacklog, feed: s.feed });
  await feeder.next((m): m is Extract<FeederOut, { type: 'ready' }> => m.type === 'ready');
  const done = feeder.next((m): m is Extract<FeederOut, { type: 'done' }> => m.type === 'done');
  let progress = { published: 0, heldMs: 0 };
  void (async () => {
    for (;;) {
      const m = await feeder.next((x): x is Extract<FeederOut, { type: 'progress' }> => x.type === 'progress').catch(() => undefined);
      if (!m) return;
      progress = m;
    }
  })();
  let finished = false;
  done.then(() => (finished = true)).catch(() => undefined);
  return {
    kind: 'direct',
    go: () => feeder.send({ type: 'go' }),
    offered: () => progress.published,
    heldMs: () => progress.heldMs,
    tick: () => undefined,
    async reschedule(schedule) {
      feeder.send({ type: 'schedule', schedule });
      return (await feeder.next((m): m is Extract<FeederOut, { type: 'scheduled' }> => m.type === 'scheduled')).orders;
    },
    // The feeder ends its schedule by itself.
    finish: () => undefined,
    stop: () => {
      if (feeder.child.connected) feeder.send({ type: 'stop' });
    },
    // The feeder's last progress may predate its last orders; once it is done it fed them all.
    offeredAll: () => finished,
    done,
  };
}

/** Orders a saturating lead-in keeps waiting at the platforms: always more than intake can take in a second, never a pile-up. */
const SATURATING_BACKLOG = 5_000;

/**
 * The platform simulators create the orders at the schedule's rate, and `ordersurge connect`
 * polls them into ingest; while the core is saturated the connectors stop polling ahead and the
 * orders wait at their platform. A saturating lead-in (a rate no pipeline keeps up with) creates
 * as many as keep about SATURATING_BACKLOG waiting at the platforms, at most `maxRate()`.
 */
export async function platformIntake(cluster: PrivateCluster, s: IntakeSettings, maxRate: () => number): Promise<LoadIntake> {
  const platforms = cluster.startPlatforms({ seed: s.seed, feed: s.feed });
  const { urls, shops } = await platforms.next((m): m is Extract<PlatformsOut, { type: 'ready' }> => m.type === 'ready');
  // The strict marketplaces are polled as registered shop accounts, signed; the others by URL.
  const keyring = processPiiKeyring();
  for (const shop of shops) {
    const c = shop.credentials;
    // Named apart from an operator's own accounts: a load on a running pipeline must not replace them.
    const account = { code: `load-${shop.channel}`, channel: shop.channel, displayName: `load ${shop.channel} shop`, apiBaseUrl: urls[shop.channel]! };
    await saveShopAccount(cluster.db, { ...account, appKey: c.appKey, appSecret: new Secret(c.appSecret), accessToken: new Secret(c.accessToken), refreshToken: new Secret(c.refreshToken), expiresAt: new Date(shop.tokenExpiresAtMs) }, keyring);
  }
  const unsigned = Object.fromEntries(Object.entries(urls).filter(([channel]) => !shops.some((shop) => shop.channel === channel)));
  cluster.startConnect(unsigned, { ORDERSURGE_MAX_CORE_BACKLOG: String(s.maxCoreBacklog) }, shops.map((shop) => `load-${shop.channel}`));
  const done = platforms.next((m): m is Extract<PlatformsOut, { type: 'done' }> => m.type === 'done').then((m): Offered => ({
    published: m.created.length,
    firstMs: m.created.reduce((min, [, at]) => Math.min(min, at), Number.POSITIVE_INFINITY),
    publishedAt: m.created,
  }));
  let created = 0;
  void (async () => {
    for (;;) {
      const m = await platforms.next((x): x is Extract<PlatformsOut, { type: 'progress' }> => x.type === 'progress').catch(() => undefined);
      if (!m) return;
      created = m.created;
    }
  })();
  let finished = false;
  done
    .then((m) => {
      created = m.published;
      finished = true;
    })
    .catch(() => undefined);
  let schedule = s.schedule;
  let lastRate = -1;
  const setRate = (perSecond: number): void => {
    const capped = Math.min(perSecond, maxRate());
    if (capped !== lastRate) platforms.send({ type: 'rate', perSecond: capped });
    lastRate = capped;
  };
  return {
    kind: 'platforms',
    go: () => setRate(Math.min(rateAt(schedule, 0), SATURATING_BACKLOG)),
    offered: () => created,
    heldMs: () => 0,
    tick(atS, takenIn) {
      const wanted = rateAt(schedule, atS);
      setRate(wanted >= SATURATING_RATE ? Math.max(0, SATURATING_BACKLOG - (created - takenIn)) : wanted);
    },
    reschedule(next) {
      schedule = next;
      setRate(rateAt(schedule, 0));
      return Promise.resolve(created + Math.floor(offeredBy(schedule, schedule.reduce((n, seg) => n + seg.seconds, 0))));
    },
    finish: () => {
      setRate(0);
      platforms.send({ type: 'finish' });
    },
    stop: () => {
      setRate(0);
      platforms.send({ type: 'finish' });
    },
    offeredAll: () => finished,
    done,
  };
}
