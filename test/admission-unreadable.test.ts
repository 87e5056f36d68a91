import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { admissionGate } from '../streams/admission.ts';
import { connectBus, type Bus } from '../streams/connect.ts';
import { namesFor } from '../streams/names.ts';
import { applyTopology, deleteTopology } from '../streams/topology.ts';

describe('admission while the core backlog cannot be read', () => {
  let bus: Bus;
  const names = namesFor(`adm${Date.now().toString(36)}${randomBytes(2).toString('hex')}`);
  beforeAll(async () => {
    bus = await connectBus(inject('natsUrl'), 'admission-unreadable-test');
  });
  afterAll(async () => {
    await deleteTopology(bus.jsm, names);
    await bus.close();
  });

  it('waits (intake holds) instead of failing, and lets intake on once the backlog answers', async () => {
    // No consumers yet: every reading fails, as it does while a NATS server is lost mid-election.
    const gate = admissionGate(bus.jsm, names, 10, 100);
    await expect(gate.check()).rejects.toThrow();
    let through = false;
    const waiting = gate.waitForRoom(new AbortController().signal).then(() => (through = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(through).toBe(false);
    await applyTopology(bus.jsm, names);
    await waiting;
    expect(through).toBe(true);
  });
});
