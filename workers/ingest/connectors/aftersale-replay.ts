import type { JetStreamManager } from '@nats-io/jetstream';
import type { Db } from '../../../sql/database.ts';
import { storePlatformTicket, type StoredVersion } from '../../../sql/queries/platform-aftersales.ts';
import { channelSchema, orderIdOf } from '../../../streams/canonical-order.ts';
import { deleteDeadLetter, type DeadLetter } from '../../../streams/dead-letter.ts';
import type { Names } from '../../../streams/names.ts';
import { normalizeAftersale } from '../adapters/normalize-aftersale.ts';
import { parsePayload } from '../payload-json.ts';
import { applyPendingTickets, type SyncCounts } from './aftersale-sync.ts';

/** What replaying one after-sale dead letter did. */
export type AftersaleLetterOutcome =
  /** Read and stored (`version`: as `storePlatformTicket` found it); the letter is removed. */
  | { seq: number; kind: 'stored'; shop: string; platformTicketId: string; version: StoredVersion }
  /** Still unreadable (or naming no shop or after-sale channel): the letter stays, with the problems. */
  | { seq: number; kind: 'unreadable'; problems: string };

/** What `replayAftersaleLetters` did: each letter's outcome, and what applying the shops' records did. */
export interface AftersaleReplay {
  outcomes: AftersaleLetterOutcome[];
  applied: SyncCounts;
}

const decoder = new TextDecoder();

/**
 * Reads an after-sale dead letter again, pure: the record's ticket, or why it still cannot be read.
 * `payload` replaces the stored one (an operator's corrected record).
 */
export function readAftersaleLetter(letter: DeadLetter, payload: Uint8Array = letter.payload) {
  const channel = channelSchema.safeParse(letter.aftersale?.channel);
  if (!channel.success) return { ok: false as const, problems: `channel: ${JSON.stringify(letter.aftersale?.channel)} is not a channel` };
  if (!letter.shop) return { ok: false as const, problems: 'shop: the dead letter names no shop account' };
  let raw: unknown;
  try {
    // Lossless: an operator's corrected Shopify refund may carry its 64-bit id as a JSON number.
    raw = parsePayload(decoder.decode(payload));
  } catch (error) {
    return { ok: false as const, problems: `record: not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const read = normalizeAftersale(channel.data, raw);
  if (!read.ok) return { ok: false as const, problems: read.errors.map((e) => `${e.path || 'record'}: ${e.message}`).join('; ') };
  return { ok: true as const, channel: channel.data, shop: letter.shop, ticket: read.ticket };
}

/**
 * Replays after-sale dead letters through the after-sale path, as the poller would have taken
 * them: each record is read again by its platform's normaliser (with `payloads[seq]` instead of
 * the stored payload when given) and its version stored in `platform_aftersales` (an older
 * version than the one stored is ignored, the same version stores nothing), then the letter is
 * removed; then every pending record of the shops involved is applied to its ticket through the
 * same idempotent code as a poll (`applyPendingTickets`), so a replay twice, or a replay of a
 * record the poller has since read, makes nothing twice. A record still unreadable stays in the
 * dead letters, replayable once its cause is fixed.
 */
export async function replayAftersaleLetters(
  db: Db,
  jsm: JetStreamManager,
  names: Names,
  letters: readonly DeadLetter[],
  log: (line: string) => void,
  payloads: ReadonlyMap<number, Uint8Array> = new Map(),
): Promise<AftersaleReplay> {
  const outcomes: AftersaleLetterOutcome[] = [];
  const shops = new Set<string>();
  for (const letter of letters) {
    const read = readAftersaleLetter(letter, payloads.get(letter.seq));
    if (!read.ok) {
      outcomes.push({ seq: letter.seq, kind: 'unreadable', problems: read.problems });
      continue;
    }
    const version = await storePlatformTicket(db, read.shop, orderIdOf(read.channel, read.ticket.externalOrderId), read.ticket);
    // Stored before removed: a failure between the two leaves a letter whose replay stores nothing new.
    await deleteDeadLetter(jsm, names, letter.seq);
    shops.add(read.shop);
    outcomes.push({ seq: letter.seq, kind: 'stored', shop: read.shop, platformTicketId: read.ticket.platformTicketId, version });
  }
  const applied: SyncCounts = { created: 0, moved: 0, waiting: 0, refused: 0 };
  for (const shop of shops) {
    const counts = await applyPendingTickets(db, shop, log);
    applied.created += counts.created;
    applied.moved += counts.moved;
    applied.waiting += counts.waiting;
    applied.refused += counts.refused;
  }
  return { outcomes, applied };
}
