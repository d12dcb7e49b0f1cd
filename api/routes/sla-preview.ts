import { z } from 'zod';
import type { Policy } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import { calendarsOf, loadCalendarSpecs } from '../../store/sla-config';
import { compileCalendar, type BusinessCalendar } from '../../sla/calendar';
import { formatJalali, formatJalaliLatin } from '../../sla/jalali';
import type { Priority, ResolutionAnchor, TicketPolicy } from '../../sla/policy';
import type { TargetSpec } from '../../sla/targets';
import { ticketClock, type TargetClock, type TargetName } from '../../sla/ticket-clock';
import { roles } from '../auth';
import { checkedDefinition } from './admin-policies';
import { ApiError } from '../errors';
import { defineRoute } from '../route';
import { slaPreviewBody, slaPreviewResponse } from '../schemas/sla-preview';
import { readDefinition } from '../../store/json-columns';
import { iso } from '../../sla/iso';

/**
 * Every deadline a ticket opened now would get, computed by ticketClock, the function the ticket
 * workflow keeps its clock with, on the calendars and policy as stored: an administrator's
 * corrections apply to the preview at once, and the preview and a real ticket always agree.
 */

type Preview = z.infer<typeof slaPreviewResponse>;

async function ticketPolicyRow(db: Database, body: z.infer<typeof slaPreviewBody>): Promise<Policy> {
  if (body.preset !== undefined) {
    const row = await db.policy.findUnique({ where: { kind_key: { kind: 'ticket', key: body.preset } } });
    if (!row) throw refuse('body.preset', `no ticket policy has the key ${body.preset}`);
    return row;
  }
  const row = await db.policy.findUnique({ where: { id: body.policyId! } });
  if (!row) throw refuse('body.policyId', `policy ${body.policyId} does not exist`);
  if (row.kind !== 'ticket')
    throw refuse('body.policyId', `policy ${row.key} holds ${row.kind} terms, not a ticket policy`);
  return row;
}

function refuse(field: string, reason: string): ApiError {
  return new ApiError('unprocessable', reason, { invalidFields: [{ field, reason }] });
}

async function compiledCalendars(db: Database, policy: TicketPolicy): Promise<(key: string) => BusinessCalendar> {
  const compiled = new Map(
    (await loadCalendarSpecs(db, calendarsOf(policy))).map((spec) => [spec.key, compileCalendar(spec)]),
  );
  return (key) => {
    const calendar = compiled.get(key);
    if (!calendar) throw new Error(`calendar ${key} was not loaded`);
    return calendar;
  };
}

function targetSpecOf(policy: TicketPolicy, priority: Priority, target: TargetName): TargetSpec {
  if (target === 'review') return policy.reviewDeadline;
  const terms = policy.priorities[priority];
  return target === 'first_response' ? terms.firstResponse : terms.resolution;
}

const tehran = (ms: number) => ({ iso: iso(ms), jalali: formatJalali(ms), jalaliLatin: formatJalaliLatin(ms) });

function presentTarget(clock: TargetClock, spec: TargetSpec, countsFrom: ResolutionAnchor): Preview['targets'][number] {
  const due = clock.dueAtMs === null ? null : tehran(clock.dueAtMs);
  return {
    target: clock.target,
    unit: spec.unit,
    amount: spec.amount ?? null,
    calendar: clock.calendar,
    countsFrom,
    dueAt: due?.iso ?? null,
    dueAtJalali: due?.jalali ?? null,
    dueAtJalaliLatin: due?.jalaliLatin ?? null,
    businessMinutesAllowed: clock.allowedMinutes,
    alarms: [...clock.alarms]
      .sort((a, b) => a.atMs - b.atMs)
      .map((alarm) => {
        const at = tehran(alarm.atMs);
        return {
          kind: alarm.kind,
          percent: alarm.percent,
          at: at.iso,
          atJalali: at.jalali,
          atJalaliLatin: at.jalaliLatin,
          action: alarm.action,
        };
      }),
  };
}

export const slaPreviewRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/sla/preview',
    tag: 'sla',
    summary:
      'Every deadline a ticket of this plan and priority opened at `openedAt` would get, in Tehran time and Jalali',
    roles,
    body: slaPreviewBody,
    errors: [422],
    response: slaPreviewResponse,
    handler: async ({ body, deps }) => {
      const row = await ticketPolicyRow(deps.db, body);
      // An unsaved edit is checked as saving it would be (problems named under body.definition), then previewed.
      const policy =
        body.definition === undefined
          ? readDefinition({ ...row, kind: 'ticket' })
          : ((await checkedDefinition(
              deps.db,
              { kind: 'ticket', definition: body.definition },
              row.key,
            )) as TicketPolicy);
      const openedAtMs = Date.parse(body.openedAt);
      const clocks = ticketClock({
        policy,
        priority: body.priority,
        calendars: await compiledCalendars(deps.db, policy),
        openedAtMs,
        cycle: { startMs: openedAtMs, pauses: [] },
        nowMs: openedAtMs,
      });
      const dueOf = (target: TargetName) => {
        const dueAtMs = clocks.find((clock) => clock.target === target)?.dueAtMs ?? null;
        return dueAtMs === null ? null : iso(dueAtMs);
      };
      const opened = tehran(openedAtMs);
      return {
        policy: { id: row.id, key: row.key, name: row.name, version: row.version },
        priority: body.priority,
        ticketsAllowed: policy.ticketsAllowed,
        openedAt: opened.iso,
        openedAtJalali: opened.jalali,
        openedAtJalaliLatin: opened.jalaliLatin,
        firstResponseDueAt: dueOf('first_response'),
        resolutionDueAt: dueOf('resolution'),
        reviewDueAt: dueOf('review'),
        targets: clocks.map((clock) =>
          presentTarget(
            clock,
            targetSpecOf(policy, body.priority, clock.target),
            clock.target === 'resolution' ? (policy.priorities[body.priority].resolutionFrom ?? 'opening') : 'opening',
          ),
        ),
      };
    },
  }),
];
