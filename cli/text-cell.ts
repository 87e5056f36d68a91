/**
 * Fits text into a table column of `width` characters: longer text keeps its start and end
 * around a `…` (an order id keeps its channel and the end of its number), shorter is padded.
 * Text views shorten; JSON always prints the whole value.
 *
 * @example
 * cell('douyin:6912345678901234567', 20) // 'douyin:691…901234567'
 */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fitted = text.length <= width ? text : `${text.slice(0, Math.ceil((width - 1) / 2))}…${text.slice(text.length - Math.floor((width - 1) / 2))}`;
  return align === 'left' ? fitted.padEnd(width) : fitted.padStart(width);
}
