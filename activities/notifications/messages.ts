/**
 * What Pasban says, Persian first. Customers read Persian with Jalali dates and Persian digits
 * in Tehran time; staff notices add one English line with the Gregorian time for the log-minded.
 * Pure: every template takes a small input and returns the subject and body to send.
 */
import { formatJalali, toPersianDigits } from '../../sla/jalali';
import type { Priority } from '../../sla/policy';
import { iso } from '../../sla/iso';

export interface RenderedMessage {
  subject: string;
  body: string;
}

export interface TicketRef {
  ticketId: string;
  /** The ticket's own subject line, as the customer wrote it. */
  subject: string;
}

const PRIORITY_FA: Record<Priority, string> = { critical: 'بحرانی', high: 'بالا', medium: 'متوسط', low: 'پایین' };

const TARGET_FA: Record<string, string> = {
  first_response: 'اولین پاسخ',
  resolution: 'رفع مشکل',
  review: 'بررسی درخواست',
};
const TARGET_EN: Record<string, string> = {
  first_response: 'first response',
  resolution: 'resolution',
  review: 'review',
};

/** What the customer reads next to each deadline in the "ticket opened" notice. */
const DEADLINE_FA: Record<string, string> = {
  first_response: 'مهلت اولین پاسخ',
  resolution: 'مهلت رفع مشکل',
  review: 'مهلت بررسی و اعلام زمان رفع',
};

/** The short reference customers quote: the first eight characters of the ticket id. */
export function ticketReference(ticketId: string): string {
  return ticketId.slice(0, 8).toUpperCase();
}

const when = (atMs: number) => formatJalali(atMs);
const tehranClock = (atMs: number) => `${iso(atMs).slice(0, 16).replace('T', ' ')} Tehran`;
const percentFa = (percent: number) => `${toPersianDigits(String(Math.round(percent)))}٪`;
const targetFa = (target: string) => TARGET_FA[target] ?? target;
const targetEn = (target: string) => TARGET_EN[target] ?? target;
const named = (t: TicketRef) => `درخواست «${t.subject}» با شماره پیگیری ${ticketReference(t.ticketId)}`;
const lines = (...parts: (string | null)[]) => parts.filter((p): p is string => p !== null).join('\n');

const GREETING = 'مشترک گرامی،';
const PORTAL = 'برای دیدن جزئیات به پورتال مشتریان مراجعه کنید.';

// --- To the customer -------------------------------------------------------------------------

export function ticketOpened(
  input: TicketRef & { priority: Priority; deadlines: { target: string; dueAtMs: number }[] },
): RenderedMessage {
  return {
    subject: `ثبت درخواست ${ticketReference(input.ticketId)}`,
    body: lines(
      `${GREETING} ${named(input)} ثبت شد.`,
      `اولویت: ${PRIORITY_FA[input.priority]}`,
      ...input.deadlines.map((d) => `${DEADLINE_FA[d.target] ?? targetFa(d.target)}: ${when(d.dueAtMs)}`),
      PORTAL,
    ),
  };
}

export function firstAgentReply(input: TicketRef): RenderedMessage {
  return {
    subject: `پاسخ به درخواست ${ticketReference(input.ticketId)}`,
    body: lines(`${GREETING} کارشناس پشتیبانی به ${named(input)} پاسخ داد.`, PORTAL),
  };
}

export function waitingOnCustomer(input: TicketRef): RenderedMessage {
  return {
    subject: `درخواست ${ticketReference(input.ticketId)} منتظر پاسخ شماست`,
    body: lines(
      `${GREETING} برای ادامهٔ رسیدگی به ${named(input)} به پاسخ شما نیاز داریم.`,
      'تا رسیدن پاسخ شما، زمان تعهدشده برای رفع مشکل متوقف می‌ماند.',
      PORTAL,
    ),
  };
}

export function resolutionDateAnnounced(input: TicketRef & { dueAtMs: number }): RenderedMessage {
  return {
    subject: `زمان رفع درخواست ${ticketReference(input.ticketId)}`,
    body: lines(`${GREETING} پس از بررسی ${named(input)}، زمان رفع مشکل ${when(input.dueAtMs)} تعیین شد.`, PORTAL),
  };
}

/** Rule 13: the review result, the fault is the vendor's, and when its fix is due. */
export function faultConfirmed(input: TicketRef & { finding: string; fixDueAtMs: number | null }): RenderedMessage {
  const due = input.fixDueAtMs === null ? [] : [`رفع خطا تا ${when(input.fixDueAtMs)} انجام می‌شود.`];
  return {
    subject: `نتیجهٔ بررسی درخواست ${ticketReference(input.ticketId)}`,
    body: lines(
      `${GREETING} بررسی ${named(input)} انجام شد و خطا از سمت ما است.`,
      `نتیجهٔ بررسی: ${input.finding}`,
      ...due,
      PORTAL,
    ),
  };
}

export function requestRejected(input: TicketRef & { reason: string }): RenderedMessage {
  return {
    subject: `نتیجهٔ بررسی درخواست ${ticketReference(input.ticketId)}`,
    body: lines(`${GREETING} ${named(input)} پس از بررسی پذیرفته نشد.`, `دلیل: ${input.reason}`, PORTAL),
  };
}

export function ticketResolved(input: TicketRef & { resolvedAtMs: number }): RenderedMessage {
  return {
    subject: `درخواست ${ticketReference(input.ticketId)} حل شد`,
    body: lines(
      `${GREETING} ${named(input)} در ${when(input.resolvedAtMs)} حل شد.`,
      'اگر مشکل همچنان پابرجاست، در پورتال مشتریان پاسخ دهید تا درخواست دوباره باز شود.',
    ),
  };
}

export function ticketReopened(
  input: TicketRef & { reopenedAtMs: number; resolutionDueMs: number | null },
): RenderedMessage {
  return {
    subject: `درخواست ${ticketReference(input.ticketId)} دوباره باز شد`,
    body: lines(
      `${GREETING} ${named(input)} در ${when(input.reopenedAtMs)} دوباره باز شد و رسیدگی به آن ادامه دارد.`,
      input.resolutionDueMs === null ? null : `${DEADLINE_FA.resolution}: ${when(input.resolutionDueMs)}`,
      PORTAL,
    ),
  };
}

export function ticketClosed(input: TicketRef & { closedAtMs: number }): RenderedMessage {
  return {
    subject: `درخواست ${ticketReference(input.ticketId)} بسته شد`,
    body: lines(`${GREETING} ${named(input)} در ${when(input.closedAtMs)} بسته شد.`, 'از همراهی شما سپاسگزاریم.'),
  };
}

export function ticketCancelled(input: TicketRef & { cancelledAtMs: number }): RenderedMessage {
  return {
    subject: `درخواست ${ticketReference(input.ticketId)} لغو شد`,
    body: lines(`${GREETING} ${named(input)} در ${when(input.cancelledAtMs)} لغو شد.`, PORTAL),
  };
}

// --- To staff --------------------------------------------------------------------------------

/** One SLA alarm on one ticket: what the warning, breach and escalation notices report. */
export interface SlaAlarmInput extends TicketRef {
  /** first_response, resolution or review. */
  target: string;
  /** Share of the target's business time used when the alarm fired. */
  percent: number;
  /** The instant the notice reports as due (the deadline for a breach). */
  dueAtMs: number;
  priority: Priority;
  customerName: string;
  productName: string;
  assignee: string | null;
}

const staffRef = (input: SlaAlarmInput) =>
  `«${input.subject}» (${ticketReference(input.ticketId)}، ${input.customerName}، ${input.productName}، اولویت ${PRIORITY_FA[input.priority]})`;
const staffRefEn = (input: SlaAlarmInput) =>
  `ticket ${ticketReference(input.ticketId)} (${input.customerName}, ${input.productName}, ${input.priority})`;

/** To the assignee: time is running out. */
export function slaWarning(input: SlaAlarmInput): RenderedMessage {
  const ref = ticketReference(input.ticketId);
  return {
    subject: `هشدار SLA: ${targetFa(input.target)} درخواست ${ref} | SLA warning ${ref}`,
    body: lines(
      `${percentFa(input.percent)} از زمان ${targetFa(input.target)} درخواست ${staffRef(input)} گذشته است. موعد: ${when(input.dueAtMs)}.`,
      input.assignee ? `مسئول: ${input.assignee}` : 'این درخواست هنوز به کسی سپرده نشده است.',
      `SLA warning: ${Math.round(input.percent)}% of the ${targetEn(input.target)} time is used on ${staffRefEn(input)}; due ${tehranClock(input.dueAtMs)}.`,
    ),
  };
}

/** To the product department's manager: a deadline has passed. */
export function slaBreach(input: SlaAlarmInput): RenderedMessage {
  const ref = ticketReference(input.ticketId);
  return {
    subject: `نقض SLA: ${targetFa(input.target)} درخواست ${ref} | SLA breach ${ref}`,
    body: lines(
      `مهلت ${targetFa(input.target)} درخواست ${staffRef(input)} در ${when(input.dueAtMs)} به پایان رسید و تعهد رعایت نشد.`,
      `مسئول: ${input.assignee ?? 'تعیین نشده'}`,
      `SLA breach: the ${targetEn(input.target)} deadline of ${staffRefEn(input)} passed at ${tehranClock(input.dueAtMs)}.`,
    ),
  };
}

/** To senior management: a breached ticket has gone further past its deadline. */
export function escalationLevel(input: SlaAlarmInput): RenderedMessage {
  const ref = ticketReference(input.ticketId);
  return {
    subject: `ارجاع به مدیریت ارشد: درخواست ${ref} | Escalation ${ref}`,
    body: lines(
      `درخواست ${staffRef(input)} از مهلت ${targetFa(input.target)} گذشته و ${percentFa(input.percent)} زمان تعهدشده را مصرف کرده است. موعد: ${when(input.dueAtMs)}.`,
      `مسئول: ${input.assignee ?? 'تعیین نشده'}`,
      `Escalation: ${staffRefEn(input)} has used ${Math.round(input.percent)}% of its ${targetEn(input.target)} time; due ${tehranClock(input.dueAtMs)}.`,
    ),
  };
}

/** To the person a ticket was just assigned to. */
export function assignedMessage(
  input: TicketRef & { customerName: string; productName: string; priority: Priority },
): RenderedMessage {
  const ref = ticketReference(input.ticketId);
  return {
    subject: `درخواست ${ref} به شما سپرده شد | Ticket ${ref} assigned to you`,
    body: lines(
      `درخواست «${input.subject}» (${ref}، ${input.customerName}، ${input.productName}، اولویت ${PRIORITY_FA[input.priority]}) به شما سپرده شد.`,
      `Ticket ${ref} (${input.customerName}, ${input.productName}, ${input.priority}) is assigned to you: ${input.subject}`,
    ),
  };
}

// --- Choosing the template -------------------------------------------------------------------

export function escalationMessage(
  input: SlaAlarmInput & { kind: 'warning' | 'breach' | 'escalation' },
): RenderedMessage {
  switch (input.kind) {
    case 'warning':
      return slaWarning(input);
    case 'breach':
      return slaBreach(input);
    case 'escalation':
      return escalationLevel(input);
  }
}

/** The parts of the ticket workflow's view the customer notices read. */
export interface TicketNotice extends TicketRef {
  view: {
    priority: Priority;
    targets: readonly { target: string; dueAtMs: number | null }[];
    resolvedAtMs: number | null;
    closedAtMs: number | null;
    asOfMs: number;
  };
  data: Record<string, unknown>;
}

/** The customer's notice for a timeline event of the ticket workflow, or null when the event is not for them. */
export function ticketMessage(event: string, notice: TicketNotice): RenderedMessage | null {
  const { view, data } = notice;
  const ref: TicketRef = { ticketId: notice.ticketId, subject: notice.subject };
  const dueOf = (target: string) => {
    const dueAtMs = view.targets.find((t) => t.target === target)?.dueAtMs ?? null;
    return dueAtMs !== null && Number.isFinite(dueAtMs) ? dueAtMs : null;
  };
  switch (event) {
    case 'opened':
      return ticketOpened({
        ...ref,
        priority: view.priority,
        deadlines: ['first_response', 'review', 'resolution'].flatMap((target) => {
          const dueAtMs = dueOf(target);
          return dueAtMs === null ? [] : [{ target, dueAtMs }];
        }),
      });
    case 'agent_replied':
      return data.firstResponse === true ? firstAgentReply(ref) : null;
    case 'status_changed':
      return data.to === 'waiting_on_customer' ? waitingOnCustomer(ref) : null;
    case 'resolution_date_announced':
      return typeof data.dueAtMs === 'number' ? resolutionDateAnnounced({ ...ref, dueAtMs: data.dueAtMs }) : null;
    case 'fault_confirmed':
      return faultConfirmed({
        ...ref,
        finding: typeof data.finding === 'string' ? data.finding : '',
        fixDueAtMs: typeof data.fixDueAtMs === 'number' ? data.fixDueAtMs : dueOf('resolution'),
      });
    case 'request_rejected':
      return requestRejected({ ...ref, reason: typeof data.reason === 'string' ? data.reason : '' });
    case 'resolved':
      return ticketResolved({ ...ref, resolvedAtMs: view.resolvedAtMs ?? view.asOfMs });
    case 'reopened':
      return ticketReopened({ ...ref, reopenedAtMs: view.asOfMs, resolutionDueMs: dueOf('resolution') });
    case 'closed':
      return ticketClosed({ ...ref, closedAtMs: view.closedAtMs ?? view.asOfMs });
    case 'cancelled':
      return ticketCancelled({ ...ref, cancelledAtMs: view.closedAtMs ?? view.asOfMs });
    default:
      return null;
  }
}
