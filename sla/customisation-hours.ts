/**
 * What an accepted change request costs once the plan's included customisation hours are used
 * (Kian project Silver: 3 hours a contract year, Gold: 7). The included hours go first; the
 * rest of the quote is invoiced in proportion to the effort it covers.
 */
import { epochDayFromJalali, jalaliFromEpochDay, jalaliMonthLength, TEHRAN } from './jalali';
import { epochToWallTime, wallTimeToEpoch } from './time-zone';

export interface InvoiceSplit {
  quotedRials: bigint;
  includedMinutesUsed: number;
  billedMinutes: number;
  amountRials: bigint;
}

/**
 * Included minutes cover the effort first; the invoice is the quote's share of the remaining
 * minutes, rounded to the nearest rial (halves up).
 */
export function splitInvoice(input: {
  quotedRials: bigint;
  effortMinutes: number;
  includedMinutesLeft: number;
}): InvoiceSplit {
  const { quotedRials, effortMinutes } = input;
  if (!Number.isInteger(effortMinutes) || effortMinutes <= 0)
    throw new RangeError(`effort must be a positive whole number of minutes, got ${effortMinutes}`);
  if (quotedRials < 0n) throw new RangeError('a quote cannot be negative');
  const includedMinutesUsed = Math.min(effortMinutes, Math.max(0, Math.floor(input.includedMinutesLeft)));
  const billedMinutes = effortMinutes - includedMinutesUsed;
  const effort = BigInt(effortMinutes);
  const amountRials = (quotedRials * BigInt(billedMinutes) * 2n + effort) / (2n * effort);
  return { quotedRials, includedMinutesUsed, billedMinutes, amountRials };
}

/**
 * The contract year containing `atMs`: from an anniversary of the contract's start (same Jalali
 * month and day and Tehran clock time; the last day of Esfand where a year is shorter) to the
 * next one. Pasban rule 10 counts the plan's years in the Jalali calendar.
 */
export function contractYearAt(contractStartMs: number, atMs: number): { startMs: number; endMs: number } {
  const wall = epochToWallTime(TEHRAN, contractStartMs);
  const start = jalaliFromEpochDay(wall.epochDay);
  const anniversary = (years: number) => {
    const year = start.year + years;
    const day = Math.min(start.day, jalaliMonthLength(year, start.month));
    return wallTimeToEpoch(TEHRAN, epochDayFromJalali(year, start.month, day), wall.minutesOfDay);
  };
  let years = Math.floor((atMs - contractStartMs) / (365.2422 * 86_400_000));
  while (anniversary(years) > atMs) years -= 1;
  while (anniversary(years + 1) <= atMs) years += 1;
  return { startMs: anniversary(years), endMs: anniversary(years + 1) };
}
