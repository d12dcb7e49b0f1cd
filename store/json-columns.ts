import { z } from 'zod';
import type { Logger } from '../platform/logger';
import { OUTAGE_CAUSES } from '../sla/availability';
import type { OpenInterval, Weekday } from '../sla/calendar-spec';
import type { ClaimAssessment, OutageRole } from '../sla/claim-assessment';
import type { ComputedCredit } from '../sla/claim-decision';
import type { ClaimKind } from '../sla/claim-state';
import type { ClaimDeadlines } from '../sla/claims';
import type { Deadline, DeadlineName, DeadlineState } from '../sla/change-request-clock';
import { ALLOWANCE_KINDS, type Allowance, type PlanEntitlements } from '../sla/entitlements';
import { EXCLUSIONS } from '../sla/outages';
import {
  CHANNELS,
  PRIORITIES,
  RECIPIENTS,
  type ChangeRequestPolicy,
  type ClaimPolicy,
  type CreditTableKey,
  type TicketPolicy,
} from '../sla/policy';
import type { TargetSpec, TargetUnit } from '../sla/targets';
import type { TicketStatus, TicketView } from '../sla/ticket-machine';
import { TARGET_STATES, type AlarmKind, type TargetName } from '../sla/ticket-clock';

/**
 * The JSON columns' shapes, checked when a row is read (README "Where things live"): Prisma types
 * a JSON column as `JsonValue`, and a row written by an older release, a migration or a test
 * fixture can hold anything. Each reader parses with the schema here instead of casting, so a
 * row that does not have the shape is found where it is read, named by its table, id and column.
 *
 * The schemas are loose (unknown keys are kept): a reader checks what it relies on, and a newer
 * field written by a later release does not make the row unreadable. Each is typed against the
 * domain type it stands for, so the compiler catches a schema that drifts from the type.
 *
 * What a reader does with an unreadable row is decided per place: a list skips it and logs it
 * (`readableRows`), a single read answers a 500 naming the row (the API maps `UnreadableRow`).
 */

/**
 * A zod enum over exactly the members of the union `T`: a list that misses a member (or names one
 * `T` does not have) does not compile. A plain `z.enum([...])` narrower than its domain type still
 * type-checks against `z.ZodType<Domain>` in a loose object, and rows with the missing value are
 * then read as unreadable (last session: `awaiting_review` left out of the ticket clock's states).
 */
function enumOf<T extends string>() {
  return <const V extends readonly [T, ...T[]]>(
    values: V & ([T] extends [V[number]] ? unknown : { missing: Exclude<T, V[number]> }),
  ) => z.enum(values);
}

/** A row whose JSON column does not have the shape its readers rely on. */
export class UnreadableRow extends Error {
  constructor(
    readonly table: string,
    readonly id: string,
    readonly column: string,
    readonly issues: string,
  ) {
    super(`${table} ${id} has a ${column} that cannot be read (${issues})`);
    this.name = 'UnreadableRow';
  }
}

export interface RowRef {
  table: string;
  id: string;
  column: string;
}

/** The column's value in the shape of `schema`, or an `UnreadableRow` naming where it came from. */
export function readColumn<T>(schema: z.ZodType<T>, value: unknown, where: RowRef): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(value)'}: ${issue.message}`)
    .join('; ');
  throw new UnreadableRow(where.table, where.id, where.column, issues);
}

/**
 * The rows a list can show: each row is read with `read`; one that throws `UnreadableRow` is left
 * out and reported through `skip` (a log line with the row's id), so one bad row does not take
 * the whole list down. Any other error still propagates.
 */
export function readableRows<Row, Out>(
  rows: readonly Row[],
  read: (row: Row) => Out,
  skip: (error: UnreadableRow) => void,
): Out[] {
  const out: Out[] = [];
  for (const row of rows) {
    try {
      out.push(read(row));
    } catch (error) {
      if (!(error instanceof UnreadableRow)) throw error;
      skip(error);
    }
  }
  return out;
}

/** The `skip` of `readableRows` that logs the row left out, with its table, id and column. */
export const logUnreadable = (logger: Pick<Logger, 'error'>, leftOutOf: string) => (error: UnreadableRow) =>
  logger.error(
    { table: error.table, id: error.id, column: error.column, issues: error.issues },
    `a row that cannot be read was left out of ${leftOutOf}`,
  );

// ---- calendars ----

const clockTime = z.string().regex(/^\d{2}:\d{2}$/);
export const openIntervals: z.ZodType<OpenInterval[]> = z.array(z.looseObject({ start: clockTime, end: clockTime }));
export const weekColumn: z.ZodType<Record<Weekday, OpenInterval[]>> = z.looseObject({
  sat: openIntervals,
  sun: openIntervals,
  mon: openIntervals,
  tue: openIntervals,
  wed: openIntervals,
  thu: openIntervals,
  fri: openIntervals,
});

// ---- plan terms (policy.definition) ----

const targetUnit = enumOf<TargetUnit>()([
  'business_minutes',
  'business_days',
  'same_business_day',
  'end_of_next_business_day',
  'review',
  'none',
]);
const targetSpec: z.ZodType<TargetSpec> = z.looseObject({
  unit: targetUnit,
  amount: z.number().optional(),
  calendar: z.string(),
});
const breachAction = z.looseObject({ channel: z.enum(CHANNELS), recipients: z.array(z.enum(RECIPIENTS)) });
const priorityPolicy = z.looseObject({ firstResponse: targetSpec, resolution: targetSpec, breachAction });

export const ticketPolicyColumn: z.ZodType<TicketPolicy> = z.looseObject({
  key: z.string(),
  name: z.string(),
  vendor: z.string(),
  product: z.string(),
  plan: z.string(),
  ticketsAllowed: z.boolean(),
  priorities: z.looseObject(
    Object.fromEntries(PRIORITIES.map((p) => [p, priorityPolicy])) as Record<
      (typeof PRIORITIES)[number],
      typeof priorityPolicy
    >,
  ),
  warningAtPercent: z.array(z.number()),
  escalations: z.array(z.looseObject({ atPercent: z.number(), action: breachAction })),
  reviewDeadline: targetSpec,
});

export const claimPolicyColumn: z.ZodType<ClaimPolicy> = z.looseObject({
  filingWindowMinutes: z.number(),
  initialResponse: targetSpec,
  decisionMinutes: z.number(),
  reminderBeforeMinutes: z.number(),
  routeToQa: z.boolean(),
  creditTable: enumOf<CreditTableKey>()(['owj', 'avanak']).nullable(),
});

export const changeRequestPolicyColumn: z.ZodType<ChangeRequestPolicy> = z.looseObject({
  calendar: z.string(),
  reviewDeadline: targetSpec,
  reviewRank: z.number(),
  quoteValidityDays: z.number(),
  quoteReminderBeforeDays: z.number(),
  acceptancePeriodDays: z.number(),
  acceptBySilence: z.boolean(),
  defectFixDays: z.number(),
  includedCustomisationHours: z.number(),
});

const allowanceKind = z.enum(ALLOWANCE_KINDS);
const allowance = z.looseObject({
  amount: z.union([z.number(), z.literal('unlimited')]),
  per: enumOf<Allowance['per']>()(['jalali_month', 'contract_year']),
});

export const entitlementsColumn: z.ZodType<PlanEntitlements> = z.looseObject({
  allowances: z.partialRecord(allowanceKind, allowance),
  channels: z.array(enumOf<PlanEntitlements['channels'][number]>()(['ticket', 'phone'])),
  remoteConnection: z.boolean(),
  dedicatedSupportPerson: z.boolean(),
  technicalManager: z.boolean(),
  onSite: z
    .looseObject({
      priorities: z.array(z.enum(PRIORITIES)),
      tehranOnly: z.boolean(),
      dispatchRank: z.number().nullable(),
    })
    .nullable(),
  hourlyPackages: z.boolean(),
});

/** The schema of `policy.definition` for each kind of plan terms. */
export const definitionColumns = {
  ticket: ticketPolicyColumn,
  claim: claimPolicyColumn,
  change_request: changeRequestPolicyColumn,
  entitlements: entitlementsColumn,
};
export type Definitions = {
  ticket: TicketPolicy;
  claim: ClaimPolicy;
  change_request: ChangeRequestPolicy;
  entitlements: PlanEntitlements;
};

/** A policy row's definition in the shape of its kind. */
export function readDefinition<K extends keyof Definitions>(row: {
  kind: K;
  key: string;
  definition: unknown;
}): Definitions[K] {
  return readColumn(definitionColumns[row.kind] as z.ZodType<Definitions[K]>, row.definition, {
    table: 'policy',
    id: `${row.kind}/${row.key}`,
    column: 'definition',
  });
}

// ---- claims (claim.computation) ----

const assessment: z.ZodType<ClaimAssessment> = z.looseObject({
  month: z.string(),
  periodStartMs: z.number(),
  periodEndMs: z.number(),
  periodMinutes: z.number(),
  downtimeMinutes: z.number(),
  availabilityPercent: z.number(),
  creditTable: z.string().nullable(),
  monthCreditPercent: z.number().nullable(),
  earlierCreditPercent: z.number(),
  creditPercent: z.number().nullable(),
  creditAmountRials: z.number().nullable(),
  monthlyFeeRials: z.number(),
  outages: z.array(
    z.looseObject({
      id: z.string(),
      cause: z.enum(OUTAGE_CAUSES),
      exclusion: z.enum(EXCLUSIONS).nullable(),
      minutesInPeriod: z.number(),
      role: enumOf<OutageRole>()(['cited', 'cited_earlier', 'not_cited']),
      counted: z.boolean(),
    }),
  ),
});

const claimDeadlines: z.ZodType<ClaimDeadlines> = z.looseObject({
  acknowledgeDueAtMs: z.number(),
  reminderAtMs: z.number(),
  decisionDueAtMs: z.number(),
});
const computedCredit: z.ZodType<ComputedCredit> = z.looseObject({
  percent: z.number().nullable(),
  amountRials: z.number().nullable(),
  monthlyFeeRials: z.number(),
  months: z.number().optional(),
});

/** What a claim was judged on, kept in the row's `computation` column. */
export interface ClaimComputation {
  kind: ClaimKind;
  policyKey: string;
  /** The first month's computation (the only one for a claim within one month). */
  availability: ClaimAssessment | null;
  /** Every Jalali month the cited outages touch, each assessed on its own (rule 8); absent on claims filed before. */
  months?: ClaimAssessment[];
  tickets: { id: string; subject: string; breachedAtMs: number }[];
  deadlines: ClaimDeadlines;
  /** The earliest instant at which the window for one of the cited failures closed. */
  filingClosesAtMs: number;
  computed: ComputedCredit;
  /** Corrections of cited outages since filing (POST /v1/outages/:id/corrections). */
  corrections?: {
    correctionId: string;
    outageId: string;
    atMs: number;
    reason: string;
    voided: boolean;
    reassessed: boolean;
  }[];
}

export const claimComputationColumn: z.ZodType<ClaimComputation> = z.looseObject({
  kind: enumOf<ClaimKind>()(['availability', 'support_timing']),
  policyKey: z.string(),
  availability: assessment.nullable(),
  months: z.array(assessment).optional(),
  tickets: z.array(z.looseObject({ id: z.string(), subject: z.string(), breachedAtMs: z.number() })),
  deadlines: claimDeadlines,
  filingClosesAtMs: z.number(),
  computed: computedCredit,
  corrections: z
    .array(
      z.looseObject({
        correctionId: z.string(),
        outageId: z.string(),
        atMs: z.number(),
        reason: z.string(),
        voided: z.boolean(),
        reassessed: z.boolean(),
      }),
    )
    .optional(),
});

/** A claim row's computation. */
export const readComputation = (row: { id: string; computation: unknown }): ClaimComputation =>
  readColumn(claimComputationColumn, row.computation, { table: 'claim', id: row.id, column: 'computation' });

// ---- change requests ----

export const changeRequestDeadlinesColumn: z.ZodType<Deadline[]> = z.array(
  z.looseObject({
    name: enumOf<DeadlineName>()(['review', 'quote_expiry', 'delivery', 'acceptance', 'fix']),
    cycle: z.number(),
    owedBy: enumOf<Deadline['owedBy']>()(['vendor', 'customer']),
    dueAtMs: z.number(),
    state: enumOf<DeadlineState>()(['running', 'met', 'missed', 'void']),
    completedAtMs: z.number().nullable(),
  }),
);
export const attachmentsColumn: z.ZodType<string[]> = z.array(z.string());

// ---- tickets (ticket.clock: the workflow's last view, written by the activity that records it) ----

const alarmKind = enumOf<AlarmKind>()(['warning', 'breach', 'escalation']);
const targetName = enumOf<TargetName>()(['first_response', 'resolution', 'review']);
export const ticketViewColumn: z.ZodType<TicketView> = z.looseObject({
  ticketId: z.string(),
  status: enumOf<TicketStatus>()(['new', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'cancelled']),
  priority: z.enum(PRIORITIES),
  assignee: z.string().nullable(),
  cycle: z.number(),
  firstResponseAtMs: z.number().nullable(),
  resolvedAtMs: z.number().nullable(),
  closedAtMs: z.number().nullable(),
  cancelReason: z.string().nullable(),
  breached: z.boolean(),
  targets: z.array(
    z.looseObject({
      target: targetName,
      calendar: z.string(),
      state: z.enum(TARGET_STATES),
      startMs: z.number(),
      dueAtMs: z.number().nullable(),
      allowedMinutes: z.number().nullable(),
      usedMinutes: z.number(),
      leftMinutes: z.number().nullable(),
      paused: z.boolean(),
      breached: z.boolean(),
      completedAtMs: z.number().nullable(),
    }),
  ),
  nextAlarm: z.looseObject({ target: targetName, kind: alarmKind, percent: z.number(), atMs: z.number() }).nullable(),
  asOfMs: z.number(),
});

/** A ticket row's recorded clock, or null where the workflow has not recorded one yet. */
export const readTicketClock = (row: { id: string; clock: unknown }): TicketView | null =>
  row.clock === null ? null : readColumn(ticketViewColumn, row.clock, { table: 'ticket', id: row.id, column: 'clock' });
