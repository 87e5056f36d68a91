// The CLI command's tests live here because this change may only add cli/commands/price.ts under cli/.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { priceCommand } from '../../../cli/commands/price.ts';

const fixture = (name: string): string => new URL(`../../../test/fixtures/pricing/${name}`, import.meta.url).pathname;

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | string | undefined;
}

function run(...args: string[]): Run {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    new Command('ordersurge').exitOverride().addCommand(priceCommand()).parse(['price', ...args], { from: 'user' });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr, exitCode: process.exitCode };
}

describe('ordersurge price', () => {
  let savedExitCode: typeof process.exitCode;
  beforeEach(() => {
    savedExitCode = process.exitCode;
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.exitCode = savedExitCode;
  });

  it('prints the priced order as JSON and exits 0', () => {
    const result = run('--promotions', fixture('spec-example-rules.json'), fixture('spec-example-order.json'));
    expect(result.exitCode).toBeUndefined();
    expect(result.stderr).toBe('');
    const expected = JSON.parse(readFileSync(fixture('spec-example-result.json'), 'utf8')) as object;
    expect(JSON.parse(result.stdout)).toMatchObject(expected);
  });

  it('prints the readable table with --explain', () => {
    const result = run('--promotions', fixture('double-eleven-rules.json'), fixture('double-eleven-order.json'), '--explain');
    expect(result.exitCode).toBeUndefined();
    expect(result.stdout).toMatch(/^Order shop-11011 pays 358\.20\n/);
    expect(result.stdout).toContain('C-300-50');
  });

  it.each([
    ['bad-rules-unknown-type.json', 'spec-example-order.json', /bad-rules-unknown-type\.json: promotions\[3\]\.type: unknown promotion type "bogus"/],
    ['spec-example-rules.json', 'bad-order-negative-qty.json', /bad-order-negative-qty\.json: lines\[0\]\.qty: must be a positive integer, got -1$/],
    ['spec-example-rules.json', 'bad-order-fractional-fen.json', /bad-order-fractional-fen\.json: lines\[0\]\.unitPrice: must be an integer amount of fen, got 199\.5$/],
    ['spec-example-rules.json', 'no-such-order.json', /no-such-order\.json: cannot read the file: no such file$/],
  ])('rules %s, order %s: one line on stderr, exit 2', (rules, order, message) => {
    const result = run('--promotions', fixture(rules), fixture(order));
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(/^ordersurge: /);
    expect(result.stderr.trimEnd()).toMatch(message);
  });

  it('reports a file that is not JSON in one line', () => {
    // Any file that is not JSON will do; this test file is at hand.
    const result = run('--promotions', new URL(import.meta.url).pathname, fixture('spec-example-order.json'));
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/price-command\.test\.ts: not valid JSON: /);
  });
});
