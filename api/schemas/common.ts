import { z } from 'zod';
import type { Role } from '../../generated/prisma/enums';
import { parseIsoDate } from '../../sla/civil-date';
import { line } from '../text';

/** Configuration is written by administrators and read by the staff who work with it. */
export const ADMIN: readonly Role[] = ['admin'];
export const STAFF: readonly Role[] = ['agent', 'qa', 'manager', 'admin'];

/**
 * The years Pasban reasons about. Beyond them instants are typos or probes (year 99999, 0000),
 * and PostgreSQL (no year 0), the Jalali calendar and business-time arithmetic would fail on them.
 */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2199;
const IN_RANGE = `must be in the years ${FIRST_YEAR}–${LAST_YEAR}`;
const inYearRange = (ms: number) => ms >= Date.UTC(FIRST_YEAR, 0, 1) && ms < Date.UTC(LAST_YEAR + 1, 0, 1);

/** An ISO-8601 instant with an offset, in the supported years. */
export const boundedInstant = (error?: string) =>
  z.iso.datetime({ offset: true, error }).refine((text) => inYearRange(Date.parse(text)), IN_RANGE);
export const timestamp = boundedInstant();
/** The same, with the error message that shows an example. */
export const isoInstant = boundedInstant('must be an ISO-8601 instant with an offset, e.g. 2026-11-22T10:30:00+03:30');
export const label = line(200);

/** The keys configuration refers to things by: "amoot-office", "owj-agile", "ir-official". */
export const configKey = z
  .string()
  .max(100)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens, e.g. "amoot-office"');

/** A Gregorian calendar date, as PostgreSQL `date` columns hold them. */
export const isoDate = z
  .string()
  .refine((text) => parseIsoDate(text) !== null, 'must be a date in the form YYYY-MM-DD')
  .refine((text) => parseIsoDate(text) === null || inYearRange(Date.parse(`${text}T00:00:00Z`)), IN_RANGE);

export const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{5,19}$/, 'must be a phone number, e.g. 09121234567');
export const email = z.email({ error: 'must be an e-mail address' });

/** A list whose items may not repeat: refused with 400 naming the field, and documented as uniqueItems. */
export const distinctItems = <Item extends z.ZodType>(array: z.ZodArray<Item>, noun: string) =>
  array
    .refine(
      (items) => new Set(items.map((item) => JSON.stringify(item))).size === items.length,
      `must not repeat ${noun}`,
    )
    .meta({ uniqueItems: true });

/** PostgreSQL bigint. */
const MAX_RIALS = 9_223_372_036_854_775_807n;

/** Rials: a non-negative whole number, as a string of digits (any size) or a safe JSON integer. */
export const rials = z
  .union([
    z.string().regex(/^\d{1,30}$/, 'must be a whole number of rials written as digits'),
    z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  ])
  .transform((value) => BigInt(value))
  .refine((value) => value <= MAX_RIALS, `must be at most ${MAX_RIALS}`);
export const rialsOut = z.string().regex(/^\d+$/);

/** Answered by changes that reach tickets in flight (api/corrections.ts). */
export const correctionCounts = {
  ticketsSignalled: z.number().int().nonnegative(),
  ticketsFailed: z.number().int().nonnegative(),
};

/** Answered by calendar and holiday changes, which also reach open claims and change requests. */
export const calendarCorrectionCounts = {
  ...correctionCounts,
  claimsSignalled: z.number().int().nonnegative().describe('Open claims told to recompute their deadlines'),
  claimsFailed: z.number().int().nonnegative(),
  changeRequestsSignalled: z
    .number()
    .int()
    .nonnegative()
    .describe('Change requests in review told to recompute their review deadline'),
  changeRequestsFailed: z.number().int().nonnegative(),
};

export const dateOf = (value: Date): string => value.toISOString().slice(0, 10);
export const dateColumn = (date: string): Date => new Date(`${date}T00:00:00Z`);
