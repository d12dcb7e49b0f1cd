import {
  claimAcknowledged,
  claimAlarm,
  claimApproved,
  claimReference,
  claimRejected,
  jalaliMonthFa,
  maintenanceAnnounced,
  outageNoticeOverdue,
  rialsFa,
} from '../../../activities/notifications/claim-messages';

const tehran = (local: string) => Date.parse(`${local}:00+03:30`);
const ref = { claimId: '3f2a9c10-aaaa-4bbb-8ccc-000000000001', productName: 'آوانک' };

describe('claim notices to the customer', () => {
  it('acknowledge with the computed facts and the decision date in Jalali', () => {
    const message = claimAcknowledged({
      ...ref,
      kind: 'availability',
      month: '1405-09',
      downtimeMinutes: 433,
      availabilityPercent: 98.997685,
      creditPercent: 20,
      amountRials: 16_666_666,
      decisionDueAtMs: tehran('2026-12-02T20:00'),
    });
    expect(message.subject).toBe(`دریافت درخواست جبران خسارت ${claimReference(ref.claimId)}`);
    expect(message.body).toContain('ماه بررسی‌شده: آذر ۱۴۰۵');
    expect(message.body).toContain('۴۳۳ دقیقه');
    expect(message.body).toContain('۹۸.۹۹۸٪');
    expect(message.body).toContain('۲۰٪ (۱۶٬۶۶۶٬۶۶۶ ریال)');
    expect(message.body).toContain('۱۴۰۵/۰۹/۱۱ ساعت ۲۰:۰۰');
  });

  it('acknowledge a support-timing claim without figures: QA sets the amount', () => {
    const message = claimAcknowledged({
      ...ref,
      kind: 'support_timing',
      month: null,
      downtimeMinutes: null,
      availabilityPercent: null,
      creditPercent: null,
      amountRials: null,
      decisionDueAtMs: tehran('2026-12-02T20:00'),
    });
    expect(message.body).toContain('واحد تضمین کیفیت تعیین می‌کند');
  });

  it('tell the approved credit and the month it is deducted from', () => {
    const message = claimApproved({
      ...ref,
      percent: 10,
      amountRials: 8_333_333,
      appliesToMonth: '1405-10',
      decidedAtMs: tehran('2026-11-30T11:00'),
      justification: null,
    });
    expect(message.body).toContain('۱۰٪ به مبلغ ۸٬۳۳۳٬۳۳۳ ریال');
    expect(message.body).toContain('اشتراک دی ۱۴۰۵');
    expect(message.body).toContain('۱۴۰۵/۰۹/۰۹ ساعت ۱۱:۰۰');
  });

  it("tell a rejection by a published exclusion in words, with QA's text after it", () => {
    const message = claimRejected({
      ...ref,
      reason: 'external_provider: nationwide operator failure',
      decidedAtMs: tehran('2026-11-30T11:00'),
    });
    expect(message.body).toContain('خارج از کنترل ارائه‌دهنده');
    expect(message.body).toContain('nationwide operator failure');
    expect(claimRejected({ ...ref, reason: 'تکراری', decidedAtMs: tehran('2026-11-30T11:00') }).body).toContain(
      'دلیل: تکراری',
    );
  });

  it('announce maintenance with its window in Jalali', () => {
    const message = maintenanceAnnounced({
      productName: 'آوانک',
      startMs: tehran('2026-12-05T01:00'),
      endMs: tehran('2026-12-05T03:00'),
      description: 'ارتقای پایگاه داده',
    });
    expect(message.body).toContain('۱۴۰۵/۰۹/۱۴ ساعت ۰۱:۰۰ تا ۱۴۰۵/۰۹/۱۴ ساعت ۰۳:۰۰');
  });
});

describe('claim and outage notices to staff', () => {
  it('name the claim, the customer and the deadline in Persian and English', () => {
    const message = claimAlarm({
      ...ref,
      kind: 'decision_overdue',
      customerName: 'Acme',
      dueAtMs: tehran('2026-12-02T20:00'),
    });
    expect(message.subject).toContain('Claim decision overdue');
    expect(message.body).toContain('Acme');
    expect(message.body).toContain('2026-12-02 20:00 Tehran');
  });

  it('report a missing panel notice', () => {
    const message = outageNoticeOverdue({
      outageId: 'abcdef12-0000-4000-8000-000000000000',
      productName: 'آوانک',
      startedAtMs: tehran('2026-11-25T10:00'),
      dueAtMs: tehran('2026-11-25T12:00'),
      description: 'x',
    });
    expect(message.subject).toContain('ABCDEF12');
    expect(message.body).toContain('2026-11-25 12:00 Tehran');
  });
});

describe('formats', () => {
  it('write rials and Jalali months in Persian', () => {
    expect(rialsFa(1_250_000)).toBe('۱٬۲۵۰٬۰۰۰ ریال');
    expect(jalaliMonthFa('1405-01')).toBe('فروردین ۱۴۰۵');
  });
});
