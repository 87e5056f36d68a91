import { InventoryError } from '../sql/queries/inventory.ts';
import { InputError } from './input-error.ts';

export { InputError };

/**
 * Wraps a command's action: an error becomes one line on stderr and exit code 1 (2 for a
 * problem with the input), never an unhandled rejection with a stack trace.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      // Our errors are written to be read (what and what to do); a stack helps only a developer.
      console.error(`ordersurge: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.ORDERSURGE_DEBUG && error instanceof Error) console.error(error.stack);
      process.exitCode = error instanceof InputError || error instanceof InventoryError ? 2 : 1;
    }
  };
}

/** Parses a non-negative integer option, naming the option when it is not one. */
export function intOption(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InputError(`${name}: must be a non-negative integer, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** Parses an integer option of at least 1, naming the option when it is not one. */
export function positiveIntOption(name: string): (value: string) => number {
  const parse = intOption(name);
  return (value) => {
    const n = parse(value);
    if (n < 1) throw new InputError(`${name}: must be at least 1, got ${JSON.stringify(value)}`);
    return n;
  };
}
