import { z } from 'zod';
import { calendarCorrectionCounts, configKey, isoDate, label, timestamp } from './common';

/**
 * Business calendars and official holidays at the edge. The shapes only: what the times and
 * zones mean (overlaps, an end before its start, unknown zones) is checked by
 * validateCalendarSpec, which names each problem by its path.
 */
export const openInterval = z.strictObject({
  // The patterns are for the OpenAPI document (what validateCalendarSpec accepts); the check itself names the problem.
  start: z
    .string()
    .max(5)
    .describe('"HH:MM", local wall-clock time')
    .meta({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  end: z
    .string()
    .max(5)
    .describe('"HH:MM"; "24:00" is the midnight that ends the day')
    .meta({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' }),
});

const dayHours = z.array(openInterval).max(48).default([]);

export const weekHours = z.strictObject({
  sat: dayHours,
  sun: dayHours,
  mon: dayHours,
  tue: dayHours,
  wed: dayHours,
  thu: dayHours,
  fri: dayHours,
});

export const exceptionBody = z.strictObject({
  intervals: z.array(openInterval).max(48).describe('Open hours on that date; [] closes the whole day'),
  note: z.string().trim().max(500).optional(),
});

export const createCalendarBody = z.strictObject({
  key: z.string().max(100),
  name: z.string().max(200),
  timeZone: z.string().max(100).describe('IANA time zone, e.g. Asia/Tehran'),
  week: weekHours,
  holidayHours: z.array(openInterval).max(48).default([]).describe('Open hours on official holidays; [] means closed'),
  holidaySet: configKey.nullable().default(null).describe('The holiday set the calendar observes, e.g. ir-official'),
  exceptions: z
    .array(exceptionBody.extend({ date: z.string().max(10) }))
    .max(1000)
    .default([]),
});

export const updateCalendarBody = z
  .strictObject({
    name: z.string().max(200).optional(),
    timeZone: z.string().max(100).optional(),
    week: weekHours.optional(),
    holidayHours: z.array(openInterval).max(48).optional(),
    holidaySet: configKey.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');

export const calendarListQuery = z.strictObject({ key: configKey.optional() });

export const exceptionParams = z.strictObject({
  id: z.uuid({ error: 'must be a UUID' }),
  date: isoDate,
});

const intervalOut = z.object({ start: z.string(), end: z.string() });

export const calendarResponse = z.object({
  id: z.uuid(),
  key: z.string(),
  name: z.string(),
  timeZone: z.string(),
  week: z.object({
    sat: z.array(intervalOut),
    sun: z.array(intervalOut),
    mon: z.array(intervalOut),
    tue: z.array(intervalOut),
    wed: z.array(intervalOut),
    thu: z.array(intervalOut),
    fri: z.array(intervalOut),
  }),
  holidayHours: z.array(intervalOut),
  holidaySet: z.string().nullable(),
  version: z.number().int(),
  exceptions: z.array(z.object({ date: z.string(), intervals: z.array(intervalOut), note: z.string().nullable() })),
  createdAt: timestamp,
  updatedAt: timestamp,
});

/** A change that may move deadlines answers how many tickets in flight were told. */
export const correctedCalendarResponse = calendarResponse.extend(calendarCorrectionCounts);

export const holidayListQuery = z.strictObject({
  set: configKey.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const createHolidayBody = z.strictObject({
  set: configKey,
  date: isoDate,
  name: label.describe('Persian name'),
  nameEn: label.optional(),
});

export const updateHolidayBody = z
  .strictObject({
    date: isoDate.optional().describe('Moving a holiday is changing its date'),
    name: label.optional(),
    nameEn: label.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');

export const holidayResponse = z.object({
  id: z.uuid(),
  set: z.string(),
  date: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  source: z
    .enum(['computed', 'admin', 'published'])
    .describe(
      'published: the official calendar; computed: an estimate; admin: set, confirmed or corrected by an administrator',
    ),
  estimated: z
    .boolean()
    .describe(
      'A computed date for a year whose official calendar is not published (or not yet entered): to be confirmed or corrected',
    ),
  reference: z.string().nullable().describe('Where a published date was read, or how an estimate was computed'),
  confirmedAt: timestamp.nullable(),
  confirmedBy: z.string().nullable().describe('API key id of the administrator who confirmed or corrected it'),
  updatedAt: timestamp,
});

export const estimatedHolidaysQuery = z.strictObject({
  set: configKey.optional(),
  asOf: isoDate.optional().describe('The day to count from (default: today in Tehran)'),
});

export const estimatedHolidaysResponse = z.object({
  asOf: z.string(),
  warningDays: z.number().int().describe('An estimated holiday this many days ahead or nearer is a warning'),
  items: z.array(z.object({ holiday: holidayResponse, daysUntil: z.number().int() })),
  warnings: z.array(
    z.object({ holidayId: z.uuid(), date: z.string(), daysUntil: z.number().int(), message: z.string() }),
  ),
});

export const confirmHolidayBody = z.strictObject({
  reference: label.optional().describe('Where the administrator checked the date, e.g. the official calendar'),
});

export const correctHolidayBody = z.strictObject({
  date: isoDate.describe('The official date of this holiday'),
  name: label.optional(),
  nameEn: label.optional(),
  reference: label.optional().describe('Where the official date was read'),
});

export const correctedHolidayResponse = holidayResponse.extend({
  ...calendarCorrectionCounts,
  calendarsAffected: z.array(z.string()).describe('Keys of the calendars that observe the holiday set'),
});
