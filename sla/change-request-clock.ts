/**
 * The clock of a custom-change request: which deadlines it holds at each stage, whether each
 * was met, and which alarm (reminder, escalation, lapse) falls due next. Pure: the workflow
 * keeps the record and asks this module what the time means.
 *
 * Deadlines after the review count calendar days (Owj: 30 days to certify or list defects,
 * 30 days to fix them; Kian: a week of silence is acceptance). A delay the customer caused
 * pushes the vendor's open deadline back one day for each day of delay (Owj; Pasban rule 4).
 */
import type { ChangeRequestPolicy } from './policy';
import { mergeSpans, totalLength } from './intervals';
import { deadlineFor, type CalendarLookup } from './targets';

export const MS_PER_DAY = 86_400_000;

export type ChangeRequestStatus =
  | 'in_review'
  | 'rejected'
  | 'quoted'
  | 'declined'
  | 'expired'
  | 'approved'
  | 'delivered'
  | 'fixing'
  | 'accepted'
  | 'cancelled';

/** Statuses after which nothing more happens to the request. */
export const FINAL_STATUSES: readonly ChangeRequestStatus[] = [
  'rejected',
  'declined',
  'expired',
  'accepted',
  'cancelled',
];

export interface Quote {
  /** Decimal digits: rials overflow nothing, but payloads carry no bigint. */
  costRials: string;
  effortMinutes: number;
  proposedDeliveryAtMs: number;
  quotedAtMs: number;
  expiresAtMs: number;
  /** When the customer is reminded that the quote lapses; null when the quote is too short for one. */
  reminderAtMs: number | null;
}

/** A delay the customer caused, recorded by an agent against the vendor deadline it pushes back. */
export interface CustomerDelay {
  id: string;
  startMs: number;
  endMs: number;
  phase: 'delivery' | 'fix';
  /** The fix period it belongs to (1 for the first); 0 for the delivery phase. */
  cycle: number;
  recordedBy: string;
  note: string | null;
}

/** One delivery (1 = the first, then one per redelivery) and the customer's answer to it. */
export interface Delivery {
  cycle: number;
  deliveredAtMs: number;
  acceptanceDueAtMs: number;
  answeredAtMs: number | null;
}

/** The period the vendor has to fix the defects listed against one delivery. */
export interface FixPeriod {
  cycle: number;
  defectsListedAtMs: number;
  defects: string[];
  /** Before customer delays. */
  baseDueAtMs: number;
  redeliveredAtMs: number | null;
}

export interface ChangeRequestRecord {
  status: ChangeRequestStatus;
  openedAtMs: number;
  reviewDueAtMs: number;
  reviewedAtMs: number | null;
  quote: Quote | null;
  quoteAnsweredAtMs: number | null;
  approvedAtMs: number | null;
  commitment: { committedAtMs: number; deliverByMs: number } | null;
  deliveries: Delivery[];
  fixes: FixPeriod[];
  delays: CustomerDelay[];
  /** When the request reached a final status. */
  closedAtMs: number | null;
}

export type DeadlineName = 'review' | 'quote_expiry' | 'delivery' | 'acceptance' | 'fix';

/**
 * `missed` means the deadline passed before the step was taken (whether or not it was taken
 * later); `void` that the request left the stage another way (cancelled, rejected).
 */
export type DeadlineState = 'running' | 'met' | 'missed' | 'void';

export interface Deadline {
  name: DeadlineName;
  /** Delivery and fix cycle; 1 for the deadlines that occur once. */
  cycle: number;
  owedBy: 'vendor' | 'customer';
  dueAtMs: number;
  state: DeadlineState;
  completedAtMs: number | null;
}

export type AlarmKind =
  'review_overdue' | 'quote_reminder' | 'quote_expired' | 'delivery_overdue' | 'acceptance_lapsed' | 'fix_overdue';

export interface Alarm {
  /** Once-only key: an alarm whose key has fired never fires again. A moved deadline gets a new key. */
  key: string;
  kind: AlarmKind;
  atMs: number;
}

/** The review is due by the policy's review target, counted on its calendar from the request's opening. */
export function reviewDeadline(policy: ChangeRequestPolicy, openedAtMs: number, calendars: CalendarLookup): number {
  const due = deadlineFor(policy.reviewDeadline, openedAtMs, calendars);
  if (due === null) throw new RangeError('a change-request policy must give its review a deadline');
  return due;
}

/** Whole days of customer delay: overlapping delays count once, and a started day counts as a day. */
export function delayDays(delays: readonly Pick<CustomerDelay, 'startMs' | 'endMs'>[]): number {
  const spans = mergeSpans(delays.map((delay) => ({ start: delay.startMs, end: delay.endMs })));
  return Math.ceil(totalLength(spans) / MS_PER_DAY);
}

export function delaysOf(
  record: Pick<ChangeRequestRecord, 'delays'>,
  phase: CustomerDelay['phase'],
  cycle: number,
): CustomerDelay[] {
  return record.delays.filter((delay) => delay.phase === phase && delay.cycle === cycle);
}

/** The committed delivery date pushed back a day for each day of customer delay; null until committed. */
export function deliveryDueAt(record: Pick<ChangeRequestRecord, 'commitment' | 'delays'>): number | null {
  if (!record.commitment) return null;
  return record.commitment.deliverByMs + delayDays(delaysOf(record, 'delivery', 0)) * MS_PER_DAY;
}

export function fixDueAt(record: Pick<ChangeRequestRecord, 'delays'>, fix: FixPeriod): number {
  return fix.baseDueAtMs + delayDays(delaysOf(record, 'fix', fix.cycle)) * MS_PER_DAY;
}

export function currentFix(record: Pick<ChangeRequestRecord, 'fixes'>): FixPeriod | undefined {
  return record.fixes[record.fixes.length - 1];
}

export function currentDelivery(record: Pick<ChangeRequestRecord, 'deliveries'>): Delivery | undefined {
  return record.deliveries[record.deliveries.length - 1];
}

/** Every deadline the request has held so far, in the order they arose. */
export function changeRequestDeadlines(record: ChangeRequestRecord, nowMs: number): Deadline[] {
  const deadline = (
    name: DeadlineName,
    cycle: number,
    owedBy: Deadline['owedBy'],
    dueAtMs: number,
    completedAtMs: number | null,
  ): Deadline => ({
    name,
    cycle,
    owedBy,
    dueAtMs,
    completedAtMs,
    state: stateOf(dueAtMs, completedAtMs, record.closedAtMs, nowMs),
  });
  const deadlines = [deadline('review', 1, 'vendor', record.reviewDueAtMs, record.reviewedAtMs)];
  if (record.quote)
    deadlines.push(deadline('quote_expiry', 1, 'customer', record.quote.expiresAtMs, record.quoteAnsweredAtMs));
  const deliveryDue = deliveryDueAt(record);
  if (deliveryDue !== null)
    deadlines.push(deadline('delivery', 1, 'vendor', deliveryDue, record.deliveries[0]?.deliveredAtMs ?? null));
  for (const delivery of record.deliveries) {
    deadlines.push(
      deadline('acceptance', delivery.cycle, 'customer', delivery.acceptanceDueAtMs, delivery.answeredAtMs),
    );
    const fix = record.fixes.find((f) => f.cycle === delivery.cycle);
    if (fix) deadlines.push(deadline('fix', fix.cycle, 'vendor', fixDueAt(record, fix), fix.redeliveredAtMs));
  }
  return deadlines;
}

/**
 * The soonest deadline still owed, by either side (the work lists sort by it); null once the
 * request has ended or owes nothing.
 */
export function nextDeadlineAt(status: ChangeRequestStatus, deadlines: readonly Deadline[]): number | null {
  if (FINAL_STATUSES.includes(status)) return null;
  const owed = deadlines.filter((d) => d.completedAtMs === null && d.state !== 'void').map((d) => d.dueAtMs);
  return owed.length > 0 ? Math.min(...owed) : null;
}

function stateOf(
  dueAtMs: number,
  completedAtMs: number | null,
  closedAtMs: number | null,
  nowMs: number,
): DeadlineState {
  if (completedAtMs !== null) return completedAtMs <= dueAtMs ? 'met' : 'missed';
  const endedAtMs = closedAtMs ?? nowMs;
  if (endedAtMs >= dueAtMs) return 'missed';
  return closedAtMs === null ? 'running' : 'void';
}

/** The alarms the request's current stage holds. */
export function stageAlarms(record: ChangeRequestRecord): Alarm[] {
  switch (record.status) {
    case 'in_review':
      return [{ key: 'review:overdue', kind: 'review_overdue', atMs: record.reviewDueAtMs }];
    case 'quoted': {
      const quote = record.quote!;
      const expiry: Alarm = { key: 'quote:expired', kind: 'quote_expired', atMs: quote.expiresAtMs };
      return quote.reminderAtMs === null
        ? [expiry]
        : [{ key: 'quote:reminder', kind: 'quote_reminder', atMs: quote.reminderAtMs }, expiry];
    }
    case 'approved': {
      const due = deliveryDueAt(record);
      return due === null ? [] : [{ key: `delivery:overdue:${due}`, kind: 'delivery_overdue', atMs: due }];
    }
    case 'delivered': {
      const delivery = currentDelivery(record)!;
      return [
        { key: `acceptance:${delivery.cycle}:lapsed`, kind: 'acceptance_lapsed', atMs: delivery.acceptanceDueAtMs },
      ];
    }
    case 'fixing': {
      const fix = currentFix(record)!;
      const due = fixDueAt(record, fix);
      return [{ key: `fix:${fix.cycle}:overdue:${due}`, kind: 'fix_overdue', atMs: due }];
    }
    default:
      return [];
  }
}

/** The earliest alarm of the current stage that has not fired yet. */
export function nextAlarm(record: ChangeRequestRecord, fired: ReadonlySet<string>): Alarm | null {
  const pending = stageAlarms(record).filter((alarm) => !fired.has(alarm.key));
  return pending.reduce<Alarm | null>(
    (earliest, alarm) => (earliest === null || alarm.atMs < earliest.atMs ? alarm : earliest),
    null,
  );
}

/** The quote's expiry and reminder instants, from the day counts the vendor and the policy give. */
export function quoteTimes(
  quotedAtMs: number,
  validDays: number,
  policy: Pick<ChangeRequestPolicy, 'quoteReminderBeforeDays'>,
): { expiresAtMs: number; reminderAtMs: number | null } {
  const expiresAtMs = quotedAtMs + validDays * MS_PER_DAY;
  const reminderAtMs = expiresAtMs - policy.quoteReminderBeforeDays * MS_PER_DAY;
  return {
    expiresAtMs,
    reminderAtMs: policy.quoteReminderBeforeDays > 0 && reminderAtMs > quotedAtMs ? reminderAtMs : null,
  };
}

/** The invoice of a delivered change request, as the workflow keeps it. */
export interface InvoiceSummary {
  invoiceId: string;
  quotedRials: string;
  includedMinutesUsed: number;
  billedMinutes: number;
  amountRials: string;
}

/** What the change-request workflow shows: shared by the workflow, its activities and the API. */
export interface ChangeRequestView {
  changeRequestId: string;
  status: ChangeRequestStatus;
  quote: Quote | null;
  rejectionReason: string | null;
  closedReason: string | null;
  /** The date the vendor committed to, and the same pushed back by the customer's delays. */
  committedDeliveryAtMs: number | null;
  deliveryDueAtMs: number | null;
  /** The latest delivery and its number (1 = first delivery, 2 = first redelivery, …). */
  deliveredAtMs: number | null;
  deliveryCycle: number;
  /** Defects listed against the latest delivery that was not accepted. */
  defects: string[];
  acceptedAtMs: number | null;
  acceptedBySilence: boolean;
  acceptanceNote: string | null;
  delays: CustomerDelay[];
  deadlines: Deadline[];
  nextAlarm: Alarm | null;
  invoice: InvoiceSummary | null;
  asOfMs: number;
}
