import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarrierSimulator } from './carrier-simulator.ts';
import type { RunningServer } from './json-server.ts';

describe('POST /admin/faults', () => {
  let carrier: RunningServer;
  beforeAll(async () => {
    carrier = await startCarrierSimulator(0, { latencyMs: 0, failRate: 0 });
  });
  afterAll(async () => {
    await carrier?.close();
  });
  const admin = async (body: unknown) => {
    const res = await fetch(`${carrier.url}/admin/faults`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const waybill = async (key: string) =>
    (await fetch(`${carrier.url}/waybills`, { method: 'POST', headers: { 'idempotency-key': key }, body: JSON.stringify({ shipmentId: key }) })).status;

  it('takes a running simulator down and brings it back', async () => {
    expect(await waybill('a')).toBe(201);
    expect(await admin({ failRate: 1 })).toEqual({ status: 200, body: { latencyMs: 0, failRate: 1 } });
    expect(await waybill('b')).toBe(503);
    await admin({ failRate: 0 });
    expect(await waybill('b')).toBe(201);
    expect(((await (await fetch(`${carrier.url}/stats`)).json()) as { issued: number }).issued).toBe(2);
  });

  it('refuses a fault it cannot apply, naming the field', async () => {
    expect(await admin({ failRate: 2 })).toEqual({ status: 400, body: { error: 'failRate: must be a number between 0 and 1' } });
    expect(await admin({ latencyMs: -1 })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^latencyMs: /) } });
  });
});
