import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../run-action.ts';
import { setDisplayTimeZone } from '../time-display.ts';
import { formatReport, periodOf } from './kpi.ts';

// 2026-11-12 03:00 UTC is 11:00 China time.
const now = new Date('2026-11-12T03:00:00Z');

describe('periodOf', () => {
  it('is today from China-time midnight by default and with --today', () => {
    const today = { from: new Date('2026-11-11T16:00:00Z'), to: now };
    expect(periodOf({}, now)).toEqual(today);
    expect(periodOf({ today: true }, now)).toEqual(today);
  });

  it('is seven China-time days, today included, with --week', () => {
    expect(periodOf({ week: true }, now)).toEqual({ from: new Date('2026-11-05T16:00:00Z'), to: now });
  });

  it('reads dates as China-time midnights and times as given', () => {
    expect(periodOf({ from: '2026-11-11', to: '2026-11-12' }, now)).toEqual({ from: new Date('2026-11-10T16:00:00Z'), to: new Date('2026-11-11T16:00:00Z') });
    expect(periodOf({ from: '2026-11-11T12:00:00Z' }, now)).toEqual({ from: new Date('2026-11-11T12:00:00Z'), to: now });
  });

  it('refuses bad dates, an empty range and contradicting options, naming the option', () => {
    expect(() => periodOf({ from: '2026-13-01' }, now)).toThrow(new InputError('--from: must be a date YYYY-MM-DD or an ISO time, got "2026-13-01"'));
    expect(() => periodOf({ from: 'yesterday' }, now)).toThrow(/--from/);
    expect(() => periodOf({ from: '2026-11-12', to: '2026-11-11' }, now)).toThrow(/--to: must be after --from/);
    expect(() => periodOf({ to: '2026-11-12' }, now)).toThrow(/--from: required/);
    expect(() => periodOf({ week: true, today: true }, now)).toThrow(InputError);
    expect(() => periodOf({ week: true, from: '2026-11-01' }, now)).toThrow(InputError);
  });
});

describe('formatReport', () => {
  it('shows values in their units, health against the limit, the note for a missing value, and the alert', () => {
    const text = formatReport(
      {
        from: new Date('2026-11-10T16:00:00Z'),
        to: new Date('2026-11-11T16:00:00Z'),
        kpis: [
          { name: 'processing_time', value: 5850, unit: 'seconds', limit: '<= 2 h', healthy: true },
          { name: 'exception_rate', value: 0.125, unit: 'ratio', limit: '< 8%', healthy: false },
          { name: 'complaint_rate', value: null, unit: 'ratio', limit: '<= 0.5%', healthy: null, note: 'no data source yet' },
        ],
        alert: { firing: true, periods: 3, topExceptions: [{ type: 'backorder', count: 7 }, { type: 'bad_address', count: 2 }] },
      },
      3,
    );
    expect(text.split('\n')).toEqual([
      'KPIs 2026-11-11 00:00:00 +08:00 .. 2026-11-12 00:00:00 +08:00',
      ' ok   processing_time                1.63 h  healthy <= 2 h',
      ' BAD  exception_rate                 12.50%  healthy < 8%',
      '  -   complaint_rate                    n/a  healthy <= 0.5%',
      '      no data source yet',
      'ALERT exception rate over its limit for 3 consecutive periods; top exceptions of',
      'the latest: backorder 7, bad_address 2',
    ]);
  });
});

describe('formatReport in another zone', () => {
  afterEach(() => setDisplayTimeZone(undefined));

  it('shows the period in the zone asked for, with its offset, and keeps every line within 80 columns', () => {
    setDisplayTimeZone('UTC');
    const note = "5 of 5 SKUs: reserved counter equals held reservations, as of now; platforms' listed counts are not synced yet";
    const text = formatReport(
      {
        from: new Date('2026-11-10T16:00:00Z'),
        to: new Date('2026-11-11T16:00:00Z'),
        kpis: [{ name: 'inventory_accuracy', value: 1, unit: 'ratio', limit: '>= 99.2%', healthy: true, note }],
        alert: { firing: false, periods: 0, topExceptions: [] },
      },
      3,
    );
    expect(text.split('\n')[0]).toBe('KPIs 2026-11-10 16:00:00 +00:00 .. 2026-11-11 16:00:00 +00:00');
    expect(text).toContain("platforms' listed counts are not synced yet");
    for (const line of text.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(80);
  });
});
