import { headers } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { HEADERS } from './messages.ts';
import type { Names } from './names.ts';
import { isStageName, type StageName } from './pipeline.ts';

/** A message a stage could not process, kept with its original payload so it can be replayed. */
export interface DeadLetter {
  seq: number;
  stage: StageName;
  /** Subject the message had; replay publishes it there again. */
  subject: string;
  error: string;
  attempts: number;
  failedAt: string;
  payload: Uint8Array;
  /** The shop account of an ingest message (its `Os-Shop` header), kept so a replay lands in the same shop. */
  shop?: string;
  /**
   * Set when the payload is a platform's after-sale record (of `channel`, polled for `shop`), not
   * the stage's own message: replay hands it back to the after-sale path, never to `subject`.
   */
  aftersale?: { channel: string };
}

/** Headers of the dead letters only: what the payload is, when it is not its stage's message. */
export const DEAD_LETTER_HEADERS = { kind: 'Os-Kind', channel: 'Os-Channel' } as const;
const AFTERSALE_KIND = 'aftersale-record';
// Written by the after-sale poller before dead letters recorded their kind (issue 19).
const LEGACY_AFTERSALE_ERROR = 'after-sale record: ';

/** A dead letter's payload cannot go where replay was asked to put it. */
export class DeadLetterReplayError extends Error {
  constructor(
    readonly seq: number,
    message: string,
  ) {
    super(`dead letter #${seq}: ${message}`);
    this.name = 'DeadLetterReplayError';
  }
}

/** Stores a failed message in the dead-letter stream with its stage, error and attempt count. */
export async function publishDeadLetter(
  js: JetStreamClient,
  names: Names,
  letter: Omit<DeadLetter, 'seq' | 'failedAt'>,
): Promise<void> {
  const h = headers();
  h.set(HEADERS.stage, letter.stage);
  h.set(HEADERS.subject, letter.subject);
  // Header values are one line; an error message may not be.
  h.set(HEADERS.error, letter.error.replace(/[\r\n]+/g, ' ').slice(0, 2000));
  h.set(HEADERS.attempts, String(letter.attempts));
  h.set(HEADERS.failedAt, new Date().toISOString());
  if (letter.shop) h.set(HEADERS.shop, letter.shop);
  if (letter.aftersale) {
    h.set(DEAD_LETTER_HEADERS.kind, AFTERSALE_KIND);
    h.set(DEAD_LETTER_HEADERS.channel, letter.aftersale.channel);
  }
  await js.publish(names.deadLetterSubject(letter.stage), letter.payload, { headers: h });
}

function fromJsMsg(msg: JsMsg): DeadLetter {
  const header = msg.headers;
  const get = (name: string): string => header?.get(name) ?? '';
  const stage = get(HEADERS.stage);
  const shop = get(HEADERS.shop);
  const subject = get(HEADERS.subject);
  const error = get(HEADERS.error);
  const aftersale =
    get(DEAD_LETTER_HEADERS.kind) === AFTERSALE_KIND
      ? { channel: get(DEAD_LETTER_HEADERS.channel) }
      : stage === 'ingest' && shop && error.startsWith(LEGACY_AFTERSALE_ERROR)
        ? { channel: subject.slice(subject.lastIndexOf('.') + 1) }
        : undefined;
  return {
    seq: msg.seq,
    stage: isStageName(stage) ? stage : 'ingest',
    subject: get(HEADERS.subject),
    error: get(HEADERS.error),
    attempts: Number(get(HEADERS.attempts) || 0),
    failedAt: get(HEADERS.failedAt),
    payload: msg.data,
    ...(shop ? { shop } : {}),
    ...(aftersale ? { aftersale } : {}),
  };
}

/** Lists stored dead letters, oldest first, optionally of one stage. */
export async function listDeadLetters(
  js: JetStreamClient,
  jsm: JetStreamManager,
  names: Names,
  opts: { stage?: StageName; limit?: number } = {},
): Promise<DeadLetter[]> {
  const info = await jsm.streams.info(names.deadLetterStream);
  const wanted = Math.min(opts.limit ?? Number.POSITIVE_INFINITY, info.state.messages);
  if (wanted === 0) return [];
  // An ordered consumer reads the stream without changing it and disappears afterwards.
  const reader = await js.consumers.get(names.deadLetterStream, {
    filter_subjects: opts.stage ? names.deadLetterSubject(opts.stage) : `${names.namespace}.dlq.*`,
  });
  const letters: DeadLetter[] = [];
  while (letters.length < wanted) {
    const msg = await reader.next({ expires: 1000 });
    if (!msg) break;
    letters.push(fromJsMsg(msg));
    if (msg.info.pending === 0) break;
  }
  return letters;
}

/**
 * Publishes dead letters back to the subject they failed on and removes them from the
 * dead-letter stream. Returns the replayed letters. An after-sale record is refused
 * (`DeadLetterReplayError`): on its subject it would fail again as an order; it goes back through
 * the after-sale path (`replayAftersaleLetters`).
 */
export async function replayDeadLetters(
  js: JetStreamClient,
  jsm: JetStreamManager,
  names: Names,
  letters: readonly DeadLetter[],
): Promise<DeadLetter[]> {
  const replayed: DeadLetter[] = [];
  const aftersale = letters.find((l) => l.aftersale);
  if (aftersale) throw new DeadLetterReplayError(aftersale.seq, 'an after-sale record: it is replayed to the after-sale path, not to its subject');
  for (const letter of letters) {
    // A fresh id: the original one may still sit in the stage stream's duplicate window.
    const h = headers();
    if (letter.shop) h.set(HEADERS.shop, letter.shop);
    await js.publish(letter.subject, letter.payload, { msgID: `replay:${names.deadLetterStream}:${letter.seq}`, ...(letter.shop ? { headers: h } : {}) });
    await jsm.streams.deleteMessage(names.deadLetterStream, letter.seq);
    replayed.push(letter);
  }
  return replayed;
}

/** Removes one dead letter, once what it held has been taken up elsewhere. */
export async function deleteDeadLetter(jsm: JetStreamManager, names: Names, seq: number): Promise<void> {
  await jsm.streams.deleteMessage(names.deadLetterStream, seq);
}

export async function deadLetterCount(jsm: JetStreamManager, names: Names): Promise<number> {
  const info = await jsm.streams.info(names.deadLetterStream);
  return info.state.messages;
}
