/** `seconds` long, the rate going linearly from `from` to `to` orders/s. */
export interface RateSegment {
  seconds: number;
  from: number;
  to: number;
}

/** Orders a schedule has offered `atS` seconds in (the integral of its rate). */
export function offeredBy(schedule: readonly RateSegment[], atS: number): number {
  let total = 0;
  let start = 0;
  for (const seg of schedule) {
    const t = Math.min(Math.max(atS - start, 0), seg.seconds);
    total += seg.from * t + ((seg.to - seg.from) * t * t) / (2 * seg.seconds);
    start += seg.seconds;
  }
  return total;
}

/** The schedule's rate `atS` seconds in, orders/s; 0 once it has ended. */
export function rateAt(schedule: readonly RateSegment[], atS: number): number {
  let start = 0;
  for (const seg of schedule) {
    if (atS < start + seg.seconds) return seg.from + ((seg.to - seg.from) * Math.max(0, atS - start)) / seg.seconds;
    start += seg.seconds;
  }
  return 0;
}
