import { describe, expect, it } from 'vitest';
import { carrierFor, carrierUrlOf } from './carrier-for.ts';

describe('carrierFor', () => {
  const urls = { ems: 'http://ems.example' };
  it("takes the warehouse's first carrier, at its own API when one is configured", () => {
    expect(carrierFor(['ems', 'sf'], urls, 'http://sim')).toEqual({ code: 'ems', url: 'http://ems.example', service: 'carrier_ems' });
    expect(carrierFor(['sf', 'ems'], urls, 'http://sim')).toEqual({ code: 'sf', url: 'http://sim', service: 'carrier' });
    expect(carrierFor([], urls, 'http://sim')).toEqual({ code: '', url: 'http://sim', service: 'carrier' });
  });
  it('sends a void to the API of the carrier that issued the number', () => {
    expect(carrierUrlOf('ems', urls, 'http://sim')).toBe('http://ems.example');
    expect(carrierUrlOf('SIMEXPRESS', urls, 'http://sim')).toBe('http://sim');
    expect(carrierUrlOf(null, urls, 'http://sim')).toBe('http://sim');
  });
});
