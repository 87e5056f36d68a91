import { fen, parseFen, parseYuan, type Fen } from '../../../streams/money.ts';
import { parseChinaTime, type Instant } from './china-time.ts';
import { FieldErrors, childPath, describeValue } from './field-errors.ts';

interface Presence {
  /** A missing (absent, null or empty) required field is an error; an optional one reads as empty. */
  required?: boolean;
}

type JsonObject = Record<string, unknown>;

// Money text longer than this is garbage, and quoting it whole would bloat the error.
const MAX_MONEY_TEXT = 32;
const ZERO = fen(0);
// JD and TOP write a zero date for a time that has not happened yet.
const NOT_YET = /^\s*000[01]-0[01]-0[01]/;

/**
 * Reads the fields of one object of a platform payload. Every read returns a usable value, and a
 * bad field is recorded in the shared {@link FieldErrors} under its full path, so an adapter reads
 * straight through and reports every problem at once.
 *
 * @example
 * const errors = new FieldErrors();
 * const trade = PayloadReader.root(payload, errors);
 * const num = trade?.list('orders.order')[2]?.count('num'); // error path 'orders.order[2].num'
 */
export class PayloadReader {
  private constructor(
    private readonly value: JsonObject,
    readonly path: string,
    readonly errors: FieldErrors,
  ) {}

  /** Reads the payload itself, which must be a JSON object. */
  static root(payload: unknown, errors: FieldErrors): PayloadReader | undefined {
    if (!isObject(payload)) {
      errors.add('', `payload must be a JSON object, got ${describeValue(payload)}`);
      return undefined;
    }
    return new PayloadReader(payload, '', errors);
  }

  /** The full path of a field of this object. */
  pathOf(key: string): string {
    return childPath(this.path, key);
  }

  /** Records a problem with a field of this object. */
  fail(key: string, message: string): void {
    this.errors.add(this.pathOf(key), message);
  }

  /** The field's value as given, for fields with a platform-specific shape. */
  raw(key: string): unknown {
    return this.value[key];
  }

  /** Whether the field is there at all (not absent, null or an empty string). */
  has(key: string): boolean {
    return !isEmpty(this.value[key]);
  }

  /** A text field, trimmed; numbers are accepted since platforms mix the two for codes and ids. */
  text(key: string, options: Presence = {}): string {
    const value = this.value[key];
    if (typeof value === 'string') {
      const text = value.trim();
      if (text === '' && options.required) this.fail(key, 'is required');
      // Postgres text and jsonb cannot hold NUL; no platform sends it on purpose.
      if (text.includes('\0')) {
        this.fail(key, 'must not contain NUL characters');
        return text.replaceAll('\0', '');
      }
      return text;
    }
    if (typeof value === 'number' && Number.isFinite(value)) {
      if (!Number.isInteger(value) || Number.isSafeInteger(value)) return String(value);
      // Its digits are already rounded: a code or id read from it would name something else.
      this.fail(key, `is too large to be exact as a JSON number, got ${value}; send the platform's string form`);
      return '';
    }
    if (isEmpty(value)) {
      if (options.required) this.fail(key, 'is required');
    } else {
      this.fail(key, `must be text, got ${describeValue(value)}`);
    }
    return '';
  }

  /** A platform identifier: a non-empty string, or a non-negative integer (kept as its digits). */
  id(key: string): string {
    const value = this.value[key];
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value) && value >= 0) return String(value);
      this.fail(
        key,
        Number.isInteger(value) && value > 0
          ? `is too large to be exact as a JSON number, got ${value}; send the platform's string form`
          : `must be an integer id, got ${describeValue(value)}`,
      );
      return '';
    }
    return this.text(key, { required: true });
  }

  /** A quantity: a positive integer, as a number or a string of digits. */
  count(key: string): number {
    const value = this.value[key];
    const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isSafeInteger(n) && n > 0) return n;
    this.fail(key, isEmpty(value) ? 'is required' : `must be a positive integer, got ${describeValue(value)}`);
    return 1;
  }

  /**
   * A documented platform code, looked up in `values`. Numbers and strings both match (Douyin's
   * 105 and "105"); a value outside the list is an error naming the ones allowed.
   */
  oneOf<T>(key: string, values: ReadonlyMap<string, T>, options: Presence = {}): T | undefined {
    const value = this.value[key];
    if (isEmpty(value)) {
      if (options.required) this.fail(key, 'is required');
      return undefined;
    }
    const code = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
    const found = code === undefined ? undefined : values.get(code);
    if (found === undefined) this.fail(key, `must be one of ${[...values.keys()].join(', ')}, got ${describeValue(value)}`);
    return found;
  }

  /** An amount in yuan (decimal string or number), converted exactly to fen; optional ones read 0. */
  yuan(key: string, options: Presence = {}): Fen {
    return this.money(key, options, parseYuan);
  }

  /** An amount already in integer fen; optional ones read 0. */
  fen(key: string, options: Presence = {}): Fen {
    return this.money(key, options, parseFen);
  }

  /**
   * A platform time (see {@link parseChinaTime}). A time that is absent, empty or one of the
   * platforms' "not yet" values (0, a zero date) reads as null.
   */
  time(key: string, options: Presence = {}): Instant | null {
    const value = this.value[key];
    if (isEmpty(value) || value === 0 || value === '0' || (typeof value === 'string' && NOT_YET.test(value))) {
      if (options.required) this.fail(key, 'is required');
      return null;
    }
    const parsed = parseChinaTime(value);
    if (parsed.ok) return parsed.instant;
    this.fail(key, `${parsed.problem}, got ${describeValue(value)}`);
    return null;
  }

  /** A nested object; absent optional ones read as undefined. */
  object(key: string, options: Presence = {}): PayloadReader | undefined {
    const value = this.value[key];
    if (isObject(value)) return new PayloadReader(value, this.pathOf(key), this.errors);
    if (!isEmpty(value)) this.fail(key, `must be an object, got ${describeValue(value)}`);
    else if (options.required) this.fail(key, 'is required');
    return undefined;
  }

  /**
   * A list of objects. `key` may be a dotted path through wrapper objects, as in TOP's
   * `orders.order`. A required list must have at least one element.
   */
  list(key: string, options: Presence = {}): PayloadReader[] {
    const dot = key.indexOf('.');
    if (dot > 0) {
      const head = key.slice(0, dot);
      return this.object(head, options)?.list(key.slice(dot + 1), options) ?? [];
    }
    const value = this.value[key];
    if (!Array.isArray(value)) {
      if (!isEmpty(value)) this.fail(key, `must be a list, got ${describeValue(value)}`);
      else if (options.required) this.fail(key, 'is required');
      return [];
    }
    if (value.length === 0 && options.required) this.fail(key, 'must have at least one element');
    const path = this.pathOf(key);
    const readers: PayloadReader[] = [];
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (isObject(element)) readers.push(new PayloadReader(element, childPath(path, i), this.errors));
      else this.errors.add(childPath(path, i), `must be an object, got ${describeValue(element)}`);
    }
    return readers;
  }

  private money(key: string, options: Presence, parse: (value: unknown) => ReturnType<typeof parseYuan>): Fen {
    const value = this.value[key];
    if (isEmpty(value)) {
      if (options.required) this.fail(key, 'is required');
      return ZERO;
    }
    if (typeof value === 'string' && value.length > MAX_MONEY_TEXT) {
      this.fail(key, `must be an amount, got ${describeValue(value)}`);
      return ZERO;
    }
    const parsed = parse(value);
    if (parsed.ok) return parsed.fen;
    this.fail(key, parsed.problem);
    return ZERO;
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
