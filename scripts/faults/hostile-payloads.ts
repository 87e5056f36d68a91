import { benchOrders, type BenchOrder } from '../bench/bench-orders.ts';

/** The kinds of input that can never become an order, each refused in its own way. */
export const HOSTILE_KINDS = [
  'lone-surrogate',
  'nul-key',
  'deep-nesting',
  'duplicate-line-ids',
  'oversized',
  'unknown-province',
  'bad-types',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** A payload that must end dead-lettered or an exception, with a reason that names the field. */
export interface HostilePayload {
  kind: HostileKind;
  /** `shop:ID`: the order id it would have had (the id is the payload's first field). */
  orderId: string;
  payload: string;
}

/** Over the 512 KiB intake limit, under NATS's 1 MiB `max_payload`: it reaches ingest by a raw publish. */
const OVERSIZE_BYTES = 600 * 1024;

/**
 * `count` hostile web-shop payloads, the kinds in turn, each a valid bench order (seed `seed`)
 * spoiled one way: a lone UTF-16 surrogate (in the receiver's name or an ignored field), a NUL
 * in an object key, JSON nested 5,000 deep in an ignored field, two lines of one id, a payload
 * over the intake limit, a province no carrier knows, and fields of the wrong type.
 * Deterministic in `seed`.
 */
export function hostilePayloads(count: number, seed: number): HostilePayload[] {
  const bases = benchOrders(count * 6 + 6, seed).filter((o) => o.channel === 'shop').slice(0, count);
  return bases.map((base, i) => spoil(base, HOSTILE_KINDS[i % HOSTILE_KINDS.length]!, i));
}

function spoil(base: BenchOrder, kind: HostileKind, i: number): HostilePayload {
  const order = JSON.parse(base.payload) as Record<string, unknown> & {
    line_items: Record<string, unknown>[];
    shipping_address: Record<string, unknown>;
  };
  const hostile = (payload: string): HostilePayload => ({ kind, orderId: base.orderId, payload });
  switch (kind) {
    case 'lone-surrogate':
      if (i % 2 === 0) order.shipping_address.name = `顾客\udc00`;
      else order.landing_site = '\ud800/landing';
      return hostile(JSON.stringify(order));
    case 'nul-key':
      order.note_attributes = [{ name: 'gift', value: 'yes', 'bad\u0000key': 1 }];
      return hostile(JSON.stringify(order));
    case 'deep-nesting': {
      const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
      return hostile(JSON.stringify(order).replace(/\}$/, `,"client_details":${deep}}`));
    }
    case 'duplicate-line-ids': {
      const first = order.line_items[0]!;
      order.line_items = [first, { ...first, sku: 'TEA-LJ-250' }];
      return hostile(JSON.stringify(order));
    }
    case 'oversized':
      order.note = 'x'.repeat(OVERSIZE_BYTES);
      return hostile(JSON.stringify(order));
    case 'unknown-province':
      order.shipping_address.province = 'Atlantis';
      order.shipping_address.province_code = '';
      return hostile(JSON.stringify(order));
    case 'bad-types':
      if (i % 3 === 0) order.total_price = { amount: 1 };
      else if (i % 3 === 1) order.line_items[0]!.quantity = 'two';
      else (order as Record<string, unknown>).line_items = 'all of them';
      return hostile(JSON.stringify(order));
    default: {
      const never: never = kind;
      throw new Error(`unknown hostile kind ${String(never)}`);
    }
  }
}
