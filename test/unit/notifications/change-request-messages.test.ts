import {
  changeRequestMessage,
  effortFa,
  rialsFa,
  type ChangeRequestSubject,
} from '../../../activities/notifications/change-request-messages';
import { formatJalali } from '../../../sla/jalali';

const subject = (data: Record<string, unknown>): ChangeRequestSubject => ({
  changeRequestId: '3f2a9c1e-0000-4000-8000-000000000000',
  title: 'گزارش فروش ماهانه',
  customerName: 'شرکت نمونه',
  productName: 'پروژه سی‌آر‌ام کیان',
  data,
});

describe('change-request messages', () => {
  it('tell the customer the quote in Persian, with rials, effort and Jalali dates', () => {
    const expiresAtMs = Date.parse('2026-12-22T06:30:00Z');
    const message = changeRequestMessage(
      'quoted',
      subject({ costRials: '50000000', effortMinutes: 150, proposedDeliveryAtMs: expiresAtMs, expiresAtMs }),
      'customer',
    )!;
    expect(message.subject).toBe('پیش‌فاکتور درخواست تغییر | 3F2A9C1E');
    expect(message.body).toContain('۵۰٬۰۰۰٬۰۰۰ ریال');
    expect(message.body).toContain('۲ ساعت و ۳۰ دقیقه');
    expect(message.body).toContain(`اعتبار پیش‌فاکتور تا: ${formatJalali(expiresAtMs)}`);
  });

  it('tell the customer why silence was taken as acceptance', () => {
    expect(changeRequestMessage('accepted', subject({ bySilence: true }), 'customer')!.body).toContain(
      'طبق قرارداد کار پذیرفته شد',
    );
  });

  it('send escalations to the department only, with the due time in both languages', () => {
    const dueAtMs = Date.parse('2026-12-10T13:30:00Z');
    expect(changeRequestMessage('delivery_overdue', subject({ dueAtMs }), 'customer')).toBeNull();
    const message = changeRequestMessage('delivery_overdue', subject({ dueAtMs }), 'department')!;
    expect(message.subject).toMatch(/^ارجاع به مدیر واحد: /);
    expect(message.body).toContain(`موعد: ${formatJalali(dueAtMs)}`);
    expect(message.body).toContain('due 2026-12-10 17:00 Tehran');
  });

  it('keep the quote reminder for the customer', () => {
    expect(changeRequestMessage('quote_reminder', subject({ expiresAtMs: 0 }), 'department')).toBeNull();
  });

  it('format rials and effort for Persian readers', () => {
    expect(rialsFa('0')).toBe('۰ ریال');
    expect(effortFa(60)).toBe('۱ ساعت');
    expect(effortFa(45)).toBe('۴۵ دقیقه');
  });
});
