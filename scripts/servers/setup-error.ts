/** A server could not be brought up; the message is one line that says what to do. */
export class SetupError extends Error {
  readonly code = 'SETUP';
  override name = 'SetupError';
}
