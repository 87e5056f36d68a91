/** The message of anything thrown, for one line of log or a dead letter's reason. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
