import { contractYearAt, splitInvoice } from '../../../sla/customisation-hours';
import { inTehran, tehran } from './support';

describe('an accepted change request', () => {
  it('is covered by the included customisation hours first, and invoiced only for the rest, pro rata of the quote', () => {
    // Kian project Silver: 3 hours a year; a 5-hour change quoted at 50,000,000 rials.
    expect(splitInvoice({ quotedRials: 50_000_000n, effortMinutes: 300, includedMinutesLeft: 180 })).toEqual({
      quotedRials: 50_000_000n,
      includedMinutesUsed: 180,
      billedMinutes: 120,
      amountRials: 20_000_000n,
    });
  });

  it('costs nothing when the included hours cover all of it, and leaves the hours it did not need', () => {
    expect(splitInvoice({ quotedRials: 20_000_000n, effortMinutes: 120, includedMinutesLeft: 420 })).toMatchObject({
      includedMinutesUsed: 120,
      billedMinutes: 0,
      amountRials: 0n,
    });
  });

  it('is invoiced in full when the plan includes no hours or they are used up', () => {
    expect(splitInvoice({ quotedRials: 90_000_000n, effortMinutes: 360, includedMinutesLeft: 0 })).toMatchObject({
      billedMinutes: 360,
      amountRials: 90_000_000n,
    });
    expect(splitInvoice({ quotedRials: 90_000_000n, effortMinutes: 360, includedMinutesLeft: -30 })).toMatchObject({
      includedMinutesUsed: 0,
    });
  });

  it('rounds the pro-rata amount to the nearest rial, halves up, even beyond safe integers', () => {
    expect(splitInvoice({ quotedRials: 10n, effortMinutes: 4, includedMinutesLeft: 1 }).amountRials).toBe(8n); // 7.5
    expect(splitInvoice({ quotedRials: 10n, effortMinutes: 3, includedMinutesLeft: 2 }).amountRials).toBe(3n); // 3.33
    expect(splitInvoice({ quotedRials: 10n ** 20n, effortMinutes: 2, includedMinutesLeft: 1 }).amountRials).toBe(
      5n * 10n ** 19n,
    );
  });

  it('refuses an effort that is not a positive whole number of minutes', () => {
    expect(() => splitInvoice({ quotedRials: 1n, effortMinutes: 0, includedMinutesLeft: 0 })).toThrow(RangeError);
  });
});

describe('the contract year that included hours count in', () => {
  it('runs from an anniversary of the contract start, in Jalali dates and Tehran time, to the next', () => {
    // Started 1 Mehr 1404 (2025-09-23) 10:00.
    const start = tehran('2025-09-23T10:00');
    const year = contractYearAt(start, tehran('2026-12-01T12:00'));
    expect([inTehran(year.startMs), inTehran(year.endMs)]).toEqual(['2026-09-23T10:00', '2027-09-23T10:00']);
  });

  it('includes its first instant and excludes the next anniversary', () => {
    const start = tehran('2025-09-23T10:00');
    expect(contractYearAt(start, start).startMs).toBe(start);
    expect(inTehran(contractYearAt(start, tehran('2026-09-23T10:00')).startMs)).toBe('2026-09-23T10:00');
    expect(inTehran(contractYearAt(start, tehran('2026-09-23T09:59')).startMs)).toBe('2025-09-23T10:00');
  });

  it('ends on the last day of Esfand in years where 30 Esfand does not exist', () => {
    // 30 Esfand 1403 (2025-03-20) exists; 1404 is not a leap year, so its anniversary is 29 Esfand (2026-03-20).
    const start = tehran('2025-03-20T09:00');
    expect(inTehran(contractYearAt(start, tehran('2025-06-01T00:00')).endMs)).toBe('2026-03-20T09:00');
  });
});
