import { describe, expect, it } from 'vitest';
import { streamReplicas, StreamReplicasError } from './stream-replicas.ts';

describe('streamReplicas', () => {
  it('is 1 unless ORDERSURGE_STREAM_REPLICAS says otherwise', () => {
    expect(streamReplicas({})).toBe(1);
    expect(streamReplicas({ ORDERSURGE_STREAM_REPLICAS: '' })).toBe(1);
    expect(streamReplicas({ ORDERSURGE_STREAM_REPLICAS: '3' })).toBe(3);
  });

  it('refuses what NATS would, naming the variable', () => {
    for (const bad of ['0', '6', '2.5', 'three', '-1']) {
      expect(() => streamReplicas({ ORDERSURGE_STREAM_REPLICAS: bad })).toThrow(StreamReplicasError);
    }
    expect(() => streamReplicas({ ORDERSURGE_STREAM_REPLICAS: '0' })).toThrow(/ORDERSURGE_STREAM_REPLICAS: must be an integer from 1 to 5, got "0"/);
  });
});
