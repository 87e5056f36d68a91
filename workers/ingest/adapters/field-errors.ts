import type { FieldError } from '../../../streams/canonical-order.ts';

/**
 * Collects the field errors of one payload so an adapter can report every problem at once
 * instead of stopping at the first.
 */
export class FieldErrors {
  readonly list: FieldError[] = [];

  /** Records `path: message`. */
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  get isEmpty(): boolean {
    return this.list.length === 0;
  }
}

/**
 * The path of a member of the value at `parent`, in the form the spec's errors use.
 *
 * @example
 * childPath('orders.order', 2)     // 'orders.order[2]'
 * childPath('orders.order[2]', 'num') // 'orders.order[2].num'
 * childPath('', 'tid')             // 'tid'
 */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

const SHOWN_TEXT = 40;

/**
 * Describes a bad value for an error message, bounded so a megabyte of garbage does not end up
 * in the dead-letter record: `-1`, `"abc"`, `an object`, `a 5000-character string`.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > SHOWN_TEXT ? `a ${value.length}-character string` : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
