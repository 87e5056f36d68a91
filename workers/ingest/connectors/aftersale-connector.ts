import { advanceAftersaleCursor, ensureAftersaleCursor, recordAftersalePollFailure, storePlatformTicket } from '../../../sql/queries/platform-aftersales.ts';
import { orderIdOf, type Channel } from '../../../streams/canonical-order.ts';
import { publishDeadLetter } from '../../../streams/dead-letter.ts';
import { errorText } from '../../error-text.ts';
import { sleep } from '../../sleep.ts';
import { normalizeAftersale } from '../adapters/normalize-aftersale.ts';
import { applyPendingTickets } from './aftersale-sync.ts';
import { floorToSecond } from './china-clock.ts';
import { countFailedPoll, type PullDeps, type PullSettings, type PullTarget } from './pull-connector.ts';

/** What an after-sale poller did since it started, for tests and the log. */
export interface AftersaleStats {
  channel: Channel;
  shop: string;
  polls: number;
  /** Records read, every version (re-reads by the overlap included). */
  records: number;
  /** Versions stored for the first time or replacing an older one. */
  stored: number;
  /** Versions older than the one stored: overtaken, ignored. */
  stale: number;
  /** Records the normaliser could not read: dead-lettered, naming the field. */
  unreadable: number;
  created: number;
  moved: number;
  /** Records whose order has not arrived yet, at the last poll. */
  waiting: number;
  /** Moves the ticket could not make: recorded on the record, logged, not applied. */
  refused: number;
  failures: number;
  consecutiveFailures: number;
  cursorAt: Date | undefined;
  lastError: string | undefined;
}

/** Zeroed stats of an after-sale poller about to start. */
export function newAftersaleStats(channel: Channel, shop: string): AftersaleStats {
  return { channel, shop, polls: 0, records: 0, stored: 0, stale: 0, unreadable: 0, created: 0, moved: 0, waiting: 0, refused: 0, failures: 0, consecutiveFailures: 0, cursorAt: undefined, lastError: undefined };
}

const encoder = new TextEncoder();

/**
 * Polls a shop's after-sale records once, the way `pollOnce` polls its orders: from the feed's own
 * cursor to now in windows of the platform's longest span, each starting `overlapMs` early, the
 * cursor stored after each complete window. Every record is read by its platform's normaliser and
 * its version stored (an older version than the stored one is ignored: a later platform update
 * overtakes); an unreadable one goes to the dead letters (stage ingest) with its field errors.
 * Then every stored version not yet applied is applied to its ticket (`applyPendingTickets`).
 */
export async function pollAftersalesOnce(target: PullTarget, settings: PullSettings, deps: PullDeps, stats: AftersaleStats, signal: AbortSignal): Promise<void> {
  const { channel, shop, api } = target;
  if (!api.aftersalesModified) return;
  const nowMs = floorToSecond(deps.now?.() ?? Date.now());
  let cursorMs = floorToSecond((await ensureAftersaleCursor(deps.db, channel, shop, new Date(nowMs - settings.initialLookbackMs))).getTime());
  stats.cursorAt = new Date(cursorMs);
  const step = api.maxWindowMs - settings.overlapMs;
  while (cursorMs < nowMs) {
    const toMs = Math.min(nowMs, cursorMs + step);
    let stored = 0;
    for await (const page of api.aftersalesModified({ fromMs: cursorMs - settings.overlapMs, toMs }, signal)) {
      if (signal.aborted) return;
      for (const raw of page) {
        stats.records++;
        const read = normalizeAftersale(channel, raw);
        if (!read.ok) {
          stats.unreadable++;
          const problems = read.errors.map((e) => `${e.path || 'record'}: ${e.message}`).join('; ');
          deps.log(`connector ${channel}/${shop}: an after-sale record is unreadable (${problems}); dead-lettered`);
          await publishDeadLetter(deps.js, deps.names, {
            stage: 'ingest',
            subject: deps.names.stageSubject('ingest', channel),
            error: `after-sale record: ${problems}`,
            attempts: 0,
            payload: encoder.encode(JSON.stringify(raw)),
            shop,
            // Replayed to the after-sale path (`dlq replay`), not to ingest's subject.
            aftersale: { channel },
          });
          continue;
        }
        const version = await storePlatformTicket(deps.db, shop, orderIdOf(channel, read.ticket.externalOrderId), read.ticket);
        if (version === 'new' || version === 'newer') stored++;
        if (version === 'stale') {
          stats.stale++;
          deps.log(`connector ${channel}/${shop}: after-sale ${read.ticket.platformTicketId} version ${new Date(read.ticket.modifiedAtMs).toISOString()} is older than the one stored: ignored`);
        }
      }
    }
    if (signal.aborted) return;
    await advanceAftersaleCursor(deps.db, channel, shop, new Date(toMs), stored);
    stats.stored += stored;
    cursorMs = toMs;
    stats.cursorAt = new Date(toMs);
  }
  const counts = await applyPendingTickets(deps.db, shop, deps.log);
  stats.created += counts.created;
  stats.moved += counts.moved;
  stats.refused += counts.refused;
  stats.waiting = counts.waiting;
  stats.polls++;
}

/**
 * Polls `target`'s after-sales every `intervalMs` until `signal` aborts; a failed poll is counted
 * in Postgres (`aftersale_cursors`), logged as an ALERT line and retried with backoff from the
 * same cursor, as the order poller does. Backpressure does not hold it: after-sales do not enter
 * the order pipeline.
 */
export async function runAftersaleConnector(target: PullTarget, settings: PullSettings, deps: PullDeps, stats: AftersaleStats, signal: AbortSignal): Promise<void> {
  const who = `${target.channel}/${target.shop}`;
  let attempt = 0;
  while (!signal.aborted) {
    try {
      await pollAftersalesOnce(target, settings, deps, stats, signal);
      attempt = 0;
      stats.consecutiveFailures = 0;
      await sleep(settings.intervalMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      attempt++;
      const { message, retryMs } = countFailedPoll(stats, attempt, error, settings);
      await recordAftersalePollFailure(deps.db, target.channel, target.shop, message).catch((dbError: unknown) => deps.log(`connector ${who}: could not record the after-sale poll's failure: ${errorText(dbError)}`));
      deps.log(`ALERT connector ${who}: after-sale poll failed (${attempt} in a row); retrying in ${(retryMs / 1000).toFixed(1)} s: ${message}`);
      await sleep(retryMs, signal);
    }
  }
}
