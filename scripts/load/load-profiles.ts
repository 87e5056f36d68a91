import { DEMO_CATALOGUE } from '../simulators/shop-orders.ts';
import type { RateSegment } from '../bench/rate-schedule.ts';

export const PROFILES = ['baseline', 'peak50x', 'flash', 'mixed', 'overload'] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface ProfileOptions {
  /** A steady day's rate, orders/s. */
  baseRate: number;
  /**
   * What the pipeline sustains here, orders/s (the overload profile offers twice this); `auto`
   * measures it in the run's lead-in.
   */
  sustainable: number | 'auto';
  /** Stretches or shrinks every phase. */
  timeScale: number;
  /** Ramp stages that replace the profile's rate schedule (not `overload`'s, which is twice the sustainable rate). */
  stages?: RateSegment[];
}

export interface LoadProfile {
  name: ProfileName;
  does: string;
  schedule: RateSegment[];
  /** The part of the schedule core goodput is measured over (seconds from the start): the overload itself for `overload`. */
  measured: { from: number; to: number };
  /** `mixed`: the feed carries later payments, cancellations, refunds and address changes (see mixed-orders.ts). */
  feed?: 'mixed';
  /** Stock per SKU; the flash profile makes its hot SKUs run out. */
  stock(sku: string): number;
  /**
   * A lead-in that measures the sustainable rate: it offers as fast as admission lets, the core
   * goodput over its last two thirds is the sustainable rate, and `then` gives the rest of the run.
   */
  calibrate?: { seconds: number; then(sustainable: number): { schedule: RateSegment[]; does: string } };
  /** Peak guard rules the workers run with, scaled to the profile's baseline. */
  peak: { enterPerMinute: number; enterWindowSeconds: number; exitPerMinute: number; cooldownSeconds: number };
}

const PLENTY = 1_000_000_000;
/** A rate no pipeline here keeps up with: the feeder offers as fast as admission lets it. */
export const SATURATING_RATE = 1_000_000;
/** The two SKUs most baskets hold: the flash sale's hot items. */
const HOT_SKUS = new Set<string>(DEMO_CATALOGUE.filter((c) => c.price !== '0.00').slice(0, 2).map((c) => c.sku));

/** A load profile's rate schedule and settings; every default run ends within about 5 minutes here. */
export function loadProfile(name: ProfileName, o: ProfileOptions): LoadProfile {
  const profile = builtInProfile(name, o);
  if (!o.stages || o.stages.length === 0) return profile;
  if (name === 'overload') throw new Error('--stages: the overload profile offers twice the sustainable rate; give --sustainable instead');
  const schedule = o.stages.map((seg) => ({ ...seg, seconds: Math.max(1, Math.round(seg.seconds * o.timeScale)) }));
  return withWholeRun({ ...profile, does: `${profile.does.split(':')[0]}, on the given stages: ${schedule.map((seg) => `${seg.seconds} s to ${seg.to}/s`).join(', ')}`, schedule });
}

/**
 * Ramp stages as k6 writes them, `DURATION:TARGET` comma-separated (`30s:20,1m:1000,2m:1000,30s:0`):
 * each stage moves the rate linearly from the previous target (0 before the first) to its own.
 */
export function parseStages(text: string): RateSegment[] {
  let from = 0;
  return text.split(',').map((part, i) => {
    const match = /^\s*(\d+(?:\.\d+)?)(s|m|h)?:(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match) throw new Error(`stage ${i + 1}: expected DURATION:TARGET such as 30s:20 or 2m:1000, got ${JSON.stringify(part)}`);
    const seconds = Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
    const to = Number(match[3]);
    if (seconds <= 0) throw new Error(`stage ${i + 1}: the duration must be above 0, got ${JSON.stringify(part)}`);
    const seg = { seconds, from, to };
    from = to;
    return seg;
  });
}

function builtInProfile(name: ProfileName, o: ProfileOptions): LoadProfile {
  const s = (seconds: number): number => Math.max(1, Math.round(seconds * o.timeScale));
  const b = o.baseRate;
  const peak = { enterPerMinute: b * 60 * 3, enterWindowSeconds: s(15), exitPerMinute: b * 60 * 2, cooldownSeconds: s(20) };
  const steady = (seconds: number, rate: number): RateSegment => ({ seconds: s(seconds), from: rate, to: rate });
  switch (name) {
    case 'baseline':
      return withWholeRun({ name, does: `a steady day: ${b} orders/s`, schedule: [steady(120, b)], stock: () => PLENTY, peak });
    case 'peak50x':
      return withWholeRun({
        name,
        does: `baseline ${b}/s, ramp to 50x (${b * 50}/s), hold, ramp down, baseline again`,
        schedule: [steady(30, b), { seconds: s(30), from: b, to: b * 50 }, steady(60, b * 50), { seconds: s(30), from: b * 50, to: b }, steady(60, b)],
        stock: () => PLENTY,
        peak,
      });
    case 'flash':
      return withWholeRun({
        name,
        does: `a flash sale: ${b}/s, then ${b * 10}/s for a minute on hot SKUs whose stock runs out`,
        schedule: [steady(20, b), steady(60, b * 10), steady(30, b)],
        stock: (sku) => (HOT_SKUS.has(sku) ? Math.round(b * 10 * 30 * o.timeScale) : PLENTY),
        peak,
      });
    case 'mixed':
      return withWholeRun({
        name,
        does: `a busy day at ${b * 2} messages/s: all channels in realistic shares, promotions, a fifth arriving unpaid (paid or cancelled later), and cancellations, refunds and address changes of paid orders`,
        // Under the peak guard's threshold (3x the baseline): a busy day, not a sale.
        schedule: [steady(120, b * 2)],
        feed: 'mixed',
        stock: () => PLENTY,
        peak,
      });
    case 'overload': {
      const overload = (sustainable: number): RateSegment => steady(120, sustainable * 2);
      if (o.sustainable === 'auto') {
        // The lead-in saturates the pipeline (admission holds intake at the core backlog limit),
        // so what the core completes is what it sustains, measured in the same run and on the
        // same busy machine as the overload it is compared with.
        // At least 30 s whatever the time scale: the peak guard must have settled before the
        // rate read over its last two thirds is the one the overload is compared with.
        const leadIn = { seconds: Math.max(30, s(40)), from: SATURATING_RATE, to: SATURATING_RATE };
        return {
          name,
          does: `as fast as admission lets for ${leadIn.seconds} s (measuring the sustainable rate), then twice that rate for ${overload(1).seconds} s`,
          schedule: [leadIn],
          measured: { from: leadIn.seconds, to: leadIn.seconds + overload(1).seconds },
          calibrate: {
            seconds: leadIn.seconds,
            then: (sustainable) => ({
              schedule: [overload(sustainable)],
              does: `as fast as admission lets for ${leadIn.seconds} s: the core sustained ${sustainable}/s; then twice that (${sustainable * 2}/s) for ${overload(1).seconds} s`,
            }),
          },
          stock: () => PLENTY,
          peak,
        };
      }
      // A lead-in at the given sustainable rate warms the pipeline and shows, in the same run,
      // whether the rate is sustainable here; goodput is measured over the overload that follows.
      const schedule = [steady(30, o.sustainable), overload(o.sustainable)];
      return {
        name,
        does: `${o.sustainable}/s (the sustainable rate) for ${schedule[0]!.seconds} s, then twice it (${o.sustainable * 2}/s) for ${schedule[1]!.seconds} s`,
        schedule,
        measured: { from: schedule[0]!.seconds, to: schedule[0]!.seconds + schedule[1]!.seconds },
        stock: () => PLENTY,
        peak,
      };
    }
    default: {
      const never: never = name;
      throw new Error(`unknown profile ${String(never)}`);
    }
  }
}

function withWholeRun(p: Omit<LoadProfile, 'measured'>): LoadProfile {
  return { ...p, measured: { from: 0, to: p.schedule.reduce((n, seg) => n + seg.seconds, 0) } };
}
