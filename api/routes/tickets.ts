import { z } from 'zod';
import type { Prisma, Ticket } from '../../generated/prisma/client';
import { formatJalali } from '../../sla/jalali';
import { PRIORITIES } from '../../sla/policy';
import { TARGET_STATES } from '../../sla/ticket-clock';
import { actingCustomerId, actorOf, type Principal } from '../auth';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { IDEMPOTENT_COMMAND, IDEMPOTENT_CREATION, idempotencyKeyOf, line, requestingCustomer, text } from '../requests';
import { defineRoute, idParams, Reply, type HandlerContext } from '../route';
import { isoInstant } from '../schemas/common';
import { assertInWorkScope, inWorkScope, presentTimeline, seesInternals, timelineEvent } from '../visibility';
import {
  assignTicket,
  commandTicket,
  openTicket,
  readTicket,
  resolveTicket,
  type TicketCommandRequest,
  type TicketView,
} from '../services/tickets';
import { resolveAssignee, type Assignee } from '../../store/ticket-assignee';
import { logUnreadable, readableRows, readTicketClock } from '../../store/json-columns';
import { iso, isoOrNull } from '../../sla/iso';

const STAFF = ['agent', 'manager', 'admin'] as const;
const EVERYONE = ['customer', 'agent', 'qa', 'manager', 'admin'] as const;

const createTicketBody = z.strictObject({
  customerId: z.uuid().optional(),
  productId: z.uuid(),
  priority: z.enum(PRIORITIES),
  subject: line(200),
  description: text(10_000),
  channel: z.enum(['portal', 'email', 'phone', 'api']).default('api'),
});

const instant = z.string().nullable();
const targetClockResponse = z.object({
  target: z.enum(['first_response', 'resolution', 'review']),
  state: z
    .enum(TARGET_STATES)
    .describe(
      'stopped: the ticket was cancelled or closed before this target was met; its time no longer counts. awaiting_review: the resolution has no deadline until the review (POST /v1/tickets/:id/review): a committed date (rule 5), or, where the fix counts from the review result (rule 13, Avanak), the confirmed fault starts it',
    ),
  calendar: z.string(),
  startedAt: z.string(),
  dueAt: instant,
  dueAtJalali: z.string().nullable(),
  allowedMinutes: z.number().nullable(),
  usedMinutes: z.number(),
  leftMinutes: z.number().nullable(),
  paused: z.boolean(),
  breached: z.boolean(),
  completedAt: instant,
});

const ticketResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  productId: z.uuid(),
  contractId: z.uuid(),
  policyKey: z.string(),
  priority: z.enum(PRIORITIES),
  subject: z.string(),
  description: z.string(),
  channel: z.string(),
  status: z.enum(['new', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'cancelled']),
  assignee: z
    .uuid()
    .nullable()
    .describe(
      'The staff user the ticket is assigned to (what POST /v1/tickets/:id/assign takes and `?assignee=` filters by); null when unassigned',
    ),
  assigneeName: z
    .string()
    .nullable()
    .describe(
      "The assignee's name; for an assignment made before assignees were people that names no user, its free text (with `assignee` null)",
    ),
  openedAt: z.string(),
  firstResponseAt: instant,
  resolvedAt: instant,
  closedAt: instant,
  cancelReason: z.string().nullable(),
  breached: z.boolean(),
  clock: z.object({
    live: z
      .boolean()
      .describe(
        'true when read from the running workflow; false when from the database record, or, before the workflow has recorded one, computed from the plan as at opening and run forward to asOf',
      ),
    asOf: z.string(),
    cycle: z.number().int(),
    targets: z.array(targetClockResponse),
    nextAlarm: z
      .object({ target: z.string(), kind: z.string(), percent: z.number(), at: z.string() })
      .nullable()
      .describe(
        "The workflow's next timer (a warning, the breach or an escalation to staff); null when none is left, and always null for customers",
      ),
  }),
});
type TicketResponse = z.infer<typeof ticketResponse>;

const UNASSIGNED: Assignee = { userId: null, name: null };

/** Who the view's assignee is (a user id since issue 15; free text on older tickets). */
async function assigneeOfView(deps: AppDeps, row: Ticket, view: TicketView): Promise<Assignee> {
  if (view.assignee === null) return UNASSIGNED;
  const product = await deps.db.product.findUniqueOrThrow({ where: { id: row.productId }, select: { vendorId: true } });
  return resolveAssignee(deps.db, view.assignee, product.vendorId);
}

function present(
  row: Ticket,
  view: TicketView,
  live: boolean,
  principal: Principal,
  assignee: Assignee,
): TicketResponse {
  return {
    id: row.id,
    customerId: row.customerId,
    productId: row.productId,
    contractId: row.contractId,
    policyKey: row.policyKey,
    priority: view.priority,
    subject: row.subject,
    description: row.description,
    channel: row.channel,
    status: view.status,
    assignee: assignee.userId,
    assigneeName: assignee.name,
    openedAt: iso(row.openedAt),
    firstResponseAt: isoOrNull(view.firstResponseAtMs),
    resolvedAt: isoOrNull(view.resolvedAtMs),
    closedAt: isoOrNull(view.closedAtMs),
    cancelReason: view.cancelReason,
    breached: view.breached,
    clock: {
      live,
      asOf: iso(view.asOfMs),
      cycle: view.cycle,
      targets: view.targets.map((t) => ({
        target: t.target,
        state: t.state,
        calendar: t.calendar,
        startedAt: iso(t.startMs),
        dueAt: isoOrNull(t.dueAtMs),
        dueAtJalali: t.dueAtMs === null ? null : formatJalali(t.dueAtMs),
        allowedMinutes: t.allowedMinutes,
        usedMinutes: Math.round(t.usedMinutes * 10) / 10,
        leftMinutes: t.leftMinutes === null ? null : Math.round(t.leftMinutes * 10) / 10,
        paused: t.paused,
        breached: t.breached,
        completedAt: isoOrNull(t.completedAtMs),
      })),
      // The next alarm is the staff's (warnings, escalations to managers): a customer sees the deadlines only.
      nextAlarm:
        seesInternals(principal) && view.nextAlarm
          ? {
              target: view.nextAlarm.target,
              kind: view.nextAlarm.kind,
              percent: view.nextAlarm.percent,
              at: iso(view.nextAlarm.atMs),
            }
          : null,
    },
  };
}

/** A ticket the principal may see; anyone else's is "not found", so ids cannot be probed. */
async function getTicketOrThrow(deps: AppDeps, id: string, principal: Principal): Promise<Ticket> {
  const row = await deps.db.ticket.findUnique({ where: { id } });
  if (!row || (principal.role === 'customer' && row.customerId !== principal.customerId))
    throw ApiError.notFound('ticket', id);
  await assertInWorkScope(deps.db, principal, row.productId, 'ticket', id);
  return row;
}

/** A ticket as a read answers it: the running workflow's clock, the recorded one, or the opening one. */
async function read(deps: AppDeps, row: Ticket, principal: Principal): Promise<TicketResponse> {
  const { view, live } = await readTicket(deps, row);
  return present(row, view, live, principal, await assigneeOfView(deps, row, view));
}

/** How a refusal names a command whose path is not its verb ("cannot reply: the ticket is cancelled"). */
const VERBS: Partial<Record<string, string>> = {
  replies: 'reply',
  status: 'set the status',
  priority: 'change the priority',
  review: 'record the review',
};

/**
 * A command on one ticket: visibility check, then the ticket service sends it to the workflow
 * (../services/workflow-command); answers the ticket as it now stands.
 */
function command<Body>(
  path: string,
  summary: string,
  roles: readonly (typeof EVERYONE)[number][],
  body: z.ZodType<Body>,
  send: (
    ctx: HandlerContext<{ id: string }, unknown, Body>,
    row: Ticket,
    request: TicketCommandRequest,
  ) => Promise<TicketView>,
) {
  return defineRoute({
    method: 'post',
    path: `/v1/tickets/:id/${path}`,
    tag: 'tickets',
    summary,
    roles,
    params: idParams,
    body,
    errors: [409],
    idempotencyKey: IDEMPOTENT_COMMAND,
    response: ticketResponse,
    handler: async (ctx) => {
      const row = await getTicketOrThrow(ctx.deps, ctx.params.id, ctx.principal);
      const request = {
        name: path,
        ...(VERBS[path] && { verb: VERBS[path] }),
        principal: ctx.principal,
        idempotencyKey: idempotencyKeyOf(ctx.headers),
      };
      const view = await send(ctx, row, request);
      return present(row, view, true, ctx.principal, await assigneeOfView(ctx.deps, row, view));
    },
  });
}

const listQuery = z.strictObject({
  status: z.enum(['new', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'cancelled']).optional(),
  priority: z.enum(PRIORITIES).optional(),
  customerId: z.uuid().optional(),
  productId: z.uuid().optional(),
  breached: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  atRisk: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('open, not breached, next deadline within the hour'),
  order: z
    .enum(['newest', 'due'])
    .default('newest')
    .describe('newest first, or the next deadline first (tickets without one last)'),
  assignee: z
    .union([z.enum(['me', 'none']), z.uuid()])
    .optional()
    .describe(
      'me: assigned to you; none: assigned to nobody (an old free-text assignee that names no user counts as nobody); a user id: assigned to that person',
    ),
  departmentId: z.uuid().optional().describe("tickets of this department's products"),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("text in the subject, the description or the customer's name (any case)"),
  openedFrom: isoInstant.optional().describe('opened at or after this instant'),
  openedTo: isoInstant.optional().describe('opened before this instant'),
  updatedFrom: isoInstant.optional().describe('last changed at or after this instant'),
  updatedTo: isoInstant.optional().describe('last changed before this instant'),
  sort: z
    .enum(['opened', 'deadline', 'age'])
    .optional()
    .describe(
      'opened: newest first (the default); deadline: the next deadline soonest first, tickets without one last (same as order=due); age: oldest first. Wins over order',
    ),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.uuid().optional().describe('the last id of the previous page'),
});

const OPEN_STATUSES = ['new', 'in_progress', 'waiting_on_customer'] as const;

export const ticketRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/tickets',
    tag: 'tickets',
    summary: "Open a ticket (a customer for itself, or staff on a customer's behalf); the answer carries its deadlines",
    roles: ['customer', 'agent', 'manager', 'admin'],
    body: createTicketBody,
    status: 201,
    errors: [409, 422],
    idempotencyKey: IDEMPOTENT_CREATION,
    response: ticketResponse,
    handler: async ({ body, principal, headers, deps }) => {
      const customerId = requestingCustomer(principal, body.customerId, 'open a ticket');
      const opened = await openTicket(deps, principal, customerId, body, idempotencyKeyOf(headers));
      if (!opened.replayed) return present(opened.row, opened.view, false, principal, UNASSIGNED);
      const assignee = await assigneeOfView(deps, opened.row, opened.view);
      return new Reply(200, present(opened.row, opened.view, opened.live, principal, assignee), {
        'Idempotent-Replayed': 'true',
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets',
    tag: 'tickets',
    summary:
      "List tickets, newest first, by next deadline or oldest first (a customer sees only its own; staff their vendor's, managers their departments')",
    roles: EVERYONE,
    query: listQuery,
    response: z.object({
      items: z.array(ticketResponse.omit({ clock: true, description: true }).extend({ nextDeadlineAt: instant })),
      nextCursor: z.uuid().nullable(),
    }),
    handler: async ({ query, principal, deps }) => {
      const customerId = actingCustomerId(principal, query.customerId);
      const range = (from?: string, to?: string) =>
        from || to ? { ...(from && { gte: new Date(from) }), ...(to && { lt: new Date(to) }) } : undefined;
      const opened = range(query.openedFrom, query.openedTo);
      const updated = range(query.updatedFrom, query.updatedTo);
      const where: Prisma.TicketWhereInput = {
        AND: [
          inWorkScope(principal),
          query.departmentId ? { product: { departmentId: query.departmentId } } : {},
          query.q
            ? {
                OR: [
                  { subject: { contains: query.q, mode: 'insensitive' } },
                  { description: { contains: query.q, mode: 'insensitive' } },
                  { customer: { name: { contains: query.q, mode: 'insensitive' } } },
                ],
              }
            : {},
        ],
        ...(query.assignee && {
          assigneeUserId:
            query.assignee === 'none' ? null : query.assignee === 'me' ? principal.userId : query.assignee,
        }),
        ...(opened && { openedAt: opened }),
        ...(updated && { updatedAt: updated }),
        ...(customerId && { customerId }),
        ...(query.status && { status: query.status }),
        ...(query.priority && { priority: query.priority }),
        ...(query.productId && { productId: query.productId }),
        ...(query.breached !== undefined && { breached: query.breached }),
        ...(query.atRisk && {
          breached: false,
          status: { in: [...OPEN_STATUSES] },
          nextDeadlineAt: { lte: new Date(Date.now() + 3600_000) },
        }),
      };
      const sort = query.sort ?? (query.order === 'due' ? 'deadline' : 'opened');
      const orderBy: Prisma.TicketOrderByWithRelationInput[] =
        sort === 'deadline'
          ? [{ nextDeadlineAt: { sort: 'asc', nulls: 'last' } }, { openedAt: 'asc' }, { id: 'asc' }]
          : sort === 'age'
            ? [{ openedAt: 'asc' }, { id: 'asc' }]
            : [{ openedAt: 'desc' }, { id: 'desc' }];
      const rows = await deps.db.ticket.findMany({
        where,
        include: { assigneeUser: { select: { name: true } } },
        orderBy,
        take: query.limit + 1,
        ...(query.cursor && { cursor: { id: query.cursor }, skip: 1 }),
      });
      const page = rows.slice(0, query.limit);
      return {
        items: readableRows(
          page,
          (row) => {
            const assignee = { userId: row.assigneeUserId, name: row.assigneeUser?.name ?? row.assignee };
            const {
              clock: _clock,
              description: _description,
              ...summary
            } = present(row, readTicketClock(row) ?? emptyView(row), false, principal, assignee);
            return { ...summary, nextDeadlineAt: isoOrNull(row.nextDeadlineAt?.getTime()) };
          },
          logUnreadable(deps.logger, 'a list of tickets'),
        ),
        nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/:id',
    tag: 'tickets',
    summary: 'A ticket with its live SLA clock: each deadline, business minutes left, paused or breached',
    roles: EVERYONE,
    params: idParams,
    response: ticketResponse,
    handler: async ({ params, principal, deps }) =>
      read(deps, await getTicketOrThrow(deps, params.id, principal), principal),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tickets/:id/events',
    tag: 'tickets',
    summary:
      "The ticket's timeline: who did what, when (a customer sees what is addressed to it: no internal notes or escalations)",
    roles: EVERYONE,
    params: idParams,
    response: z.object({ items: z.array(timelineEvent) }),
    handler: async ({ params, principal, deps }) => {
      const row = await getTicketOrThrow(deps, params.id, principal);
      const events = await deps.db.ticketEvent.findMany({ where: { ticketId: row.id }, orderBy: { sequence: 'asc' } });
      return { items: await presentTimeline(deps.db, principal, 'ticket', events) };
    },
  }),
  command(
    'replies',
    "Reply: a customer's reply, or an agent's (public by default; the first public one is the first response)",
    EVERYONE,
    z.strictObject({ body: text(10_000), public: z.boolean().default(true) }),
    ({ body, principal, deps }, row, request) =>
      commandTicket(
        deps,
        row,
        request,
        principal.role === 'customer'
          ? { type: 'customerReply', actor: actorOf(principal), body: body.body }
          : { type: 'agentReply', actor: actorOf(principal), public: body.public, body: body.body },
      ),
  ),
  command(
    'status',
    'Set in progress or waiting on the customer (which pauses the resolution clock)',
    STAFF,
    z.strictObject({ status: z.enum(['in_progress', 'waiting_on_customer']) }),
    ({ body, principal, deps }, row, request) =>
      commandTicket(deps, row, request, { type: 'setStatus', actor: actorOf(principal), status: body.status }),
  ),
  command(
    'priority',
    "Change the priority: targets are recomputed from the ticket's start",
    STAFF,
    z.strictObject({ priority: z.enum(PRIORITIES), reason: text(1000) }),
    ({ body, principal, deps }, row, request) =>
      commandTicket(deps, row, request, {
        type: 'changePriority',
        actor: actorOf(principal),
        priority: body.priority,
        reason: body.reason,
      }),
  ),
  command(
    'assign',
    'Assign the ticket to a person: a staff user of the ticket\'s vendor who works tickets (agent, manager or admin; an agent may take it themselves). They hear of it in their inbox (and by e-mail when they have an address), and its "assignee" alarms reach them',
    STAFF,
    z.strictObject({
      assignee: z
        .uuid()
        .describe(
          'The user id of the person to assign (GET /v1/users lists them; GET /v1/sessions/current answers your own)',
        ),
    }),
    ({ body, deps }, row, request) => assignTicket(deps, row, request, body.assignee),
  ),
  command(
    'review',
    "Record the review: announce a committed resolution date, or reject the request (rule 5, and rule 13 where it is not the vendor's fault); where the fix counts from the review result (rule 13, Avanak), `confirm` that the fault is the vendor's: the fix target starts now. The customer is told the result",
    STAFF,
    z.discriminatedUnion('decision', [
      z.strictObject({ decision: z.literal('announce'), dueAt: isoInstant }),
      z.strictObject({ decision: z.literal('reject'), reason: text(1000) }),
      z.strictObject({
        decision: z.literal('confirm'),
        finding: text(1000).describe('The review result told to the customer'),
      }),
    ]),
    ({ body, principal, deps }, row, request) => {
      const actor = actorOf(principal);
      switch (body.decision) {
        case 'announce':
          return commandTicket(deps, row, request, {
            type: 'announceResolutionDate',
            actor,
            dueAtMs: Date.parse(body.dueAt),
          });
        case 'reject':
          return commandTicket(deps, row, request, { type: 'rejectRequest', actor, reason: body.reason });
        case 'confirm':
          return commandTicket(deps, row, request, { type: 'confirmFault', actor, finding: body.finding });
      }
    },
  ),
  command(
    'resolve',
    'Resolve the ticket; it closes itself after the quiet period. `minutesWorked` records the time worked with the resolution (rule 11: billed against the hourly package, refused with 422 beyond the monthly cap or the balance, before the ticket is resolved)',
    STAFF,
    z.strictObject({
      note: text(10_000),
      minutesWorked: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .optional()
        .describe('Minutes worked on the ticket, recorded with the resolution as POST /v1/tickets/:id/time does'),
    }),
    ({ body, deps }, row, request) => resolveTicket(deps, row, request, body),
  ),
  command(
    'reopen',
    'Reopen a resolved ticket: a new resolution cycle starts',
    EVERYONE,
    z.strictObject({ reason: text(1000) }),
    ({ body, principal, deps }, row, request) =>
      commandTicket(deps, row, request, { type: 'reopen', actor: actorOf(principal), reason: body.reason }),
  ),
  command(
    'close',
    'Close a resolved ticket',
    STAFF,
    z.strictObject({ reason: text(1000) }),
    ({ body, principal, deps }, row, request) =>
      commandTicket(deps, row, request, { type: 'close', actor: actorOf(principal), reason: body.reason }),
  ),
  command(
    'cancel',
    'Cancel an open ticket (e.g. a duplicate), with the reason',
    ['customer', 'agent', 'manager', 'admin'],
    z.strictObject({ reason: text(1000) }),
    ({ body, principal, deps }, row, request) =>
      commandTicket(deps, row, request, { type: 'cancel', actor: actorOf(principal), reason: body.reason }),
  ),
];

/** A row whose workflow has not recorded a clock yet (it was just started). */
function emptyView(row: Ticket): TicketView {
  return {
    ticketId: row.id,
    status: row.status,
    priority: row.priority,
    assignee: row.assignee,
    cycle: 1,
    firstResponseAtMs: null,
    resolvedAtMs: null,
    closedAtMs: null,
    cancelReason: null,
    breached: row.breached,
    targets: [],
    nextAlarm: null,
    asOfMs: row.updatedAt.getTime(),
  };
}
