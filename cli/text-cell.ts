import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

/** The width every text view fits: an 80-column terminal. */
export const TEXT_WIDTH = 80;

/**
 * Fits text into a table column of `width` terminal columns: longer text keeps its start and end
 * around a `…` (an order id keeps its channel and the end of its number), shorter is padded.
 * Widths are counted as a terminal shows them, so a Chinese character takes two columns.
 * Text views shorten; JSON always prints the whole value.
 *
 * @example
 * cell('douyin:6912345678901234567', 20) // 'douyin:691…901234567'
 */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fitted = stringWidth(text) <= width ? text : cliTruncate(text, width, { position: 'middle' });
  const padding = ' '.repeat(Math.max(0, width - stringWidth(fitted)));
  return align === 'left' ? fitted + padding : padding + fitted;
}

/**
 * A line cut to `width` terminal columns, ending in `…` when it was longer: for a detail that
 * has a whole view of its own (`exceptions show`, `--json`).
 *
 * @example
 * fitLine('address changed after the waybill: redirect the parcel to 北京市', 40) // 'address changed after the waybill: redi…'
 */
export function fitLine(text: string, width: number = TEXT_WIDTH): string {
  if (stringWidth(text) <= width) return text;
  const cut = cliTruncate(text, width, { position: 'end' });
  // cli-truncate may keep a two-column character whose ellipsis then lands one column over.
  return stringWidth(cut) <= width ? cut : cliTruncate(text, width - 1, { position: 'end' });
}

/**
 * Text wrapped at word boundaries into lines of at most `width` terminal columns, each line
 * after `indent` (whose width counts): for notes under a table row, which must not be cut.
 *
 * @example
 * wrapLines('6 orders needed manual handling, 469 received', 30, '      ')
 * // ['      6 orders needed manual', '      handling, 469 received']
 */
export function wrapLines(text: string, width: number = TEXT_WIDTH, indent = ''): string[] {
  return wrapAnsi(text, Math.max(1, width - stringWidth(indent)), { hard: true })
    .split('\n')
    .map((line) => indent + line);
}
