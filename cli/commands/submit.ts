import { Command } from 'commander';
import { readInput } from '../read-input.ts';
import { channelSchema } from '../../streams/canonical-order.ts';
import { submitPayload } from '../../streams/submit.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

/**
 * Splits input into payloads: one JSON document, or JSON lines. A line that is not JSON is still
 * submitted: the ingest stage dead-letters it with its reason, so nothing is lost silently.
 */
export function splitPayloads(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    JSON.parse(trimmed);
    return [trimmed];
  } catch {
    return trimmed.split('\n').map((l) => l.trim()).filter(Boolean);
  }
}

export function submitCommand(): Command {
  return new Command('submit')
    .description('publish raw channel payloads into the pipeline: one JSON object, or JSON lines')
    .requiredOption('--channel <channel>', `channel the payloads come from (${channelSchema.options.join(', ')})`)
    .argument('<file>', 'file to read, or - for standard input')
    .action(
      action(async (file: string, opts: { channel: string }) => {
        const channel = channelSchema.safeParse(opts.channel);
        if (!channel.success) throw new InputError(`--channel: unknown channel ${JSON.stringify(opts.channel)}; one of ${channelSchema.options.join(', ')}`);
        const payloads = splitPayloads(readInput(file));
        if (payloads.length === 0) throw new InputError(`${file}: no payload in it`);
        const conn = await connectRunning(loadConfig(), { bus: true });
        try {
          let duplicates = 0;
          const encoder = new TextEncoder();
          for (const payload of payloads) {
            const ack = await submitPayload(conn.bus!.js, conn.names, channel.data, encoder.encode(payload));
            if (ack.duplicate) duplicates++;
          }
          console.log(`submitted ${payloads.length - duplicates} ${channel.data} payload(s)${duplicates ? `, ${duplicates} duplicate(s) already submitted` : ''}`);
        } finally {
          await conn.close();
        }
      }),
    );
}
