const BARS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as a row of bars scaled to their maximum; padded on the left with
 * spaces while there are fewer values. All zeros draw the lowest bar.
 *
 * @example
 * sparkline([0, 5, 10], 4) // ' ▁▄█'
 */
export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-Math.max(0, width));
  const max = Math.max(0, ...shown);
  const bars = shown.map((v) => BARS[max > 0 ? Math.min(BARS.length - 1, Math.round((Math.max(0, v) / max) * (BARS.length - 1))) : 0]!).join('');
  return bars.padStart(Math.max(0, width), ' ');
}
