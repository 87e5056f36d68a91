import type { JetStreamClient } from '@nats-io/jetstream';
import type { Db } from '../../../sql/database.ts';
import { advanceCursor, ensureCursor, recordPollFailure } from '../../../sql/queries/connector-cursors.ts';
import type { Channel } from '../../../streams/canonical-order.ts';
import type { AdmissionGate } from '../../../streams/admission.ts';
import type { Names } from '../../../streams/names.ts';
import { publishDeadLetter } from '../../../streams/dead-letter.ts';
import { maxPayloadBytes, oversizeProblem } from '../../../streams/payload-limit.ts';
import { submitPayload } from '../../../streams/submit.ts';
import { backoff } from '../../backoff.ts';
import { errorText } from '../../error-text.ts';
import { sleep } from '../../sleep.ts';
import { floorToSecond } from './china-clock.ts';
import { ConnectorConfigError } from './connector-errors.ts';
import type { PlatformApi } from './platform-api.ts';

/** How a pull connector polls. */
export interface PullSettings {
  /** Pause between the end of one poll and the start of the next. */
  intervalMs: number;
  /**
   * How far before the cursor every window starts again. Orders a platform shows late (its own
   * replication lag, or a clock behind ours) carry a modified time just before the cursor:
   * re-reading this much catches them. The duplicates it costs are dropped by JetStream and dedupe.
   */
  overlapMs: number;
  /** Where a connector without a cursor starts: this long before its first poll. */
  initialLookbackMs: number;
  /** First retry delay of a failed poll; it doubles up to the interval (and at most a minute). */
  retryBaseMs: number;
}

export const DEFAULT_PULL: PullSettings = {
  intervalMs: 10 * 60_000,
  overlapMs: 2 * 60_000,
  initialLookbackMs: 24 * 3600_000,
  retryBaseMs: 5_000,
};

/** One platform account to poll. */
export interface PullTarget {
  channel: Channel;
  /** The shop account's code; a channel's default account is named after the channel. */
  shop: string;
  api: PlatformApi;
}

export interface PullDeps {
  js: JetStreamClient;
  names: Names;
  db: Db;
  log: (line: string) => void;
  /** The clock; tests pin it to put orders exactly on a window's edge. */
  now?: () => number;
  /** The largest payload published; default the configured one (`ORDERSURGE_MAX_PAYLOAD_BYTES`). */
  maxPayloadBytes?: number;
  /** While it is closed (the core backlog at its limit) the connector does not poll ahead: the orders stay on the platform and the cursor does not move. */
  admission?: AdmissionGate;
}

/** What a connector did since it started, for `status`, the console and tests. */
export interface PullStats {
  channel: Channel;
  shop: string;
  /** Polls that published everything up to their end. */
  polls: number;
  /** Payloads JetStream stored. */
  published: number;
  /** Payloads JetStream had already (re-read by the overlap, or a window read again). */
  duplicates: number;
  /** Orders over the maximum payload: dead-lettered with the reason, never retried. */
  refused: number;
  failures: number;
  consecutiveFailures: number;
  /** Retry-After waits on 429 answers. */
  rateLimitedWaits: number;
  /** Polls not made because the core backlog was at its limit (backpressure). */
  heldPolls: number;
  /** Access tokens refreshed (ahead of expiry, or after the platform said one expired). */
  tokenRefreshes: number;
  /** Refreshes the platform refused: each an ALERT, the shop to be re-authorized. */
  tokenRefreshFailures: number;
  cursorAt: Date | undefined;
  lastError: string | undefined;
}

// Of a payload too large to publish, the dead letter keeps this much: enough to find the order.
const KEPT_OF_OVERSIZE = 64 * 1024;

/**
 * An order too large for the pipeline could never pass however often it is polled, so it goes
 * straight to the dead letters (stage ingest) with the reason, and the window moves on.
 */
async function refuseOversize(deps: PullDeps, channel: Channel, shop: string, body: Uint8Array, problem: string): Promise<void> {
  deps.log(`connector ${channel}/${shop}: an order ${problem}; dead-lettered, not published`);
  await publishDeadLetter(deps.js, deps.names, {
    stage: 'ingest',
    subject: deps.names.stageSubject('ingest', channel),
    error: `body: ${problem} (the dead letter keeps its first ${KEPT_OF_OVERSIZE} bytes)`,
    attempts: 0,
    payload: body.subarray(0, KEPT_OF_OVERSIZE),
    shop,
  });
}

/** Zeroed stats of a connector about to start. */
export function newPullStats(channel: Channel, shop: string): PullStats {
  return { channel, shop, polls: 0, published: 0, duplicates: 0, refused: 0, failures: 0, consecutiveFailures: 0, rateLimitedWaits: 0, heldPolls: 0, tokenRefreshes: 0, tokenRefreshFailures: 0, cursorAt: undefined, lastError: undefined };
}

/** Refuses settings with which a connector could not advance; the message names the setting. */
export function checkPullSettings(settings: PullSettings, api: PlatformApi): void {
  if (settings.overlapMs < 0) throw new ConnectorConfigError(`overlap: must not be negative, got ${settings.overlapMs} ms`);
  if (settings.overlapMs >= api.maxWindowMs) {
    throw new ConnectorConfigError(
      `overlap: ${settings.overlapMs / 1000} s leaves no room in ${api.channel}'s longest window (${api.maxWindowMs / 1000} s): choose a shorter overlap`,
    );
  }
  if (settings.intervalMs < 0 || settings.retryBaseMs <= 0) throw new ConnectorConfigError('interval and retry base: must be positive');
}

const encoder = new TextEncoder();

/**
 * Polls once from the stored cursor up to now: windows of the platform's longest span, each
 * starting `overlapMs` before the cursor, every page published and acked by JetStream before the
 * next is fetched (and only while admission lets intake in), and the cursor stored after each
 * complete window, never before. A failure
 * anywhere leaves the cursor where the last complete window put it, so the next attempt reads
 * the failed window again from its start.
 */
export async function pollOnce(target: PullTarget, settings: PullSettings, deps: PullDeps, stats: PullStats, signal: AbortSignal): Promise<void> {
  const { channel, shop, api } = target;
  const nowMs = floorToSecond(deps.now?.() ?? Date.now());
  const cursor = await ensureCursor(deps.db, channel, shop, new Date(nowMs - settings.initialLookbackMs));
  let cursorMs = floorToSecond(cursor.cursorAt.getTime());
  stats.cursorAt = cursor.cursorAt;
  const step = api.maxWindowMs - settings.overlapMs;
  const maxBytes = deps.maxPayloadBytes ?? maxPayloadBytes();
  while (cursorMs < nowMs) {
    const toMs = Math.min(nowMs, cursorMs + step);
    let published = 0;
    for await (const page of api.ordersModified({ fromMs: cursorMs - settings.overlapMs, toMs }, signal)) {
      // A window that has piled up at the platform (intake held, or a long outage) can hold tens
      // of thousands of orders: the gate is asked before every page, so intake stops within a page.
      await deps.admission?.waitForRoom(signal);
      if (signal.aborted) return;
      const bodies = page.map((payload) => encoder.encode(JSON.stringify(payload)));
      const acks = await Promise.all(
        bodies.map(async (body) => {
          const oversize = oversizeProblem(body.byteLength, maxBytes);
          if (oversize === undefined) return submitPayload(deps.js, deps.names, channel, body, shop);
          await refuseOversize(deps, channel, shop, body, oversize);
          stats.refused++;
          return undefined;
        }),
      );
      let added = 0;
      for (const ack of acks) {
        if (ack === undefined) continue;
        if (ack.duplicate) {
          stats.duplicates++;
        } else {
          added++;
          stats.published++;
        }
      }
      published += added;
      deps.admission?.admitted(added);
    }
    // Stopped mid-window: what was read is published, but the window is not complete.
    if (signal.aborted) return;
    await advanceCursor(deps.db, channel, shop, new Date(toMs), published);
    cursorMs = toMs;
    stats.cursorAt = new Date(toMs);
  }
  stats.polls++;
}

/** A poller's failure counters: the order poller's and the after-sale poller's. */
export type PollFailures = Pick<PullStats, 'failures' | 'consecutiveFailures' | 'lastError'>;

/**
 * Counts a failed poll, the `attempt`th in a row, in `stats`, and says how long to wait before
 * the same cursor is polled again: backoff from `retryBaseMs`, never longer than the interval.
 */
export function countFailedPoll(stats: PollFailures, attempt: number, error: unknown, settings: PullSettings): { message: string; retryMs: number } {
  const message = errorText(error);
  stats.failures++;
  stats.consecutiveFailures = attempt;
  stats.lastError = message;
  return { message, retryMs: Math.min(backoff(attempt, settings.retryBaseMs), Math.max(settings.intervalMs, settings.retryBaseMs)) };
}

/**
 * Polls `target` every `intervalMs` until `signal` aborts. A failed poll is never skipped: it is
 * counted in Postgres (`connector_cursors.failures`, `consecutive_failures`, `last_error`),
 * logged as an ALERT line, and retried with backoff from the same cursor.
 */
export async function runPullConnector(target: PullTarget, settings: PullSettings, deps: PullDeps, stats: PullStats, signal: AbortSignal): Promise<void> {
  checkPullSettings(settings, target.api);
  const who = `${target.channel}/${target.shop}`;
  let attempt = 0;
  let holding = false;
  while (!signal.aborted) {
    const admission = await deps.admission?.check().catch(() => undefined);
    if (admission && !admission.open) {
      if (!holding) deps.log(`connector ${who}: holding: the core backlog is ${admission.coreBacklog} (limit ${admission.limit}); orders stay on the platform, the cursor stays`);
      holding = true;
      stats.heldPolls++;
      await sleep(settings.intervalMs, signal);
      continue;
    }
    if (holding) deps.log(`connector ${who}: the core backlog is under its limit again: polling`);
    holding = false;
    try {
      await pollOnce(target, settings, deps, stats, signal);
      if (attempt > 0) deps.log(`connector ${who}: poll succeeded after ${attempt} failure(s); cursor at ${stats.cursorAt?.toISOString()}`);
      attempt = 0;
      stats.consecutiveFailures = 0;
      await sleep(settings.intervalMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      attempt++;
      const { message, retryMs } = countFailedPoll(stats, attempt, error, settings);
      try {
        await recordPollFailure(deps.db, target.channel, target.shop, message);
      } catch (dbError) {
        deps.log(`connector ${who}: could not record the failure in Postgres: ${errorText(dbError)}`);
      }
      deps.log(
        `ALERT connector ${who}: poll failed (${attempt} in a row); cursor stays at ${stats.cursorAt?.toISOString() ?? 'its start'}; retrying in ${(retryMs / 1000).toFixed(1)} s: ${message}`,
      );
      await sleep(retryMs, signal);
    }
  }
}
