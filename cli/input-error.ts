/**
 * Bad input on the command line or in a file: exit code 2.
 *
 * In a file of its own, free of dependencies, because cli/main.ts needs it at startup, before it
 * loads any command (run-action.ts pulls in the inventory queries and kysely).
 */
export class InputError extends Error {
  readonly code = 'INPUT';
  override name = 'InputError';
}
