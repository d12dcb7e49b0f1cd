import { z } from 'zod';
import type { Holiday, Prisma } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { writeOrConflict } from '../configuration-errors';
import { correctOpenWorkOnCalendars } from '../corrections';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { defineRoute, idParams } from '../route';
import { daysUntil, ESTIMATE_WARNING_DAYS, needsEstimateWarning } from '../../sla/holidays';
import {
  confirmHolidayBody,
  correctedHolidayResponse,
  correctHolidayBody,
  createHolidayBody,
  estimatedHolidaysQuery,
  estimatedHolidaysResponse,
  holidayListQuery,
  holidayResponse,
  updateHolidayBody,
} from '../schemas/calendars';
import { ADMIN, dateColumn, dateOf, STAFF } from '../schemas/common';
import { iso, isoOrNull } from '../../sla/iso';

/**
 * Dated official holidays in named sets (Pasban rule 3). The computed defaults are only a
 * forecast for the lunar dates, so an administrator adds, moves and removes dates; every
 * calendar observing the set gets a new version, and its tickets in flight their new deadlines.
 */

const present = (row: Holiday): z.infer<typeof holidayResponse> => ({
  id: row.id,
  set: row.set,
  date: dateOf(row.date),
  name: row.name,
  nameEn: row.nameEn,
  source: row.source,
  estimated: row.source === 'computed',
  reference: row.reference,
  confirmedAt: isoOrNull(row.confirmedAt),
  confirmedBy: row.confirmedBy,
  updatedAt: iso(row.updatedAt),
});

const todayInTehran = () => iso(Date.now()).slice(0, 10);

function notAnEstimate(row: Holiday): ApiError {
  return new ApiError(
    'conflict',
    `holiday ${row.id} on ${dateOf(row.date)} is ${row.source}, not an estimate; PATCH it to change it`,
    {
      reason: 'holiday_not_estimated',
    },
  );
}

async function holidayOr404(db: Database, id: string): Promise<Holiday> {
  const row = await db.holiday.findUnique({ where: { id } });
  if (!row) throw ApiError.notFound('holiday', id);
  return row;
}

async function holidaySetChanged(deps: AppDeps, set: string, reason: string) {
  const calendars = await deps.db.calendar.findMany({
    where: { holidaySet: set },
    select: { key: true },
    orderBy: { key: 'asc' },
  });
  await deps.db.calendar.updateMany({ where: { holidaySet: set }, data: { version: { increment: 1 } } });
  const keys = calendars.map((c) => c.key);
  return { calendarsAffected: keys, ...(await correctOpenWorkOnCalendars(deps, keys, reason)) };
}

const NOTHING_TOLD = {
  ticketsSignalled: 0,
  ticketsFailed: 0,
  claimsSignalled: 0,
  claimsFailed: 0,
  changeRequestsSignalled: 0,
  changeRequestsFailed: 0,
};

const taken = (set: string, date: string) => `the set ${set} already has a holiday on ${date}; move or rename that one`;

export const holidayRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/holidays',
    tag: 'holidays',
    summary: 'List official holidays, by set and date range',
    roles: STAFF,
    query: holidayListQuery,
    response: z.object({ items: z.array(holidayResponse) }),
    handler: async ({ query, deps }) => {
      const where: Prisma.HolidayWhereInput = {
        ...(query.set && { set: query.set }),
        ...((query.from || query.to) && {
          date: { ...(query.from && { gte: dateColumn(query.from) }), ...(query.to && { lte: dateColumn(query.to) }) },
        }),
      };
      const rows = await deps.db.holiday.findMany({ where, orderBy: [{ set: 'asc' }, { date: 'asc' }] });
      return { items: rows.map(present) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/holidays/estimated',
    tag: 'holidays',
    summary: `Estimated holidays still to confirm (years whose official calendar is not entered), with a warning for each one within ${ESTIMATE_WARNING_DAYS} days`,
    roles: STAFF,
    query: estimatedHolidaysQuery,
    response: estimatedHolidaysResponse,
    handler: async ({ query, deps }) => {
      const asOf = query.asOf ?? todayInTehran();
      const rows = await deps.db.holiday.findMany({
        where: { source: 'computed', date: { gte: dateColumn(asOf) }, ...(query.set && { set: query.set }) },
        orderBy: [{ date: 'asc' }, { set: 'asc' }],
      });
      const items = rows.map((row) => ({ holiday: present(row), daysUntil: daysUntil(asOf, dateOf(row.date)) }));
      const warnings = items
        .filter((item) => needsEstimateWarning(item.daysUntil))
        .map(({ holiday, daysUntil: days }) => ({
          holidayId: holiday.id,
          date: holiday.date,
          daysUntil: days,
          message: `${holiday.nameEn ?? holiday.name} on ${holiday.date} (${holiday.set}) is an estimate ${days} days ahead: confirm it or correct it to the official date`,
        }));
      return { asOf, warningDays: ESTIMATE_WARNING_DAYS, items, warnings };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/holidays/:id/confirm',
    tag: 'holidays',
    summary: 'Confirm an estimated holiday as the official date; it stops being an estimate',
    roles: ADMIN,
    params: idParams,
    body: confirmHolidayBody,
    errors: [409],
    response: holidayResponse,
    handler: async ({ params, body, deps, principal }) => {
      const current = await holidayOr404(deps.db, params.id);
      if (current.source !== 'computed') throw notAnEstimate(current);
      const row = await deps.db.holiday.update({
        where: { id: params.id },
        data: {
          source: 'admin',
          confirmedAt: new Date(),
          confirmedBy: principal.keyId,
          ...(body.reference && { reference: body.reference }),
        },
      });
      return present(row);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/holidays/:id/correction',
    tag: 'holidays',
    summary:
      'Correct an estimated holiday to its official date; open tickets, claims and change requests on calendars observing the set recompute',
    roles: ADMIN,
    params: idParams,
    body: correctHolidayBody,
    errors: [409],
    response: correctedHolidayResponse,
    handler: async ({ params, body, deps, principal }) => {
      const current = await holidayOr404(deps.db, params.id);
      if (current.source !== 'computed') throw notAnEstimate(current);
      const from = dateOf(current.date);
      const row = await writeOrConflict(
        deps.db.holiday.update({
          where: { id: params.id },
          data: {
            date: dateColumn(body.date),
            ...(body.name && { name: body.name }),
            ...(body.nameEn && { nameEn: body.nameEn }),
            source: 'admin',
            confirmedAt: new Date(),
            confirmedBy: principal.keyId,
            ...(body.reference && { reference: body.reference }),
          },
        }),
        taken(current.set, body.date),
      );
      if (body.date === from) return { ...present(row), calendarsAffected: [], ...NOTHING_TOLD };
      return {
        ...present(row),
        ...(await holidaySetChanged(
          deps,
          row.set,
          `estimated holiday in ${row.set} corrected from ${from} to ${body.date}`,
        )),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/holidays/:id',
    tag: 'holidays',
    summary: 'One official holiday',
    roles: STAFF,
    params: idParams,
    response: holidayResponse,
    handler: async ({ params, deps }) => present(await holidayOr404(deps.db, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/holidays',
    tag: 'holidays',
    summary: 'Add a holiday to a set; tickets in flight on calendars observing the set recompute their deadlines',
    roles: ADMIN,
    body: createHolidayBody,
    status: 201,
    errors: [409],
    response: correctedHolidayResponse,
    handler: async ({ body, deps }) => {
      const row = await writeOrConflict(
        deps.db.holiday.create({
          data: {
            set: body.set,
            date: dateColumn(body.date),
            name: body.name,
            nameEn: body.nameEn ?? null,
            source: 'admin',
          },
        }),
        taken(body.set, body.date),
      );
      return {
        ...present(row),
        ...(await holidaySetChanged(deps, row.set, `holiday on ${body.date} added to ${row.set}`)),
      };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/holidays/:id',
    tag: 'holidays',
    summary: 'Rename a holiday or move it to another date; a move reaches tickets in flight',
    roles: ADMIN,
    params: idParams,
    body: updateHolidayBody,
    errors: [409],
    response: correctedHolidayResponse,
    handler: async ({ params, body, deps }) => {
      const current = await holidayOr404(deps.db, params.id);
      const from = dateOf(current.date);
      const row = await writeOrConflict(
        deps.db.holiday.update({
          where: { id: params.id },
          data: {
            ...(body.date && { date: dateColumn(body.date) }),
            ...(body.name && { name: body.name }),
            ...(body.nameEn !== undefined && { nameEn: body.nameEn }),
            source: 'admin',
          },
        }),
        taken(current.set, body.date ?? from),
      );
      const to = dateOf(row.date);
      if (to === from) return { ...present(row), calendarsAffected: [], ...NOTHING_TOLD };
      return {
        ...present(row),
        ...(await holidaySetChanged(deps, row.set, `holiday in ${row.set} moved from ${from} to ${to}`)),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/holidays/:id',
    tag: 'holidays',
    summary: 'Remove a holiday from its set; answers the removed holiday and the tickets told',
    roles: ADMIN,
    params: idParams,
    response: correctedHolidayResponse,
    handler: async ({ params, deps }) => {
      const current = await holidayOr404(deps.db, params.id);
      await deps.db.holiday.delete({ where: { id: params.id } });
      const reason = `holiday on ${dateOf(current.date)} removed from ${current.set}`;
      return { ...present(current), ...(await holidaySetChanged(deps, current.set, reason)) };
    },
  }),
];
