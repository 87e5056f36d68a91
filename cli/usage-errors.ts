import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';

/** The package's version, for `ordersurge --version`. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Makes commander throw instead of exiting, on the command and every subcommand (settings are not
 * inherited through `addCommand`), so `exitCodeOf` can give usage errors the README's exit code 2.
 */
export function throwOnUsageErrors(command: Command): Command {
  command.exitOverride();
  for (const sub of command.commands) throwOnUsageErrors(sub);
  return command;
}

/**
 * The exit code for what commander threw: 0 after `--help` or `--version`, 2 for bad usage (an
 * unknown command or option, a missing argument or required option, no command at all); undefined
 * for anything that is not commander's.
 */
export function exitCodeOf(error: unknown): number | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  return error.exitCode === 0 ? 0 : 2;
}
