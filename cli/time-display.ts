import { InputError } from './input-error.ts';

/** Times are shown in China time unless `--tz` or `TZ` names another zone. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

let zone = DEFAULT_TIME_ZONE;
const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * Sets the zone every view shows times in: `--tz`, else `TZ`, else China time. An unknown zone
 * name is bad input (exit 2).
 */
export function setDisplayTimeZone(name: string | undefined): void {
  const wanted = name?.trim() || DEFAULT_TIME_ZONE;
  try {
    formatOf(wanted);
  } catch {
    throw new InputError(`--tz: unknown time zone ${JSON.stringify(wanted)}; an IANA name such as Asia/Shanghai or UTC`);
  }
  zone = wanted;
}

/** The zone times are shown in. */
export function displayTimeZone(): string {
  return zone;
}

/**
 * A time for people: `2026-11-11 00:00:07 +08:00` (to the second, with the zone's offset).
 *
 * @example
 * timeText(new Date('2026-11-10T16:00:07Z')) // '2026-11-11 00:00:07 +08:00' in China time
 */
export function timeText(at: Date | string): string {
  const p = partsOf(at);
  return `${p.date} ${p.time} ${p.offset}`;
}

/**
 * A time for JSON: ISO-8601 with the zone's offset and milliseconds, so it reads as local time
 * and parses back to the same instant.
 *
 * @example
 * timeJson(new Date('2026-11-10T16:00:07.250Z')) // '2026-11-11T00:00:07.250+08:00'
 */
export function timeJson(at: Date | string): string {
  const p = partsOf(at);
  return `${p.date}T${p.time}.${String(new Date(at).getUTCMilliseconds()).padStart(3, '0')}${p.offset}`;
}

/**
 * A time for a table cell, `11-11 00:00:07`, the zone's offset going once into the column's
 * header (`zoneHeader`), so a row fits an 80-column terminal.
 */
export function timeCell(at: Date | string): string {
  const p = partsOf(at);
  return `${p.date.slice(5)} ${p.time}`;
}

/** The offset for a table header, e.g. `+08:00`, as of `at` (now by default). */
export function zoneHeader(at: Date | string = new Date()): string {
  return partsOf(at).offset;
}

function partsOf(at: Date | string): { date: string; time: string; offset: string } {
  const parts: Record<string, string> = {};
  for (const part of formatOf(zone).formatToParts(new Date(at))) parts[part.type] = part.value;
  // 'GMT+08:00', or plain 'GMT' for a zero offset.
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}`, offset };
}

function formatOf(name: string): Intl.DateTimeFormat {
  let format = formats.get(name);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    });
    formats.set(name, format);
  }
  return format;
}
