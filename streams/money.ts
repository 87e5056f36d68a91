import { z } from 'zod';

/** An amount of money in integer fen (1 yuan = 100 fen). Branded so a count cannot pass for money. */
export const fenSchema = z.number().int().nonnegative().brand<'Fen'>();
export type Fen = z.infer<typeof fenSchema>;

/** Marks a known-good integer as fen. Use only where the value was computed from other fen. */
export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer amount of fen: ${value}`);
  return value as Fen;
}

export type MoneyParse = { ok: true; fen: Fen } | { ok: false; problem: string };

const DECIMAL_YUAN = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Converts a yuan amount, given as a decimal string or a number, to fen exactly
 * (string arithmetic, never `x * 100`).
 *
 * @example
 * parseYuan('199.00') // { ok: true, fen: 19900 }
 * parseYuan(0.1)      // { ok: true, fen: 10 }
 * parseYuan('1.005')  // { ok: false, problem: 'has more than two decimals' }
 */
export function parseYuan(value: unknown): MoneyParse {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, problem: `must be a finite amount, got ${value}` };
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return { ok: false, problem: `must be a yuan amount as a string or number, got ${describe(value)}` };
  }
  if (text.startsWith('-')) return { ok: false, problem: `must not be negative, got ${quote(value)}` };
  const match = DECIMAL_YUAN.exec(text);
  if (!match) {
    if (/^\d+\.\d{3,}$/.test(text)) return { ok: false, problem: `has more than two decimals: ${quote(value)}` };
    return { ok: false, problem: `must be a decimal yuan amount, got ${quote(value)}` };
  }
  const whole = match[1] ?? '0';
  const cents = (match[2] ?? '').padEnd(2, '0');
  const total = Number(whole) * 100 + Number(cents);
  if (!Number.isSafeInteger(total)) return { ok: false, problem: `is too large: ${quote(value)}` };
  return { ok: true, fen: total as Fen };
}

/** Accepts an amount that is already integer fen (Douyin, POS). */
export function parseFen(value: unknown): MoneyParse {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return { ok: false, problem: `must be an integer amount of fen, got ${quote(value)}` };
  }
  if (value < 0) return { ok: false, problem: `must not be negative, got ${value}` };
  return { ok: true, fen: value as Fen };
}

/** Formats fen as a yuan string with two decimals: 29850 -> "298.50". */
export function formatYuan(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describe(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' ? String(value) : typeof value;
}
