import type { JetStreamManager } from '@nats-io/jetstream';
import type { Names } from './names.ts';
import { STAGES, type StageName } from './pipeline.ts';

export interface QueueDepth {
  stage: StageName;
  /** Stored, not yet delivered to any worker. */
  pending: number;
  /** Delivered to a worker, not yet acked. */
  ackPending: number;
  redelivered: number;
  /** Pull requests waiting: idle capacity of the stage's workers. */
  waiting: number;
}

/** Queue depth of every stage, read from its durable consumer. */
export async function readQueueDepths(jsm: JetStreamManager, names: Names): Promise<QueueDepth[]> {
  return Promise.all(
    STAGES.map(async (stage) => {
      const info = await jsm.consumers.info(names.stageStream(stage), names.durable(stage));
      return {
        stage,
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        redelivered: info.num_redelivered,
        waiting: info.num_waiting,
      };
    }),
  );
}
