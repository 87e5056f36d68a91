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
  /** Age of the oldest message still in the queue (a work queue keeps only unfinished ones); 0 when empty. */
  oldestAgeMs: number;
  /** Stream sequence every message up to which is done: its growth is the stage's throughput. */
  doneSeq: number;
  /** Last sequence stored in the stage's stream: its growth is the stage's inflow. */
  lastSeq: number;
}

/** Queue depth of every stage, read from its stream and durable consumer. */
export async function readQueueDepths(jsm: JetStreamManager, names: Names, now: Date = new Date()): Promise<QueueDepth[]> {
  return Promise.all(
    STAGES.map(async (stage) => {
      const [info, stream] = await Promise.all([jsm.consumers.info(names.stageStream(stage), names.durable(stage)), jsm.streams.info(names.stageStream(stage))]).catch((error: unknown) => {
        // A stage added since the topology was applied (a pull, an upgrade) has no stream yet.
        if (error instanceof Error && /not found/i.test(error.message)) {
          throw new Error(`stage ${stage}: ${error.message} (${names.stageStream(stage)}, consumer ${names.durable(stage)}): apply the topology with \`ordersurge streams apply\` or \`npm run setup\``, { cause: error });
        }
        throw error;
      });
      const oldest = stream.state.messages > 0 ? Date.parse(stream.state.first_ts) : Number.NaN;
      return {
        stage,
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        redelivered: info.num_redelivered,
        waiting: info.num_waiting,
        oldestAgeMs: Number.isNaN(oldest) ? 0 : Math.max(0, now.getTime() - oldest),
        doneSeq: info.ack_floor.stream_seq,
        lastSeq: stream.state.last_seq,
      };
    }),
  );
}
