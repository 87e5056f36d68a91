import { inspect } from 'node:util';

const MASK = '********';

/**
 * A credential (app secret, access or refresh token) that never prints: `String()`, template
 * strings, `JSON.stringify`, `console.log` and `util.inspect` all show `********`. Only `reveal()`
 * hands out the text, and only the code that signs or sends a request calls it.
 *
 * @example
 * const secret = new Secret(process.env.TMALL_APP_SECRET!);
 * console.log(`secret ${secret}`); // secret ********
 * signTop(params, secret.reveal());
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value === '';
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}

/** How a secret is shown to an operator: whether it is set and how long it is, never any of it. */
export function maskedSecret(secret: Secret): string {
  return secret.isEmpty ? '(not set)' : `${MASK} (${secret.reveal().length} characters)`;
}
