/**
 * The slice of a list that fits `height` rows and keeps `selected` in sight (scrolling by pages).
 *
 * @example
 * listWindow(100, 42, 10) // { start: 40, end: 50 }
 */
export function listWindow(length: number, selected: number, height: number): { start: number; end: number } {
  const rows = Math.max(1, height);
  const start = Math.floor(Math.max(0, Math.min(selected, length - 1)) / rows) * rows;
  return { start, end: Math.min(length, start + rows) };
}
