import { describe, expect, it } from 'vitest';
import { carrierChoices, carrierFor, carrierUrlOf, refusedByCarrierOnly } from './carrier-for.ts';

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

describe('carrierChoices', () => {
  it("lists the warehouse's carriers in order, each at its own API or the default one", () => {
    const urls = { ems: 'http://ems.example' };
    expect(carrierChoices(['ems', 'sf'], urls, 'http://sim')).toEqual([
      { code: 'ems', url: 'http://ems.example', service: 'carrier_ems' },
      { code: 'sf', url: 'http://sim', service: 'carrier' },
    ]);
    expect(carrierChoices([], urls, 'http://sim')).toEqual([{ code: '', url: 'http://sim', service: 'carrier' }]);
  });
});

describe('refusedByCarrierOnly', () => {
  it('tells a service-area refusal from a refusal of the order', () => {
    expect(refusedByCarrierOnly('POST http://ems/waybills/batch: HTTP 422 {"error":"address.province: X is outside","code":"out_of_service_area"}')).toBe(true);
    expect(refusedByCarrierOnly('POST http://ems/waybills/batch: HTTP 400 {"error":"address.street: required"}')).toBe(false);
  });
});

