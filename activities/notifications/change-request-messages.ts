/**
 * What Pasban says about custom-change requests, Persian first with Jalali dates in Tehran
 * time. The customer reads every step of their request; the product department reads every
 * step too, with one English line, and the escalations when the vendor runs late.
 * Pure: each template takes the event's data and returns the subject and body, or null when
 * the event is not for that audience.
 */
import { formatJalali, toPersianDigits } from '../../sla/jalali';
import type { RenderedMessage } from './messages';
import { iso } from '../../sla/iso';

export type ChangeRequestAudience = 'customer' | 'department';

export interface ChangeRequestSubject {
  changeRequestId: string;
  /** The request's own title, as the customer wrote it. */
  title: string;
  customerName: string;
  productName: string;
  /** The timeline event's data, as the workflow recorded it. */
  data: Record<string, unknown>;
}

/** The short reference customers quote: the first eight characters of the request's id. */
export function changeRequestReference(changeRequestId: string): string {
  return changeRequestId.slice(0, 8).toUpperCase();
}

const GREETING = 'مشترک گرامی،';
const PORTAL = 'برای دیدن جزئیات به پورتال مشتریان مراجعه کنید.';

const when = (atMs: number) => formatJalali(atMs);
const tehranClock = (atMs: number) => `${iso(atMs).slice(0, 16).replace('T', ' ')} Tehran`;
const lines = (...parts: (string | null)[]) => parts.filter((p): p is string => p !== null).join('\n');

/** "۵۰٬۰۰۰٬۰۰۰ ریال" */
export function rialsFa(digits: string): string {
  return `${toPersianDigits(BigInt(digits).toLocaleString('en-US')).replace(/,/g, '٬')} ریال`;
}

/** "۲ ساعت و ۳۰ دقیقه" */
export function effortFa(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [hours > 0 ? `${hours} ساعت` : null, rest > 0 ? `${rest} دقیقه` : null].filter((p) => p !== null);
  return toPersianDigits(parts.length > 0 ? parts.join(' و ') : '0 دقیقه');
}

const number = (data: Record<string, unknown>, key: string) =>
  typeof data[key] === 'number' ? (data[key] as number) : null;
const text = (data: Record<string, unknown>, key: string) =>
  typeof data[key] === 'string' ? (data[key] as string) : null;
const dateLine = (label: string, atMs: number | null) => (atMs === null ? null : `${label}: ${when(atMs)}`);

/** The customer's message for an event, or null when it is not for them. */
function toCustomer(event: string, s: ChangeRequestSubject): RenderedMessage | null {
  const ref = changeRequestReference(s.changeRequestId);
  const named = `درخواست تغییر «${s.title}» با شماره پیگیری ${ref}`;
  const { data } = s;
  const message = (subject: string, ...body: (string | null)[]) => ({
    subject: `${subject} | ${ref}`,
    body: lines(...body, PORTAL),
  });
  switch (event) {
    case 'opened':
      return message(
        'ثبت درخواست تغییر',
        `${GREETING} ${named} ثبت شد و برای بررسی امکان‌سنجی به تیم تحلیل محصول رفت.`,
        dateLine('مهلت بررسی', number(data, 'reviewDueAtMs')),
      );
    case 'rejected':
      return message(
        'نتیجهٔ بررسی درخواست تغییر',
        `${GREETING} ${named} پس از بررسی پذیرفته نشد.`,
        `دلیل: ${text(data, 'reason') ?? ''}`,
      );
    case 'quoted':
      return message(
        'پیش‌فاکتور درخواست تغییر',
        `${GREETING} ${named} بررسی شد و قابل انجام است.`,
        `هزینه: ${rialsFa(text(data, 'costRials') ?? '0')}`,
        `برآورد زمان کار: ${effortFa(number(data, 'effortMinutes') ?? 0)}`,
        dateLine('تاریخ پیشنهادی تحویل', number(data, 'proposedDeliveryAtMs')),
        dateLine('اعتبار پیش‌فاکتور تا', number(data, 'expiresAtMs')),
        'لطفاً پیش‌فاکتور را در پورتال تأیید یا رد کنید.',
      );
    case 'quote_reminder':
      return message(
        'یادآوری پیش‌فاکتور',
        `${GREETING} پیش‌فاکتور ${named} هنوز بی‌پاسخ است.`,
        dateLine('اعتبار پیش‌فاکتور تا', number(data, 'expiresAtMs')),
        'پس از این زمان درخواست بسته می‌شود.',
      );
    case 'quote_approved':
      return message(
        'تأیید پیش‌فاکتور',
        `${GREETING} تأیید پیش‌فاکتور ${named} ثبت شد. تاریخ تحویل به‌زودی اعلام می‌شود.`,
      );
    case 'quote_declined':
      return message('رد پیش‌فاکتور', `${GREETING} پیش‌فاکتور ${named} رد شد و درخواست بسته شد.`);
    case 'quote_expired':
      return message(
        'پایان اعتبار پیش‌فاکتور',
        `${GREETING} اعتبار پیش‌فاکتور ${named} بدون پاسخ به پایان رسید و درخواست بسته شد.`,
      );
    case 'delivery_committed':
      return message(
        'تاریخ تحویل درخواست تغییر',
        `${GREETING} تاریخ تحویل ${named} تعیین شد.`,
        dateLine('تاریخ تحویل', number(data, 'deliverByMs')),
      );
    case 'customer_delay_recorded':
      return message(
        'ثبت تأخیر از سوی مشتری',
        `${GREETING} برای ${named} ${toPersianDigits(String(number(data, 'days') ?? 0))} روز تأخیر از سوی مشتری ثبت شد و مهلت تحویل به همان اندازه تمدید شد.`,
        dateLine('مهلت جدید', number(data, 'toMs')),
      );
    case 'delivered':
    case 'redelivered':
      return message(
        event === 'delivered' ? 'تحویل درخواست تغییر' : 'تحویل دوبارهٔ درخواست تغییر',
        `${GREETING} ${named} ${event === 'delivered' ? 'تحویل شد' : 'پس از رفع ایرادها دوباره تحویل شد'}.`,
        dateLine('مهلت تأیید یا اعلام ایرادها', number(data, 'acceptanceDueAtMs')),
        data.acceptBySilence === true ? 'اگر تا این زمان پاسخی نرسد، کار پذیرفته‌شده به شمار می‌آید.' : null,
      );
    case 'defects_listed':
      return message(
        'ثبت ایرادهای تحویل',
        `${GREETING} ایرادهایی که برای ${named} اعلام کردید ثبت شد.`,
        dateLine('مهلت رفع ایرادها', number(data, 'fixDueAtMs')),
      );
    case 'accepted':
      return data.bySilence === true
        ? message(
            'پذیرش درخواست تغییر',
            `${GREETING} در مهلت تأیید، پاسخی برای ${named} نرسید و طبق قرارداد کار پذیرفته شد.`,
          )
        : message('پذیرش درخواست تغییر', `${GREETING} پذیرش ${named} ثبت شد.`);
    case 'invoiced':
      return message(
        'صورت‌حساب درخواست تغییر',
        `${GREETING} صورت‌حساب ${named} صادر شد.`,
        `مبلغ پیش‌فاکتور: ${rialsFa(text(data, 'quotedRials') ?? '0')}`,
        `ساعت‌های سفارشی‌سازی قرارداد که به کار رفت: ${effortFa(number(data, 'includedMinutesUsed') ?? 0)}`,
        `مبلغ قابل پرداخت: ${rialsFa(text(data, 'amountRials') ?? '0')}`,
      );
    case 'acceptance_period_lapsed':
      return message(
        'مهلت تأیید به پایان رسید',
        `${GREETING} مهلت تأیید یا اعلام ایرادهای ${named} به پایان رسید. لطفاً نتیجه را اعلام کنید.`,
      );
    case 'cancelled':
      return message('لغو درخواست تغییر', `${GREETING} ${named} لغو شد.`, `دلیل: ${text(data, 'reason') ?? ''}`);
    default:
      return null;
  }
}

const STAFF_FA: Record<string, string> = {
  opened: 'درخواست تغییر تازه، در انتظار بررسی امکان‌سنجی',
  rejected: 'درخواست تغییر رد شد',
  quoted: 'پیش‌فاکتور برای مشتری فرستاده شد',
  quote_approved: 'مشتری پیش‌فاکتور را تأیید کرد؛ تاریخ تحویل را اعلام کنید',
  quote_declined: 'مشتری پیش‌فاکتور را رد کرد',
  quote_expired: 'پیش‌فاکتور بی‌پاسخ ماند و منقضی شد',
  delivery_committed: 'تاریخ تحویل تعهد شد',
  customer_delay_recorded: 'تأخیر مشتری ثبت و مهلت تمدید شد',
  delivered: 'کار تحویل شد؛ مهلت تأیید مشتری آغاز شد',
  redelivered: 'کار پس از رفع ایرادها دوباره تحویل شد',
  defects_listed: 'مشتری ایرادها را اعلام کرد؛ مهلت رفع آغاز شد',
  accepted: 'کار پذیرفته شد',
  invoiced: 'صورت‌حساب صادر شد',
  acceptance_period_lapsed: 'مهلت تأیید مشتری بی‌پاسخ گذشت',
  cancelled: 'درخواست تغییر لغو شد',
  review_overdue: 'ارجاع: مهلت بررسی امکان‌سنجی گذشت و بررسی انجام نشده است',
  delivery_overdue: 'ارجاع: تاریخ تحویل تعهدشده گذشت و کار تحویل نشده است',
  fix_overdue: 'ارجاع: مهلت رفع ایرادها گذشت و کار دوباره تحویل نشده است',
};

const STAFF_EN: Record<string, string> = {
  opened: 'new change request awaiting feasibility review',
  rejected: 'change request rejected',
  quoted: 'quote sent to the customer',
  quote_approved: 'quote approved; commit a delivery date',
  quote_declined: 'quote declined',
  quote_expired: 'quote expired unanswered',
  delivery_committed: 'delivery date committed',
  customer_delay_recorded: 'customer delay recorded; deadline extended',
  delivered: 'delivered; acceptance period started',
  redelivered: 'redelivered after fixes',
  defects_listed: 'customer listed defects; fix period started',
  accepted: 'accepted',
  invoiced: 'invoiced',
  acceptance_period_lapsed: 'acceptance period lapsed without an answer',
  cancelled: 'cancelled',
  review_overdue: 'ESCALATION: feasibility review overdue',
  delivery_overdue: 'ESCALATION: committed delivery date missed',
  fix_overdue: 'ESCALATION: defect-fix period missed',
};

const ESCALATIONS = new Set(['review_overdue', 'delivery_overdue', 'fix_overdue']);

/** The department's notice for an event: every transition, and the escalations when the vendor runs late. */
function toDepartment(event: string, s: ChangeRequestSubject): RenderedMessage | null {
  const fa = STAFF_FA[event];
  const en = STAFF_EN[event];
  if (!fa || !en) return null;
  const ref = changeRequestReference(s.changeRequestId);
  const { data } = s;
  const dueAtMs = number(data, 'dueAtMs');
  const reason = text(data, 'reason');
  const prefix = ESCALATIONS.has(event) ? 'ارجاع به مدیر واحد: ' : '';
  return {
    subject: `${prefix}درخواست تغییر ${ref}: ${fa} | ${en}`,
    body: lines(
      `${fa}: «${s.title}» (${ref}، ${s.customerName}، ${s.productName}).`,
      ESCALATIONS.has(event) && dueAtMs !== null ? `موعد: ${when(dueAtMs)}` : null,
      reason ? `دلیل: ${reason}` : null,
      event === 'invoiced' ? `مبلغ: ${rialsFa(text(data, 'amountRials') ?? '0')}` : null,
      `Change request ${ref} (${s.customerName}, ${s.productName}): ${en}${dueAtMs !== null ? `; due ${tehranClock(dueAtMs)}` : ''}.`,
    ),
  };
}

export function changeRequestMessage(
  event: string,
  subject: ChangeRequestSubject,
  audience: ChangeRequestAudience,
): RenderedMessage | null {
  return audience === 'customer' ? toCustomer(event, subject) : toDepartment(event, subject);
}
