import { Command, Help } from 'commander';
import { COMMANDS, invokedCommand } from './command-index.ts';
import { InputError } from './input-error.ts';
import { setDisplayTimeZone } from './time-display.ts';
import { exitCodeOf, packageVersion, throwOnUsageErrors } from './usage-errors.ts';

const program = new Command('ordersurge')
  .description('order pipeline for multi-channel sellers: NATS JetStream transport, Postgres system of record')
  .showHelpAfterError('(add --help for usage)')
  .addHelpText('after', '\nOrders are addressed as CHANNEL:EXTERNAL_ID, e.g. shop:5012345. Environment variables: see README.md.');

// Commands come from cli/command-index.ts (add a new command there, not here). Only the one that
// runs is loaded; the others are listed by name and description, which is all the top-level help
// and commander's "did you mean" need, so startup does not import every command's dependencies.
const wanted = invokedCommand(process.argv.slice(2));
const terms = new Map<string, string>();
for (const entry of COMMANDS) {
  terms.set(entry.name, entry.term);
  program.addCommand(entry.name === wanted ? await entry.load() : new Command(entry.name).description(entry.description));
}
const help = new Help();
program.configureHelp({ subcommandTerm: (command) => terms.get(command.name()) ?? help.subcommandTerm(command) });

program.version(packageVersion(), '-V, --version', 'print the version');
program
  .option('--tz <zone>', 'time zone of the times shown (default: $TZ, else Asia/Shanghai, China time); --json prints ISO-8601 with the offset')
  .addHelpText('after', 'Money: text views show yuan with two decimals; --json prints integer fen.')
  .hook('preAction', () => setDisplayTimeZone(program.opts<{ tz?: string }>().tz ?? process.env.TZ));
throwOnUsageErrors(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Commander has printed its message (or the help); usage errors exit 2, as any bad input.
  const usage = exitCodeOf(error);
  if (usage !== undefined) {
    process.exitCode = usage;
  } else {
    // Option parsers reject bad values with an InputError before any action runs.
    if (!(error instanceof InputError)) throw error;
    console.error(`ordersurge: ${error.message}`);
    process.exitCode = 2;
  }
}
