import type { z } from 'zod';
import type { Db } from '../sql/database.ts';
import type { Channel } from '../streams/canonical-order.ts';
import type { Downstream } from '../streams/messages.ts';
import type { StageName } from '../streams/pipeline.ts';
import type { PeakView } from './peak/peak-guard.ts';
import type { TaskPool } from './task-pool.ts';

/** One message handed to a stage, decoded. */
export interface Delivery<T> {
  body: T;
  subject: string;
  /** Last token of the subject: the channel the order came from. */
  channel: string;
  /** 1 on first delivery. */
  attempt: number;
  /** The shop account of an ingest message, when a connector named one (the `Os-Shop` header). */
  shop?: string;
}

/**
 * What became of one message. The runner acks `done` only after its downstream messages are
 * stored; `retry` is redelivered with backoff until the delivery limit, then dead-lettered;
 * `dead` goes to the dead-letter stream at once. `wait` is handed back for `delayMs` without
 * spending a delivery attempt: the message is fine and nothing was tried, an outside service it
 * needs is behind an open circuit breaker (its waits are counted apart, `message-waits.ts`).
 */
export type Outcome =
  | { kind: 'done'; publish: Downstream[] }
  | { kind: 'retry'; error: string }
  | { kind: 'dead'; error: string }
  | { kind: 'wait'; delayMs: number; reason: string };

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** What stages need to know of the configuration, and nothing more. */
export interface StageSettings {
  /** The default e-waybill API: carriers without one of their own are asked here. */
  carrierUrl: string;
  /** E-waybill APIs of carriers with their own, by carrier code (`ORDERSURGE_CARRIER_URLS`). */
  carrierUrls: Readonly<Record<string, string>>;
  /** The SMS gateway. */
  smsUrl: string;
  /** The WMS's pick-task API. */
  wmsUrl: string;
  /** The electronic invoice service (`POST /invoices/batch`). */
  invoiceUrl: string;
  /** Each marketplace's API: its buyer-message endpoint reaches a buyer whose number it masks. */
  platformUrls: Partial<Record<Channel, string>>;
  /** Merge (合单) window in seconds; 0 switches merging off. */
  mergeWindowSeconds: number;
}

/** Everything a stage may touch; the runner owns it all. */
export interface StageContext {
  db: Db;
  pool: TaskPool;
  settings: StageSettings;
  /** Peak mode as this process sees it: non-core work is deferred while it is on. */
  peak: PeakView;
  log: (line: string) => void;
}

/** A stage supplies only this: how to read its messages and how to handle a batch of them. */
export interface Stage<T> {
  name: StageName;
  decode(data: Uint8Array): Decoded<T>;
  /**
   * What the dead-letter stream keeps of a message of this stage (the message as it is when
   * absent). Ingest seals it: a raw payload holds the buyer's contact in clear. `decode` must
   * read what this returns, since a replay publishes it back as it was kept.
   */
  deadLetterBody?(data: Uint8Array): Uint8Array;
  /**
   * Returns one outcome per delivery, in order. Throwing fails the batch: the runner retries it
   * together when a server is out of reach, else tries each message alone (see `error-class.ts`).
   */
  handle(batch: readonly Delivery<T>[], ctx: StageContext): Promise<Outcome[]>;
  /**
   * Resolves when the stage may take more messages; the runner awaits it before every pull. A
   * stage behind an outside service's open circuit breaker waits here, so its messages stay in
   * the stream, spending no delivery attempts, until the breaker closes.
   */
  readyToPull?(ctx: StageContext, signal: AbortSignal): Promise<void>;
}

export const done = (publish: Downstream[] = []): Outcome => ({ kind: 'done', publish });

const decoder = new TextDecoder();

/** Decodes a JSON message body and checks it with a schema's `safeParse`. */
export function decodeJson<T>(data: Uint8Array, schema: z.ZodType<T>): Decoded<T> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch (error) {
    return { ok: false, error: `body: not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    error: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; '),
  };
}
