import { z } from 'zod';
import { formatChinaIso } from '../china-clock.ts';
import type { PlatformApi } from '../platform-api.ts';
import type { PlatformHttp } from '../platform-http.ts';

const TICKETS = '/api/tickets';
const DAILY_COUNT = '/api/tickets/daily-count';
const PAGE_MAX = 500;
const DAY_MS = 24 * 3600_000;

const ticketsAnswer = z.object({ tickets: z.array(z.record(z.string(), z.unknown())), next: z.string().nullable() });
const countAnswer = z.object({ count: z.number().int().nonnegative(), ticketIds: z.array(z.string()).optional() });

/**
 * The store tills' back office (ours): tickets by modified time, keyset-paged with `after`, and
 * a daily count that lists the ticket ids (`STORE-TICKET`, the pos external id).
 */
export function posApi(http: PlatformHttp, pageSize = PAGE_MAX): PlatformApi {
  return {
    channel: 'pos',
    maxWindowMs: DAY_MS,
    async *ordersModified(window, signal) {
      let after: string | null = null;
      do {
        const query: Record<string, string | number> = { modified_from: formatChinaIso(window.fromMs), modified_to: formatChinaIso(window.toMs), limit: pageSize };
        if (after !== null) query.after = after;
        const { body } = await http.get(TICKETS, query, signal);
        const answer = http.parse(ticketsAnswer, body, `GET ${TICKETS}`);
        yield answer.tickets;
        after = answer.next;
      } while (after !== null);
    },
    async ordersCreated(day, signal) {
      const { body } = await http.get(DAILY_COUNT, { date: day.date }, signal);
      const answer = http.parse(countAnswer, body, `GET ${DAILY_COUNT}`);
      return { count: answer.count, externalIds: answer.ticketIds };
    },
  };
}
