/**
 * The period a report covers: a Jalali month, or a range of whole days, in Tehran time. Every
 * report echoes it with Jalali and Gregorian labels, and can split it into Jalali months.
 */
import { z } from 'zod';
import { jalaliMonthFa } from '../../activities/notifications/claim-messages';
import { civilFromEpochDay, formatIsoDate, parseIsoDate } from '../../sla/civil-date';
import {
  formatJalaliMonth,
  jalaliMonthOf,
  jalaliMonthSpan,
  nextJalaliMonth,
  parseJalaliMonth,
  type JalaliMonth,
} from '../../sla/jalali-month';
import { formatJalaliLatin, TEHRAN } from '../../sla/jalali';
import { epochToWallTime, wallTimeToEpoch } from '../../sla/time-zone';
import { actingCustomerId, type Principal } from '../auth';
import { ApiError } from '../errors';
import { isoDate } from '../schemas/common';
import { iso } from '../../sla/iso';

/** Two years and a day: enough to compare a month with the same month a year before. */
const MAX_DAYS = 732;

/** The query fields every report takes; each report adds its own and applies periodRules. */
export const periodFields = {
  month: z
    .string()
    .refine((text) => parseJalaliMonth(text) !== null, 'must be a Jalali month such as 1405-09')
    .optional()
    .describe('A Jalali month (Tehran time), or give from and to; the current month by default'),
  from: isoDate.optional().describe('First day of the period (Tehran time), with to'),
  to: isoDate.optional().describe('Last day of the period, inclusive (Tehran time)'),
  customerId: z
    .uuid({ error: 'must be a UUID' })
    .optional()
    .describe('Only this customer (a customer key always reads its own)'),
  productId: z.uuid({ error: 'must be a UUID' }).optional().describe('Only this product'),
};

export interface PeriodFields {
  month?: string;
  from?: string;
  to?: string;
}

export function periodRules<T extends z.ZodType<PeriodFields>>(schema: T) {
  return schema
    .refine((q) => q.from === undefined || q.to !== undefined, { message: 'give to with from', path: ['to'] })
    .refine((q) => q.to === undefined || q.from !== undefined, { message: 'give from with to', path: ['from'] })
    .refine((q) => q.month === undefined || (q.from === undefined && q.to === undefined), {
      message: 'give month or from/to, not both',
      path: ['from'],
    })
    .refine((q) => q.from === undefined || q.to === undefined || q.to >= q.from, {
      message: 'must not be before from',
      path: ['to'],
    })
    .refine((q) => q.from === undefined || q.to === undefined || daysBetween(q.from, q.to) <= MAX_DAYS, {
      message: `the period may be at most ${MAX_DAYS} days`,
      path: ['to'],
    });
}

export const reportQuery = periodRules(z.strictObject(periodFields));

export type ReportQuery = z.infer<typeof reportQuery>;

function daysBetween(from: string, to: string): number {
  return parseIsoDate(to)! - parseIsoDate(from)! + 1;
}

export interface MonthLabel {
  month: string;
  jalali: string;
  gregorian: string;
  from: string;
  to: string;
}

export interface ReportPeriod {
  startMs: number;
  endMs: number;
  /** Tehran midnight at the start of each Jalali month the period touches, and the period's end. */
  monthBoundsMs: number[];
  months: MonthLabel[];
}

const tehranMidnight = (epochDay: number) => wallTimeToEpoch(TEHRAN, epochDay, 0);
const tehranDay = (epochMs: number) => epochToWallTime(TEHRAN, epochMs).epochDay;
const GREGORIAN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Nov 22 – Dec 21, 2026": the Gregorian days a Jalali month (or the part of it in the period) covers. */
function gregorianLabel(startMs: number, endMs: number): string {
  const day = (ms: number) => civilFromEpochDay(tehranDay(ms));
  const first = day(startMs);
  const last = day(endMs - 1);
  const left = `${GREGORIAN_MONTHS[first.month - 1]} ${first.day}${first.year === last.year ? '' : `, ${first.year}`}`;
  return `${left} – ${GREGORIAN_MONTHS[last.month - 1]} ${last.day}, ${last.year}`;
}

export function reportPeriod(query: PeriodFields, nowMs = Date.now()): ReportPeriod {
  const span =
    query.from !== undefined && query.to !== undefined
      ? { startMs: tehranMidnight(parseIsoDate(query.from)!), endMs: tehranMidnight(parseIsoDate(query.to)! + 1) }
      : jalaliMonthSpan(query.month ? parseJalaliMonth(query.month)! : jalaliMonthOf(nowMs));
  const months: MonthLabel[] = [];
  const monthBoundsMs: number[] = [];
  for (let month: JalaliMonth = jalaliMonthOf(span.startMs); ; month = nextJalaliMonth(month)) {
    const whole = jalaliMonthSpan(month);
    if (whole.startMs >= span.endMs) break;
    const startMs = Math.max(whole.startMs, span.startMs);
    const endMs = Math.min(whole.endMs, span.endMs);
    monthBoundsMs.push(startMs);
    const key = formatJalaliMonth(month);
    months.push({
      month: key,
      jalali: jalaliMonthFa(key),
      gregorian: gregorianLabel(startMs, endMs),
      from: iso(startMs),
      to: iso(endMs),
    });
  }
  monthBoundsMs.push(span.endMs);
  return { ...span, monthBoundsMs, months };
}

export const monthLabel = z.object({
  month: z.string().describe('Jalali year-month, e.g. 1405-09'),
  jalali: z.string().describe('Its Persian name, e.g. آذر ۱۴۰۵'),
  gregorian: z.string().describe('The Gregorian days it covers within the period'),
  from: z.string(),
  to: z.string().describe('Exclusive'),
});

export const periodEcho = z.object({
  from: z.string().describe('Tehran midnight at the start'),
  to: z.string().describe('Tehran midnight after the last day (exclusive)'),
  fromJalali: z.string(),
  toJalali: z.string().describe('The last day, inclusive'),
  fromGregorian: z.string(),
  toGregorian: z.string().describe('The last day, inclusive'),
  months: z.array(monthLabel),
});

export function echoPeriod(period: ReportPeriod): z.infer<typeof periodEcho> {
  const lastDay = (ms: number) => formatIsoDate(tehranDay(ms));
  return {
    from: iso(period.startMs),
    to: iso(period.endMs),
    fromJalali: formatJalaliLatin(period.startMs).slice(0, 10),
    toJalali: formatJalaliLatin(period.endMs - 1).slice(0, 10),
    fromGregorian: lastDay(period.startMs),
    toGregorian: lastDay(period.endMs - 1),
    months: period.months,
  };
}

/** Which customer a report may cover: a customer key reads only its own account. */
export function scopedCustomer(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.role === 'customer' && principal.customerId === null)
    throw new ApiError('forbidden', 'this customer key names no customer account');
  return actingCustomerId(principal, requested);
}
