import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHANNELS,
  canonicalOrderSchema,
  type Channel,
  type ChannelAdapter,
  type NormalizeResult,
} from '../../../streams/canonical-order.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { ADAPTERS } from './index.ts';

// Generous: a call takes microseconds; this only catches runaway work (regex backtracking, loops).
const MAX_CALL_MS = 250;
const RUNS = 150;
const FIELD_PATH = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\d+\])*$/;

/** Values that have broken parsers before: edge numbers, odd text, nested junk. */
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    true,
    0,
    -1,
    0.1,
    1.005,
    -0.01,
    1e21,
    -1e21,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    '   ',
    '0',
    '-0',
    '1e3',
    '0x10',
    '99999999999999999999.99',
    '0000-00-00 00:00:00',
    '9999-99-99 99:99:99',
    '2024-02-30 10:00:00',
    '\uD800',
    'a\uDC00b',
    '\uD83D',
    '\u0000',
    '１２３',
    '138****0000',
    'constructor',
    '__proto__',
    'toString',
    'x'.repeat(100_000),
    '🎉'.repeat(10_000),
    [],
    {},
    [[[]]],
    { a: { b: { c: [null] } } },
  ),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.uint8Array({ maxLength: 32 }).map((bytes) => new TextDecoder().decode(bytes)),
  fc.integer(),
  fc.double(),
  fc.bigInt(),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = (string | number)[];

/** Every path into a JSON value, the root included. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => paths.push(...pathsOf(v, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) paths.push(...pathsOf(v, [...prefix, k]));
  }
  return paths;
}

/** A copy of `value` with the field at `path` replaced (or deleted when `replacement` is DELETE). */
const DELETE = Symbol('delete');
function mutate(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (replacement === DELETE) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What every result must satisfy, whatever the payload. */
function checkResult(channel: Channel, adapter: ChannelAdapter, payload: unknown): void {
  const started = performance.now();
  let result: NormalizeResult | undefined;
  expect(() => (result = adapter(payload))).not.toThrow();
  expect(performance.now() - started).toBeLessThan(MAX_CALL_MS);
  if (!result) return;
  if (result.ok) {
    const order = result.order;
    expect(canonicalOrderSchema.safeParse(order).success).toBe(true);
    expect(order.channel).toBe(channel);
    expect(order.id).toBe(`${channel}:${order.externalId}`);
    expect(order.raw).toBe(payload);
    expect(order.address.phone.replace(/\D/g, '').length).toBeLessThanOrEqual(7);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message.length).toBeLessThan(500);
    if (isPlainObject(payload)) expect(error.path).toMatch(FIELD_PATH);
    else expect(error).toMatchObject({ path: '', message: expect.stringContaining('payload must be a JSON object') });
  }
}

describe.each(CHANNELS)('the %s adapter under fuzzing', (channel) => {
  const adapter = ADAPTERS[channel];
  const fixtures = fixtureNames(channel).map((name) => loadFixture(channel, name));

  it('survives arbitrary values and objects', () => {
    fc.assert(
      fc.property(fc.oneof(garbage, fc.anything({ maxDepth: 3 }), fc.object({ maxDepth: 3 })), (payload) => {
        checkResult(channel, adapter, payload);
      }),
      { numRuns: RUNS },
    );
  });

  it('survives a valid payload with one field replaced or deleted', () => {
    const mutation = fc
      .record({ fixture: fc.nat(fixtures.length - 1), pick: fc.nat(), value: fc.oneof(garbage, fc.constant(DELETE)) })
      .map(({ fixture, pick, value }) => {
        const base = fixtures[fixture];
        const paths = pathsOf(base).filter((p) => p.length > 0);
        return mutate(base, paths[pick % paths.length]!, value);
      });
    fc.assert(
      fc.property(mutation, (payload) => checkResult(channel, adapter, payload)),
      { numRuns: RUNS * 2 },
    );
  });

  it('survives several fields broken at once', () => {
    const mutations = fc
      .record({
        fixture: fc.nat(fixtures.length - 1),
        changes: fc.array(fc.tuple(fc.nat(), fc.oneof(garbage, fc.constant(DELETE))), { minLength: 2, maxLength: 6 }),
      })
      .map(({ fixture, changes }) => {
        let payload: unknown = fixtures[fixture];
        for (const [pick, value] of changes) {
          const paths = pathsOf(payload).filter((p) => p.length > 0);
          if (paths.length > 0) payload = mutate(payload, paths[pick % paths.length]!, value);
        }
        return payload;
      });
    fc.assert(
      fc.property(mutations, (payload) => checkResult(channel, adapter, payload)),
      { numRuns: RUNS },
    );
  });

  it('handles an order with 10,000 lines in bounded time', () => {
    const [base] = pathsOf(fixtures[0]).filter((p) => {
      let value: unknown = fixtures[0];
      for (const key of p) value = (value as Record<string | number, unknown>)[key];
      return Array.isArray(value) && p.length > 0 && isPlainObject((value as unknown[])[0]) && p.at(-1) !== 'payments';
    });
    let lines: unknown = fixtures[0];
    for (const key of base!) lines = (lines as Record<string | number, unknown>)[key];
    const many = Array.from({ length: 10_000 }, () => (lines as unknown[])[0]);
    const started = performance.now();
    const result = adapter(mutate(fixtures[0], base!, many));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.ok).toBeDefined();
  });
});

describe('a payload built to throw', () => {
  it.each(CHANNELS)('is a field error for %s, not an exception', (channel) => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    const result = ADAPTERS[channel](hostile);
    expect(result).toEqual({ ok: false, errors: [{ path: '', message: 'could not normalize the payload: boom' }] });
  });
});

describe('the fuzz checks themselves', () => {
  const fixture = loadFixture('shop', fixtureNames('shop')[0]!);

  it('catch an adapter that throws', () => {
    const throwing: ChannelAdapter = () => {
      throw new Error('bug');
    };
    expect(() => checkResult('shop', throwing, fixture)).toThrow();
  });

  it('catch an error without a field path, and an order that is not canonical', () => {
    const pathless: ChannelAdapter = () => ({ ok: false, errors: [{ path: '', message: 'something is wrong' }] });
    expect(() => checkResult('shop', pathless, fixture)).toThrow();
    const sloppy: ChannelAdapter = (payload) => {
      const result = ADAPTERS.shop(payload);
      return result.ok ? { ok: true, order: { ...result.order, lines: [] } } : result;
    };
    expect(() => checkResult('shop', sloppy, fixture)).toThrow();
  });
});
