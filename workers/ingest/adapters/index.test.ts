import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../streams/canonical-order.ts';
import { fixtureNames, loadFixture } from '../../../test/fixtures/channels/load-fixture.ts';
import { ADAPTERS, adapterFor } from './index.ts';

describe('adapterFor', () => {
  it.each(CHANNELS)('gives the %s adapter, which normalizes its own fixtures to its channel', (channel) => {
    expect(adapterFor(channel)).toBe(ADAPTERS[channel]);
    for (const name of fixtureNames(channel)) {
      const result = adapterFor(channel)(loadFixture(channel, name));
      expect(result.ok && result.order.channel).toBe(channel);
    }
  });
});
