import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client';
import { asJson, type Database } from '../../platform/database';
import { validateCalendarSpec, type CalendarSpec } from '../../sla/calendar-spec';
import { logUnreadable, openIntervals, readableRows, readColumn, weekColumn } from '../../store/json-columns';
import { refuseProblems, writeOrConflict } from '../configuration-errors';
import { correctOpenWorkOnCalendars } from '../corrections';
import { ApiError } from '../errors';
import { defineRoute, idParams, Reply } from '../route';
import {
  calendarListQuery,
  calendarResponse,
  correctedCalendarResponse,
  createCalendarBody,
  exceptionBody,
  exceptionParams,
  updateCalendarBody,
} from '../schemas/calendars';
import { ADMIN, dateColumn, dateOf, STAFF } from '../schemas/common';
import { policiesNamingCalendar } from '../sla-references';
import { iso } from '../../sla/iso';

const withExceptions = { exceptions: { orderBy: { date: 'asc' } } } satisfies Prisma.CalendarInclude;
type CalendarRow = Prisma.CalendarGetPayload<{ include: typeof withExceptions }>;

function present(row: CalendarRow): z.infer<typeof calendarResponse> {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    timeZone: row.timeZone,
    week: readColumn(weekColumn, row.week, { table: 'calendar', id: row.id, column: 'week' }),
    holidayHours: readColumn(openIntervals, row.holidayHours, {
      table: 'calendar',
      id: row.id,
      column: 'holidayHours',
    }),
    holidaySet: row.holidaySet,
    version: row.version,
    exceptions: row.exceptions.map((e) => ({
      date: dateOf(e.date),
      intervals: readColumn(openIntervals, e.intervals, { table: 'calendar exception', id: e.id, column: 'intervals' }),
      note: e.note,
    })),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

async function calendarOr404(db: Database, id: string): Promise<CalendarRow> {
  const row = await db.calendar.findUnique({ where: { id }, include: withExceptions });
  if (!row) throw ApiError.notFound('calendar', id);
  return row;
}

type CalendarHours = Pick<CalendarSpec, 'key' | 'name' | 'timeZone' | 'week' | 'holidayHours'>;

/** What validateCalendarSpec checks; holidays live in their set and are checked there. */
function specOf(hours: CalendarHours, exceptions: CalendarSpec['exceptions']): CalendarSpec {
  return { ...hours, holidays: [], exceptions };
}

function storedHours(row: CalendarRow): CalendarHours {
  const { week, holidayHours } = present(row);
  return { key: row.key, name: row.name, timeZone: row.timeZone, week, holidayHours };
}

/** Saves a change as a new version of the calendar and tells the tickets that count on it. */
async function calendarChanged(
  deps: Parameters<typeof correctOpenWorkOnCalendars>[0],
  id: string,
  reason: string,
  data: Prisma.CalendarUpdateInput = {},
) {
  const row = await deps.db.calendar.update({
    where: { id },
    data: { ...data, version: { increment: 1 } },
    include: withExceptions,
  });
  const counts = await correctOpenWorkOnCalendars(
    deps,
    [row.key],
    `${reason} (calendar ${row.key}, version ${row.version})`,
  );
  return { ...present(row), ...counts };
}

export const calendarRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/calendars',
    tag: 'calendars',
    summary: 'List business calendars with their exceptions',
    roles: STAFF,
    query: calendarListQuery,
    response: z.object({ items: z.array(calendarResponse) }),
    handler: async ({ query, deps }) => {
      const rows = await deps.db.calendar.findMany({
        where: query.key ? { key: query.key } : {},
        include: withExceptions,
        orderBy: { key: 'asc' },
      });
      return { items: readableRows(rows, present, logUnreadable(deps.logger, 'the list of calendars')) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/calendars/:id',
    tag: 'calendars',
    summary: 'A business calendar with its exceptions',
    roles: STAFF,
    params: idParams,
    response: calendarResponse,
    handler: async ({ params, deps }) => present(await calendarOr404(deps.db, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/calendars',
    tag: 'calendars',
    summary:
      'Create a business calendar: weekly open hours, holiday hours, the holiday set it observes, dated exceptions',
    roles: ADMIN,
    body: createCalendarBody,
    status: 201,
    errors: [409],
    response: calendarResponse,
    handler: async ({ body, deps }) => {
      refuseProblems(validateCalendarSpec(specOf(body, body.exceptions)));
      const row = await writeOrConflict(
        deps.db.calendar.create({
          data: {
            key: body.key,
            name: body.name,
            timeZone: body.timeZone,
            week: asJson(body.week),
            holidayHours: asJson(body.holidayHours),
            holidaySet: body.holidaySet,
            exceptions: {
              create: body.exceptions.map((e) => ({
                date: dateColumn(e.date),
                intervals: asJson(e.intervals),
                note: e.note ?? null,
              })),
            },
          },
          include: withExceptions,
        }),
        `a calendar with key ${body.key} already exists`,
      );
      return present(row);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/calendars/:id',
    tag: 'calendars',
    summary: 'Change a calendar (not its key); tickets in flight that count on it recompute their deadlines',
    roles: ADMIN,
    params: idParams,
    body: updateCalendarBody,
    response: correctedCalendarResponse,
    handler: async ({ params, body, deps }) => {
      const current = await calendarOr404(deps.db, params.id);
      const stored = storedHours(current);
      const next: CalendarHours = {
        key: current.key,
        name: body.name ?? stored.name,
        timeZone: body.timeZone ?? stored.timeZone,
        week: body.week ?? stored.week,
        holidayHours: body.holidayHours ?? stored.holidayHours,
      };
      refuseProblems(validateCalendarSpec(specOf(next, [])));
      return calendarChanged(deps, params.id, `${Object.keys(body).join(', ')} changed`, {
        name: next.name,
        timeZone: next.timeZone,
        week: asJson(next.week),
        holidayHours: asJson(next.holidayHours),
        ...(body.holidaySet !== undefined && { holidaySet: body.holidaySet }),
      });
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/calendars/:id',
    tag: 'calendars',
    summary: 'Delete a calendar no policy counts on (409 naming the policies that do)',
    roles: ADMIN,
    params: idParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      const current = await calendarOr404(deps.db, params.id);
      const users = await policiesNamingCalendar(deps.db, current.key);
      if (users.length > 0) {
        throw new ApiError('conflict', `calendar ${current.key} is still used by ${users.join(', ')}`, {
          reason: 'in_use',
        });
      }
      await deps.db.calendar.delete({ where: { id: params.id } });
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v1/calendars/:id/exceptions/:date',
    tag: 'calendars',
    summary: "Set a date's own open hours ([] closes it); tickets in flight recompute their deadlines",
    roles: ADMIN,
    params: exceptionParams,
    body: exceptionBody,
    response: correctedCalendarResponse,
    handler: async ({ params, body, deps }) => {
      const current = await calendarOr404(deps.db, params.id);
      refuseProblems(
        validateCalendarSpec(specOf(storedHours(current), [{ date: params.date, intervals: body.intervals }])),
        (path) => `body.${path.replace(/^exceptions\[0\]\./, '')}`,
      );
      const date = dateColumn(params.date);
      const fields = { intervals: asJson(body.intervals), note: body.note ?? null };
      await deps.db.calendarException.upsert({
        where: { calendarId_date: { calendarId: params.id, date } },
        create: { calendarId: params.id, date, ...fields },
        update: fields,
      });
      return calendarChanged(deps, params.id, `exception on ${params.date} set`);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/calendars/:id/exceptions/:date',
    tag: 'calendars',
    summary: 'Remove the exception on a date; tickets in flight recompute their deadlines',
    roles: ADMIN,
    params: exceptionParams,
    response: correctedCalendarResponse,
    handler: async ({ params, deps }) => {
      await calendarOr404(deps.db, params.id);
      const removed = await deps.db.calendarException.deleteMany({
        where: { calendarId: params.id, date: dateColumn(params.date) },
      });
      if (removed.count === 0)
        throw new ApiError('not_found', `calendar ${params.id} has no exception on ${params.date}`);
      return calendarChanged(deps, params.id, `exception on ${params.date} removed`);
    },
  }),
];
