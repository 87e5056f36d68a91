/** Replicas a stream may have: NATS allows 1 to 5 (an R3 stream survives one server lost). */
export const MAX_STREAM_REPLICAS = 5;

/** A bad `ORDERSURGE_STREAM_REPLICAS`: names the variable and what it must be. */
export class StreamReplicasError extends Error {
  readonly code = 'STREAM_REPLICAS';
  override name = 'StreamReplicasError';
}

/**
 * The replicas of every stream and KV bucket the topology declares
 * (`ORDERSURGE_STREAM_REPLICAS`, default 1: one server). A NATS cluster of three runs them with
 * 3, so losing one server loses no message and stops no stage.
 *
 * @example
 * streamReplicas({ ORDERSURGE_STREAM_REPLICAS: '3' }) // 3
 */
export function streamReplicas(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ORDERSURGE_STREAM_REPLICAS;
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_STREAM_REPLICAS) {
    throw new StreamReplicasError(`ORDERSURGE_STREAM_REPLICAS: must be an integer from 1 to ${MAX_STREAM_REPLICAS}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
