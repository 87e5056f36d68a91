import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { listDeadLetters, type DeadLetter } from '../../streams/dead-letter.ts';
import { replayDeadLettersWhereTheyBelong } from '../../workers/dead-letter-replay.ts';
import type { StageName } from '../../streams/pipeline.ts';
import { loadConfig } from '../config.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { isSealedBody, openBody } from '../../streams/pii/sealed-body.ts';
import { maskPhonesIn } from '../../workers/ingest/adapters/phone.ts';
import { maskedPayload } from '../masked-payload.ts';
import { action, InputError, intOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { TEXT_WIDTH, wrapLines } from '../text-cell.ts';
import { timeJson, timeText } from '../time-display.ts';
import { parseStages } from './worker.ts';

const decoder = new TextDecoder();

/** A dead letter as printed: the payload (opened if sealed) with buyers' phones, names and streets masked, phones in the reason too (replay uses the stored one). */
export function letterView(l: DeadLetter) {
  return { seq: l.seq, stage: l.stage, subject: l.subject, aftersale: l.aftersale ? { channel: l.aftersale.channel, shop: l.shop ?? null } : null, error: maskPhonesIn(l.error), attempts: l.attempts, failedAt: failedAt(l, timeJson), payload: shownPayload(l.payload) };
}

/** When it failed, in the display zone; a letter without the header (written by hand) shows what it has. */
function failedAt(l: DeadLetter, format: (at: string) => string): string {
  return Number.isNaN(Date.parse(l.failedAt)) ? l.failedAt : format(l.failedAt);
}

/** Ingest's dead letters keep the raw payload sealed: shown opened, then masked like any other. */
function shownPayload(payload: Uint8Array): string {
  if (!isSealedBody(payload)) return maskedPayload(decoder.decode(payload));
  try {
    return maskedPayload(decoder.decode(openBody(payload, processPiiKeyring())));
  } catch (error) {
    return `(sealed; cannot open it here: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** An operator's corrected payload: read whole, checked to be JSON here rather than after connecting. */
async function readPayloadFile(file: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`--payload: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    JSON.parse(text);
  } catch (error) {
    throw new InputError(`--payload: ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new TextEncoder().encode(text);
}

const oneStage = (value: string): StageName => {
  const stages = parseStages(value);
  if (stages.length !== 1) throw new InputError('--stage: name one stage');
  return stages[0]!;
};

export function dlqCommand(): Command {
  const dlq = new Command('dlq').description('dead letters: messages a stage could not process, kept with their reason');
  dlq
    .command('list')
    .description('list dead letters, oldest first')
    .option('--stage <stage>', 'only this stage', oneStage)
    .option('--limit <n>', 'at most this many', intOption('--limit'), 100)
    .option('--json', 'print JSON (with the payloads; failedAt ISO-8601 with offset)')
    .action(
      action(async (opts: { stage?: StageName; limit: number; json?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { bus: true });
        try {
          const letters = await listDeadLetters(conn.bus!.js, conn.bus!.jsm, conn.names, { limit: opts.limit, ...(opts.stage ? { stage: opts.stage } : {}) });
          if (opts.json) console.log(JSON.stringify(letters.map(letterView), null, 2));
          else if (letters.length === 0) console.log('no dead letters');
          else for (const l of letters) console.log([`#${l.seq}  ${failedAt(l, timeText)}  ${l.stage}${l.aftersale ? ` (after-sale record ${l.aftersale.channel}/${l.shop ?? '?'})` : ''}  attempts ${l.attempts}`, ...wrapLines(maskPhonesIn(l.error), TEXT_WIDTH, '  ')].join('\n'));
        } finally {
          await conn.close();
        }
      }),
    );
  dlq
    .command('replay')
    .description(
      'publish dead letters back to the stage they failed in, and remove them from the dead-letter stream; a platform after-sale record is read again and applied to its ticket as a poll would',
    )
    .option('--seq <seqs>', 'comma-separated sequence numbers (from `dlq list`)')
    .option('--stage <stage>', 'every dead letter of this stage', oneStage)
    .option('--all', 'every dead letter')
    .option('--payload <file>', 'with one --seq of an after-sale record: replay the corrected record in FILE (JSON) instead of the stored one')
    .action(
      action(async (opts: { seq?: string; stage?: StageName; all?: boolean; payload?: string }) => {
        if (!opts.seq && !opts.stage && !opts.all) throw new InputError('say which: --seq N[,N...], --stage STAGE or --all');
        const wanted = opts.seq ? new Set(opts.seq.split(',').map((s) => Number(s.trim()))) : undefined;
        if (wanted && [...wanted].some((n) => !Number.isInteger(n) || n < 1)) throw new InputError(`--seq: sequence numbers are positive integers, got ${JSON.stringify(opts.seq)}`);
        if (opts.payload !== undefined && wanted?.size !== 1) throw new InputError('--payload: name the one dead letter it corrects with --seq N');
        const corrected = opts.payload === undefined ? undefined : await readPayloadFile(opts.payload);
        const conn = await connectRunning(loadConfig(), { bus: true, db: true });
        try {
          const letters = await listDeadLetters(conn.bus!.js, conn.bus!.jsm, conn.names, opts.stage ? { stage: opts.stage } : {});
          const chosen = wanted ? letters.filter((l) => wanted.has(l.seq)) : letters;
          const missing = wanted ? [...wanted].filter((n) => !chosen.some((l) => l.seq === n)) : [];
          if (missing.length) throw new InputError(`--seq: no dead letter ${missing.join(', ')}`);
          if (corrected && !chosen[0]!.aftersale) throw new InputError(`--payload: dead letter #${chosen[0]!.seq} is not an after-sale record; only those can be replayed corrected`);
          // An after-sale record on ingest's subject would fail again as an order: it goes back to the after-sale path.
          const log: string[] = [];
          const payloads = corrected ? new Map([[chosen[0]!.seq, corrected]]) : undefined;
          const { replayed, ordersPutBack, aftersales } = await replayDeadLettersWhereTheyBelong(conn.db!, conn.bus!, conn.names, chosen, (line) => log.push(`  ${line}`), payloads);
          const lines = replayed.length || !aftersales ? [`replayed ${replayed.length} dead letter(s)${ordersPutBack ? `; ${ordersPutBack} order(s) no longer dead_letter exceptions` : ''}`] : [];
          let stillUnreadable = 0;
          if (aftersales) {
            const { outcomes, applied } = aftersales;
            const stored = outcomes.filter((o) => o.kind === 'stored');
            lines.push(`after-sale records: ${stored.length} read and stored (${stored.filter((o) => o.version === 'new' || o.version === 'newer').length} new versions); tickets ${applied.created} created, ${applied.moved} moves, ${applied.waiting} waiting, ${applied.refused} refused`);
            for (const o of outcomes) if (o.kind === 'unreadable') lines.push(`  #${o.seq} still unreadable, left in the dead letters: ${maskPhonesIn(o.problems)}`);
            stillUnreadable = outcomes.length - stored.length;
            lines.push(...log);
          }
          console.log(lines.join('\n'));
          if (stillUnreadable > 0) process.exitCode = 1;
        } finally {
          await conn.close();
        }
      }),
    );
  return dlq;
}
