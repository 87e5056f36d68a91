import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { isBusUnavailable } from './bus-unavailable.ts';

describe('isBusUnavailable', () => {
  it('waits out a server that is away', () => {
    expect(isBusUnavailable(new TimeoutError())).toBe(true);
    expect(isBusUnavailable(new RequestError('request failed', { cause: new NoRespondersError('$JS.API.STREAM.INFO.x') }))).toBe(true);
    expect(isBusUnavailable(new Error('publish failed', { cause: new TimeoutError() }))).toBe(true);
    expect(isBusUnavailable(new Error('JetStream system temporarily unavailable'))).toBe(true);
  });
  it('does not wait out what was sent', () => {
    expect(isBusUnavailable(new Error('maximum payload exceeded'))).toBe(false);
    expect(isBusUnavailable(new Error('maximum bytes exceeded'))).toBe(false);
    expect(isBusUnavailable(new Error('stream not found'))).toBe(false);
    expect(isBusUnavailable('nope')).toBe(false);
  });
});
