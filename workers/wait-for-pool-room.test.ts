import { afterAll, describe, expect, it } from 'vitest';
import spinTask from '../test/fixtures/pool/spin-task.ts';
import { createTaskPool } from './task-pool.ts';
import { waitForPoolRoom } from './wait-for-pool-room.ts';

describe('waitForPoolRoom', () => {
  const pool = createTaskPool(1);
  afterAll(() => pool.destroy());

  it('makes callers wait when the pool queue is full, where the bare pool fails them', async () => {
    // One thread queues 64 tasks: far more at once is what every stage holding its full
    // in-flight in small batches asks of it under overload.
    const bare = await Promise.allSettled(Array.from({ length: 200 }, () => pool.run(spinTask, 1)));
    expect(bare.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);

    const waiting = waitForPoolRoom(pool);
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => waiting.run(spinTask, 1)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value === 1)).toBe(true);
  }, 60_000);
});
