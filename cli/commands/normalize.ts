import { Command } from 'commander';
import { readInput } from '../read-input.ts';
import { channelSchema, type FieldError } from '../../streams/canonical-order.ts';
import { adapterFor } from '../../workers/ingest/adapters/index.ts';
import { parsePayload } from '../../workers/ingest/payload-json.ts';
import { action, InputError } from '../run-action.ts';

/**
 * `ordersurge normalize --channel C FILE`: runs one channel payload through its adapter, offline.
 * Prints the canonical order as JSON on stdout (exit 0), or the field errors as `path: message`
 * lines on stderr (exit 2). FILE `-` reads standard input.
 *
 * @example
 * ordersurge normalize --channel tmall test/fixtures/channels/tmall/paid-multi-line-envelope.json
 */
export function normalizeCommand(): Command {
  return new Command('normalize')
    .description('show the canonical order a channel payload becomes, or why it is rejected (no servers needed)')
    .requiredOption('--channel <channel>', `channel the payload comes from (${channelSchema.options.join(', ')})`)
    .argument('<file>', 'JSON payload file, or - for standard input')
    .action(
      action(async (file: string, opts: { channel: string }) => {
        const channel = channelSchema.safeParse(opts.channel);
        if (!channel.success) {
          throw new InputError(`--channel: unknown channel ${JSON.stringify(opts.channel)}; one of ${channelSchema.options.join(', ')}`);
        }
        const result = adapterFor(channel.data)(parseJson(file, readInput(file)));
        if (result.ok) {
          process.stdout.write(`${JSON.stringify(result.order, null, 2)}\n`);
          return;
        }
        process.stderr.write(result.errors.map(errorLine).join(''));
        process.exitCode = 2;
      }),
    );
}

function parseJson(file: string, text: string): unknown {
  try {
    return parsePayload(text);
  } catch (error) {
    throw new InputError(`${file}: not a JSON payload (${error instanceof Error ? error.message : String(error)})`);
  }
}

// An error about the payload as a whole has no path; its message already says "payload ...".
function errorLine(error: FieldError): string {
  return error.path === '' ? `${error.message}\n` : `${error.path}: ${error.message}\n`;
}
