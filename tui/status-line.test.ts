import { describe, expect, it } from 'vitest';
import { formatStatusLine, statusWriter } from './status-line.ts';

/** A terminal of `columns`: what was written, as one stream of text in the order it came. */
function terminal(columns: number, isTTY = true) {
  const written: string[] = [];
  const stream = { isTTY, columns, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  const logStream = { write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WritableStream;
  return { stream, logStream, text: () => written.join('') };
}

/** The screen's lines after carriage returns and erase-line codes have done their work. */
function screen(text: string): string[] {
  return text.split('\n').map((line) => line.split('\r').at(-1)!.replaceAll('\x1b[K', ''));
}

const sample = {
  elapsedSeconds: 125,
  submitted: 123_456,
  notified: 120_001,
  exceptions: 72,
  ratePerSecond: 987.6,
  stages: ['ingest', 'dedupe', 'pricing', 'routing', 'waybill', 'notify', 'points', 'review'].map((stage) => ({ stage, pending: 1234, ackPending: 512 })),
  deadLetters: 3,
} as unknown as Parameters<typeof formatStatusLine>[0];

describe('the live status line', () => {
  it('never runs past the terminal width, which it reads at every redraw', () => {
    const t = terminal(60);
    const writer = statusWriter(t.stream, t.logStream);
    writer.write(formatStatusLine(sample));
    (t.stream as { columns: number }).columns = 30;
    writer.write(formatStatusLine(sample));
    writer.end();
    const lines = screen(t.text());
    expect(lines[0]).toHaveLength(29);
    expect(lines[0]!.endsWith('…')).toBe(true);
    expect(formatStatusLine(sample).length).toBeGreaterThan(60);
  });

  it('prints log lines above it, whole and on lines of their own, then draws it again', () => {
    const t = terminal(80);
    const writer = statusWriter(t.stream, t.logStream);
    writer.write('12s  in 300  notified 290');
    writer.log('SIGINT: draining in-flight work (again to force)');
    writer.write('13s  in 310  notified 300');
    writer.end();
    writer.log('after the end');
    expect(screen(t.text())).toEqual(['SIGINT: draining in-flight work (again to force)', '13s  in 310  notified 300', 'after the end', '']);
  });

  it('off a terminal, writes one whole line per sample', () => {
    const t = terminal(20, false);
    const writer = statusWriter(t.stream, t.logStream);
    writer.write(formatStatusLine(sample));
    writer.log('a log line');
    writer.end();
    expect(t.text()).toBe(`${formatStatusLine(sample)}\na log line\n`);
  });
});
