import { Command } from 'commander';
import { readInput } from '../read-input.ts';
import { channelSchema } from '../../streams/canonical-order.ts';
import { oversizeProblem } from '../../streams/payload-limit.ts';
import { admissionGate } from '../../streams/admission.ts';
import { submitPayload, waitOutBus } from '../../streams/submit.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import type { Db } from '../../sql/database.ts';
import type { Channel } from '../../streams/canonical-order.ts';
import { namedShop, shopLookup, ShopNotValidError } from '../../workers/ingest/connectors/shop-accounts.ts';

/** One payload of the input, with the line it starts on. */
export interface InputPayload {
  line: number;
  text: string;
}

/**
 * Splits input into payloads: one JSON document (line 1), or JSON lines (blank lines skipped,
 * each keeping its line number).
 */
export function splitPayloads(text: string): InputPayload[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    JSON.parse(trimmed);
    return [{ line: 1, text: trimmed }];
  } catch {
    return text.split('\n').flatMap((l, i) => (l.trim() === '' ? [] : [{ line: i + 1, text: l.trim() }]));
  }
}

export interface CheckedPayloads {
  good: (InputPayload & { bytes: Uint8Array })[];
  /** `line N: problem`, in input order. */
  bad: { line: number; problem: string }[];
}

const encoder = new TextEncoder();

/**
 * Checks every payload before anything is published: it must be JSON and within the configured
 * maximum size (`ORDERSURGE_MAX_PAYLOAD_BYTES`), so a bad line can never stop a submission half way.
 *
 * @example
 * checkPayloads(splitPayloads('{"id":1}\nnot json'), 524288).bad // [{ line: 2, problem: 'not valid JSON (...)' }]
 */
export function checkPayloads(payloads: readonly InputPayload[], maxBytes: number): CheckedPayloads {
  const checked: CheckedPayloads = { good: [], bad: [] };
  for (const payload of payloads) {
    const bytes = encoder.encode(payload.text);
    const oversize = oversizeProblem(bytes.byteLength, maxBytes);
    if (oversize) {
      checked.bad.push({ line: payload.line, problem: oversize });
      continue;
    }
    try {
      JSON.parse(payload.text);
    } catch (error) {
      checked.bad.push({ line: payload.line, problem: `not valid JSON (${error instanceof Error ? error.message : String(error)})` });
      continue;
    }
    checked.good.push({ ...payload, bytes });
  }
  return checked;
}

export function submitCommand(): Command {
  return new Command('submit')
    .description('publish raw channel payloads into the pipeline: one JSON object, or JSON lines; every line is checked before any is published')
    .requiredOption('--channel <channel>', `channel the payloads come from (${channelSchema.options.join(', ')})`)
    .option('--shop <code>', "the shop account the payloads come from (`ordersurge shops list`), an account of --channel; default the channel's own account")
    .option('--skip-bad', 'publish the good lines even when some are bad (listed on stderr; exit code 2)')
    .argument('<file>', 'file to read, or - for standard input')
    .action(
      action(async (file: string, opts: { channel: string; shop?: string; skipBad?: boolean }) => {
        const channel = channelSchema.safeParse(opts.channel);
        if (!channel.success) throw new InputError(`--channel: unknown channel ${JSON.stringify(opts.channel)}; one of ${channelSchema.options.join(', ')}`);
        const config = loadConfig();
        const payloads = splitPayloads(readInput(file));
        if (payloads.length === 0) throw new InputError(`${file}: no payload in it`);
        const { good, bad } = checkPayloads(payloads, config.maxPayloadBytes);
        const refusals = bad.map((b) => `${file}: line ${b.line}: ${b.problem}`);
        if (bad.length > 0 && !opts.skipBad) {
          for (const r of refusals.slice(0, -1)) console.error(`ordersurge: ${r}`);
          throw new InputError(`${refusals.at(-1)!}\nordersurge: ${bad.length} bad line(s) (${bad.map((b) => b.line).join(', ')}); nothing published; fix them, or publish the rest with --skip-bad`);
        }
        const conn = await connectRunning(config, { bus: true, db: opts.shop !== undefined, natsRole: 'intake' });
        // Checked before anything is published: orders of a shop that does not exist would be stranded under it.
        const shop = opts.shop === undefined ? undefined : await checkedShop(channel.data, opts.shop, conn.db!).catch(async (error: unknown) => {
          await conn.close();
          throw error;
        });
        let published = 0;
        let duplicates = 0;
        let at: InputPayload | undefined;
        const gate = admissionGate(conn.bus!.jsm, conn.names, config.maxCoreBacklog);
        const forever = new AbortController().signal;
        try {
          for (const payload of good) {
            at = payload;
            // Backpressure: while the core stages are at their limit, wait; the file keeps the rest.
            // A full stream or a NATS server away (restarting) is waited out too, never a failure.
            const ack = await waitOutBus(
              async () => {
                await gate.waitForRoom(forever, (a) =>
                  console.error(`ordersurge: the pipeline is saturated (core backlog ${a.coreBacklog}, limit ${a.limit}); waiting before line ${payload.line}`),
                );
                return submitPayload(conn.bus!.js, conn.names, channel.data, payload.bytes, shop);
              },
              (why, reason, waitMs) => {
                const what = why === 'full' ? 'ingest stream full' : 'NATS not answering';
                console.error(`ordersurge: ${what} (${reason}); waiting ${waitMs} ms before line ${payload.line} (${published + duplicates} of ${good.length} published so far)`);
              },
            );
            if (ack.duplicate) duplicates++;
            else published++;
          }
        } catch (error) {
          // Say how far it got, so a rerun (duplicates are stored once) is a safe choice.
          console.error(`ordersurge: published ${published}, ${duplicates} duplicate(s), stopped at line ${at?.line ?? '?'}`);
          throw error;
        } finally {
          await conn.close();
        }
        console.log(
          `submitted ${published} ${channel.data} payload(s)` +
            (shop ? ` of shop ${shop}` : '') +
            (duplicates ? `, ${duplicates} duplicate(s) already submitted` : '') +
            (bad.length ? `, ${bad.length} refused` : ''),
        );
        if (bad.length > 0) {
          for (const r of refusals.slice(0, -1)) console.error(`ordersurge: ${r}`);
          throw new InputError(refusals.at(-1)!);
        }
      }),
    );
}

/**
 * The shop account `--shop` names, checked against the registered accounts: it must exist and be
 * an account of `channel` (the channel's own name is its default account). Returns the code to
 * publish under; an input error (exit 2) names the problem otherwise.
 */
async function checkedShop(channel: Channel, code: string, db: Db): Promise<string> {
  try {
    await namedShop(channel, code, shopLookup(db));
    return code;
  } catch (error) {
    if (error instanceof ShopNotValidError) throw new InputError(`--${error.message}`);
    throw error;
  }
}
