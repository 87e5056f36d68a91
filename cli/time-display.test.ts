import { afterEach, describe, expect, it } from 'vitest';
import { setDisplayTimeZone, timeJson, timeText } from './time-display.ts';

describe('time display', () => {
  afterEach(() => setDisplayTimeZone(undefined));

  it('shows China time with its offset by default, in text and in JSON', () => {
    const at = new Date('2026-11-10T16:00:07.250Z');
    expect(timeText(at)).toBe('2026-11-11 00:00:07 +08:00');
    expect(timeJson(at)).toBe('2026-11-11T00:00:07.250+08:00');
    expect(new Date(timeJson(at)).getTime()).toBe(at.getTime());
  });

  it('follows another zone, zero offsets included, and refuses an unknown one', () => {
    setDisplayTimeZone('UTC');
    expect(timeText('2026-11-10T16:00:07Z')).toBe('2026-11-10 16:00:07 +00:00');
    setDisplayTimeZone('America/New_York');
    expect(timeJson('2026-07-01T12:00:00Z')).toBe('2026-07-01T08:00:00.000-04:00');
    expect(() => setDisplayTimeZone('Mars/Olympus')).toThrow('--tz: unknown time zone "Mars/Olympus"');
  });
});
