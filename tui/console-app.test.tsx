import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../streams/dead-letter.ts';
import type { ExceptionOrder } from '../sql/queries/exception-orders.ts';
import { ConsoleApp } from './console-app.tsx';
import { KEYS, type ConsoleAction } from './console-keys.ts';
import { knownConsoleData } from './fixtures/known-console-data.ts';
import { DEFAULT_THRESHOLDS } from './thresholds.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const letters: DeadLetter[] = [
  { seq: 7, stage: 'waybill', subject: 'x.waybill.shop', error: 'carrier said 500', attempts: 8, failedAt: '2026-11-11T00:01:02.000Z', payload: encoder.encode('{"orderId":"shop:1"}') },
  { seq: 9, stage: 'ingest', subject: 'x.ingest.shop', error: 'bad num', attempts: 1, failedAt: '2026-11-11T00:01:03.000Z', payload: encoder.encode('{}') },
];
const exceptions: ExceptionOrder[] = [
  { id: 'shop:1', channel: 'shop', type: 'cancel_after_waybill', detail: 'cancelled after the waybill', since: new Date() },
  { id: 'shop:2', channel: 'shop', type: 'backorder', detail: 'backorder: SKU-1 short by 2', since: new Date() },
];
const KEY = { up: '\u001B[A', down: '\u001B[B', right: '\u001B[C', enter: '\r', tab: '\t', escape: '\u001B' };

function start() {
  const done: ConsoleAction[] = [];
  const feed = { current: () => knownConsoleData(), deadLetters: async () => letters, exceptions: async () => exceptions };
  const actions = {
    run: async (action: ConsoleAction) => {
      done.push(action);
      return `did ${action.kind}`;
    },
  };
  const app = render(
    <ConsoleApp feed={feed} actions={actions} thresholds={DEFAULT_THRESHOLDS} viewLetter={(l) => ({ seq: l.seq, stage: l.stage, error: l.error, attempts: l.attempts, failedAt: l.failedAt, payload: decoder.decode(l.payload) })} refreshMs={50} listEveryMs={50} />,
  );
  const press = async (...keys: string[]): Promise<string> => {
    for (const k of keys) {
      app.stdin.write(k);
      await new Promise((r) => setTimeout(r, 30));
    }
    await new Promise((r) => setTimeout(r, 80));
    return app.lastFrame() ?? '';
  };
  return { app, done, press };
}

describe('console keys do what the help says', () => {
  it('? lists every key; any key closes it', async () => {
    const { app, press } = start();
    const help = await press('?');
    for (const k of KEYS) expect(help).toContain(k.keys);
    expect(await press('x')).toContain('Peak mode');
    app.unmount();
  });

  it('d opens dead letters, arrows select, enter inspects, r replays after y', async () => {
    const { app, done, press } = start();
    expect(await press('d')).toContain('Dead letters (2)');
    const inspected = await press(KEY.down, KEY.enter);
    expect(inspected).toContain('#9  stage ingest  attempts 1');
    expect(await press('r')).toContain('replay dead letter #9 to ingest? [y/N]');
    expect(await press('y')).toContain('did replay');
    expect(done).toEqual([{ kind: 'replay', seq: 9 }]);
    app.unmount();
  });

  it('e opens exceptions; r refuses what cannot be retried, asks for the rest, n cancels', async () => {
    const { app, done, press } = start();
    expect(await press('e')).toContain('Exceptions (2)');
    expect(await press('r')).toContain('the parcel is with the carrier');
    expect(await press(KEY.down, 'r')).toContain('retry shop:2 (backorder) from priced? [y/N]');
    expect(await press('n')).toContain('cancelled');
    expect(done).toEqual([]);
    await press('r', 'y');
    expect(done).toEqual([{ kind: 'retry', orderId: 'shop:2', type: 'backorder', detail: 'backorder: SKU-1 short by 2' }]);
    app.unmount();
  });

  it('p chooses a peak setting and confirms it', async () => {
    const { app, done, press } = start();
    expect(await press('p')).toContain('[o]n  [f] off  [a]uto');
    expect(await press('f')).toContain('set peak mode off? [y/N]');
    await press('y');
    expect(done).toEqual([{ kind: 'setPeak', setting: 'off' }]);
    app.unmount();
  });

  it('tab and arrows move between views; / filters; esc clears', async () => {
    const { app, press } = start();
    expect(await press(KEY.tab)).toContain('Dead letters');
    expect(await press(KEY.tab)).toContain('Exceptions');
    expect(await press(KEY.right)).toContain('Shops');
    expect(await press(KEY.right)).toContain('Peak mode');
    const filtered = await press('/', 'w', 'a', 'y', KEY.enter);
    expect(filtered).toContain('waybill');
    expect(filtered).not.toContain('routing');
    expect(filtered).toContain('filter "way"');
    expect(await press(KEY.escape)).toContain('routing');
    app.unmount();
  });
});
