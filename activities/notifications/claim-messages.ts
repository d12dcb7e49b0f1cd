/**
 * What Pasban says about compensation claims and outages, Persian first. Customers read Persian
 * with Jalali dates and Persian digits in Tehran time; staff notices add one English line.
 * Pure: every template takes a small input and returns the subject and body to send.
 */
import { parseJalaliMonth } from '../../sla/jalali-month';
import { formatJalali, toPersianDigits } from '../../sla/jalali';
import type { ClaimAlarmKind, ClaimKind } from '../../sla/claim-state';
import type { RenderedMessage } from './messages';
import { iso } from '../../sla/iso';

const JALALI_MONTHS_FA = [
  'فروردین',
  'اردیبهشت',
  'خرداد',
  'تیر',
  'مرداد',
  'شهریور',
  'مهر',
  'آبان',
  'آذر',
  'دی',
  'بهمن',
  'اسفند',
];

/** The short reference customers quote: the first eight characters of the claim id. */
export function claimReference(claimId: string): string {
  return claimId.slice(0, 8).toUpperCase();
}

const when = (atMs: number) => formatJalali(atMs);
const tehranClock = (atMs: number) => `${iso(atMs).slice(0, 16).replace('T', ' ')} Tehran`;
const lines = (...parts: (string | null)[]) => parts.filter((p): p is string => p !== null).join('\n');

/** "۸٬۳۳۳٬۳۳۳ ریال" */
export function rialsFa(amount: number): string {
  return `${toPersianDigits(amount.toLocaleString('en-US')).replace(/,/g, '٬')} ریال`;
}

/** "1405-10" → "دی ۱۴۰۵" */
export function jalaliMonthFa(month: string): string {
  const parsed = parseJalaliMonth(month);
  return parsed ? `${JALALI_MONTHS_FA[parsed.month - 1]} ${toPersianDigits(String(parsed.year))}` : month;
}

const percentFa = (percent: number) => `${toPersianDigits(String(percent))}٪`;
const minutesFa = (minutes: number) => `${toPersianDigits(String(Math.round(minutes)))} دقیقه`;

const GREETING = 'مشترک گرامی،';
const PORTAL = 'برای دیدن جزئیات به پورتال مشتریان مراجعه کنید.';

export interface ClaimRef {
  claimId: string;
  /** The product's Persian name. */
  productName: string;
}

const named = (c: ClaimRef) =>
  `درخواست جبران خسارت شما برای ${c.productName} با شماره پیگیری ${claimReference(c.claimId)}`;

// --- To the customer -------------------------------------------------------------------------

export interface AcknowledgementFacts {
  kind: ClaimKind;
  month: string | null;
  downtimeMinutes: number | null;
  availabilityPercent: number | null;
  creditPercent: number | null;
  amountRials: number | null;
}

export function claimAcknowledged(
  input: ClaimRef & AcknowledgementFacts & { decisionDueAtMs: number },
): RenderedMessage {
  const availability =
    input.kind === 'availability' &&
    input.month !== null &&
    input.downtimeMinutes !== null &&
    input.availabilityPercent !== null
      ? [
          `ماه بررسی‌شده: ${jalaliMonthFa(input.month)}`,
          `زمان قطعی محاسبه‌شده: ${minutesFa(input.downtimeMinutes)}؛ دسترس‌پذیری: ${toPersianDigits(input.availabilityPercent.toFixed(3))}٪`,
          input.creditPercent === null
            ? null
            : `اعتبار محاسبه‌شده: ${percentFa(input.creditPercent)}${input.amountRials ? ` (${rialsFa(input.amountRials)})` : ''}`,
        ]
      : ['این درخواست دربارهٔ رعایت‌نشدن زمان‌های پشتیبانی است و میزان جبران را واحد تضمین کیفیت تعیین می‌کند.'];
  return {
    subject: `دریافت درخواست جبران خسارت ${claimReference(input.claimId)}`,
    body: lines(
      `${GREETING} ${named(input)} دریافت شد و برای بررسی به واحد تضمین کیفیت ارجاع شد.`,
      ...availability,
      `نتیجهٔ بررسی حداکثر تا ${when(input.decisionDueAtMs)} اعلام می‌شود.`,
      PORTAL,
    ),
  };
}

export function claimApproved(
  input: ClaimRef & {
    percent: number;
    amountRials: number;
    appliesToMonth: string;
    decidedAtMs: number;
    justification: string | null;
  },
): RenderedMessage {
  return {
    subject: `پذیرش درخواست جبران خسارت ${claimReference(input.claimId)}`,
    body: lines(
      `${GREETING} ${named(input)} در ${when(input.decidedAtMs)} پذیرفته شد.`,
      `اعتبار: ${percentFa(input.percent)} به مبلغ ${rialsFa(input.amountRials)}، که از صورت‌حساب اشتراک ${jalaliMonthFa(input.appliesToMonth)} کسر می‌شود.`,
      input.justification ? `توضیح: ${input.justification}` : null,
      PORTAL,
    ),
  };
}

/** Customers read the published exclusion in words, and QA's own text after it. */
const EXCLUSION_FA: Record<string, string> = {
  planned_maintenance: 'قطعی ناشی از نگهداری برنامه‌ریزی‌شده‌ای بود که از پیش اعلام شده بود',
  customer_requested: 'قطعی به درخواست خود مشترک بود',
  customer_violation: 'قطعی به دلیل نقض قوانین سرویس از سوی مشترک بود',
  non_payment_suspension: 'سرویس به دلیل پرداخت‌نشدن صورت‌حساب تعلیق شده بود',
  external_provider: 'قطعی به دلایل خارج از کنترل ارائه‌دهنده، مانند اختلال سراسری زیرساخت اپراتورها، بود',
};

export function claimRejected(input: ClaimRef & { reason: string; decidedAtMs: number }): RenderedMessage {
  const [key, ...rest] = input.reason.split(': ');
  const reason =
    key && EXCLUSION_FA[key] ? [EXCLUSION_FA[key], rest.join(': ')].filter(Boolean).join('؛ ') : input.reason;
  return {
    subject: `نتیجهٔ بررسی درخواست جبران خسارت ${claimReference(input.claimId)}`,
    body: lines(
      `${GREETING} ${named(input)} پس از بررسی در ${when(input.decidedAtMs)} پذیرفته نشد.`,
      `دلیل: ${reason}`,
      PORTAL,
    ),
  };
}

export function maintenanceAnnounced(input: {
  productName: string;
  startMs: number;
  endMs: number | null;
  description: string;
}): RenderedMessage {
  return {
    subject: `اطلاعیهٔ نگهداری برنامه‌ریزی‌شدهٔ ${input.productName}`,
    body: lines(
      `${GREETING} سرویس ${input.productName} برای نگهداری برنامه‌ریزی‌شده از ${when(input.startMs)}${input.endMs === null ? '' : ` تا ${when(input.endMs)}`} در دسترس نخواهد بود.`,
      input.description,
      'از شکیبایی شما سپاسگزاریم.',
    ),
  };
}

/** Seed 001: an unplanned outage, told to the product's customers as soon as it is recorded. */
export function outageUnannounced(input: {
  productName: string;
  startMs: number;
  description: string;
}): RenderedMessage {
  return {
    subject: `اطلاعیهٔ اضطراری: قطعی ${input.productName}`,
    body: lines(
      `${GREETING} سرویس ${input.productName} از ${when(input.startMs)} دچار قطعی شده است و در حال رفع آن هستیم.`,
      input.description,
      'نیازی به ثبت تیکت جداگانه برای این قطعی نیست؛ نتیجه را به اطلاع شما خواهیم رساند.',
    ),
  };
}

// --- To staff --------------------------------------------------------------------------------

export interface ClaimAlarmInput extends ClaimRef {
  kind: ClaimAlarmKind;
  customerName: string;
  dueAtMs: number;
}

const ALARM_FA: Record<ClaimAlarmKind, (input: ClaimAlarmInput) => string> = {
  acknowledgement_overdue: (i) =>
    `پاسخ اولیهٔ درخواست جبران خسارت ${claimReference(i.claimId)} (${i.customerName}، ${i.productName}) تا ${when(i.dueAtMs)} ثبت نشد.`,
  decision_reminder: (i) =>
    `مهلت اعلام نتیجهٔ درخواست جبران خسارت ${claimReference(i.claimId)} (${i.customerName}، ${i.productName}) ${when(i.dueAtMs)} است.`,
  decision_overdue: (i) =>
    `مهلت اعلام نتیجهٔ درخواست جبران خسارت ${claimReference(i.claimId)} (${i.customerName}، ${i.productName}) در ${when(i.dueAtMs)} گذشت و تصمیمی ثبت نشد.`,
};

const ALARM_SUBJECT: Record<ClaimAlarmKind, [string, string]> = {
  acknowledgement_overdue: ['تأخیر در پاسخ اولیهٔ درخواست جبران خسارت', 'Claim acknowledgement overdue'],
  decision_reminder: ['یادآوری تصمیم درخواست جبران خسارت', 'Claim decision reminder'],
  decision_overdue: ['تأخیر در تصمیم درخواست جبران خسارت', 'Claim decision overdue'],
};

const ALARM_EN: Record<ClaimAlarmKind, string> = {
  acknowledgement_overdue: 'was not acknowledged by',
  decision_reminder: 'must be decided by',
  decision_overdue: 'was not decided by',
};

/** A claim has arrived: QA (or the department's manager) hears of it at once, not only at the reminder. */
export function claimFiled(input: ClaimRef & { customerName: string; decisionDueAtMs: number }): RenderedMessage {
  const ref = claimReference(input.claimId);
  return {
    subject: `درخواست جبران خسارت جدید ${ref} | New claim ${ref}`,
    body: lines(
      `درخواست جبران خسارت ${ref} از ${input.customerName} برای ${input.productName} ثبت شد؛ مهلت اعلام نتیجه ${when(input.decisionDueAtMs)} است.`,
      `Claim ${ref} (${input.customerName}, ${input.productName}) was filed; it must be decided by ${tehranClock(input.decisionDueAtMs)}.`,
    ),
  };
}

export function claimAlarm(input: ClaimAlarmInput): RenderedMessage {
  const ref = claimReference(input.claimId);
  const [fa, en] = ALARM_SUBJECT[input.kind];
  return {
    subject: `${fa} ${ref} | ${en} ${ref}`,
    body: lines(
      ALARM_FA[input.kind](input),
      `Claim ${ref} (${input.customerName}) ${ALARM_EN[input.kind]} ${tehranClock(input.dueAtMs)}.`,
    ),
  };
}

export function outageNoticeOverdue(input: {
  outageId: string;
  productName: string;
  startedAtMs: number;
  dueAtMs: number;
  description: string;
}): RenderedMessage {
  const ref = input.outageId.slice(0, 8).toUpperCase();
  return {
    subject: `اطلاعیهٔ قطعی ${input.productName} منتشر نشد | Outage notice overdue ${ref}`,
    body: lines(
      `قطعی ${input.productName} (${ref}) از ${when(input.startedAtMs)} آغاز شده و تا ${when(input.dueAtMs)} اطلاعیه‌ای در پنل مشتریان منتشر نشده است.`,
      input.description,
      `Outage ${ref} of ${input.productName} began ${tehranClock(input.startedAtMs)}; no customer-panel notice was posted by ${tehranClock(input.dueAtMs)}.`,
    ),
  };
}
