/**
 * The notices Pasban sends, Persian first. Dates are checked against the platform's own Persian
 * calendar (Intl, fa-IR, calendar persian, Asia/Tehran) as an independent reference.
 */
import {
  escalationLevel,
  escalationMessage,
  firstAgentReply,
  slaBreach,
  slaWarning,
  ticketClosed,
  ticketMessage,
  ticketOpened,
  ticketReference,
  ticketReopened,
  ticketResolved,
  waitingOnCustomer,
  type SlaAlarmInput,
  type TicketNotice,
} from '../../../activities/notifications/messages';

const tehran = (local: string) => Date.parse(`${local}:00+03:30`);

/** The Jalali date and time Intl gives for an instant in Tehran, e.g. "۱۴۰۵/۰۹/۰۱" and "۱۰:۳۰". */
function intlJalali(atMs: number): { date: string; time: string } {
  const options = { timeZone: 'Asia/Tehran', calendar: 'persian' } as const;
  return {
    date: new Intl.DateTimeFormat('fa-IR', { ...options, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      atMs,
    ),
    time: new Intl.DateTimeFormat('fa-IR', { ...options, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      atMs,
    ),
  };
}

// A ticket id without decimal digits in its first eight characters, so a body without Latin
// digits proves every number in it was written in Persian.
const TICKET = { ticketId: 'abcdefab-1111-4222-8333-444455556666', subject: 'قطعی سامانه' };
const PERSIAN_LETTERS = /[\u0600-\u06FF]/;
const LATIN_DIGITS = /[0-9]/;

const customerMessages = {
  opened: ticketOpened({
    ...TICKET,
    priority: 'high',
    deadlines: [
      { target: 'first_response', dueAtMs: tehran('2026-11-22T10:30') },
      { target: 'resolution', dueAtMs: tehran('2026-11-24T17:00') },
    ],
  }),
  firstReply: firstAgentReply(TICKET),
  waiting: waitingOnCustomer(TICKET),
  resolved: ticketResolved({ ...TICKET, resolvedAtMs: tehran('2026-11-23T09:05') }),
  closed: ticketClosed({ ...TICKET, closedAtMs: tehran('2026-11-30T09:05') }),
  reopened: ticketReopened({
    ...TICKET,
    reopenedAtMs: tehran('2026-11-24T11:00'),
    resolutionDueMs: tehran('2026-11-25T11:00'),
  }),
};

describe('customer notices', () => {
  it.each(Object.entries(customerMessages))(
    '%s is Persian text: Persian digits, no Latin besides the ticket reference',
    (_name, message) => {
      expect(message.subject).toMatch(PERSIAN_LETTERS);
      expect(message.body).toMatch(PERSIAN_LETTERS);
      expect(message.body).not.toMatch(LATIN_DIGITS);
      expect(message.body.replaceAll('ABCDEFAB', '')).not.toMatch(/[A-Za-z]/);
    },
  );

  it.each(Object.entries(customerMessages))(
    '%s names the ticket by its subject and short reference',
    (_name, message) => {
      expect(message.body).toContain('«قطعی سامانه»');
      expect(message.body).toContain('ABCDEFAB');
      expect(message.subject).toContain('ABCDEFAB');
    },
  );

  it('gives the deadlines of a new ticket as Jalali dates in Tehran time', () => {
    const firstResponse = intlJalali(tehran('2026-11-22T10:30'));
    const resolution = intlJalali(tehran('2026-11-24T17:00'));
    expect(firstResponse).toEqual({ date: '۱۴۰۵/۰۹/۰۱', time: '۱۰:۳۰' });
    expect(customerMessages.opened.body).toContain(`مهلت اولین پاسخ: ${firstResponse.date} ساعت ${firstResponse.time}`);
    expect(customerMessages.opened.body).toContain(`مهلت رفع مشکل: ${resolution.date} ساعت ${resolution.time}`);
    expect(customerMessages.opened.body).toContain('اولویت: بالا');
  });

  it('reads the Jalali date across the year boundary (Nowruz)', () => {
    const message = ticketResolved({ ...TICKET, resolvedAtMs: tehran('2026-03-21T00:30') });
    expect(message.body).toContain('۱۴۰۵/۰۱/۰۱ ساعت ۰۰:۳۰');
    expect(intlJalali(tehran('2026-03-21T00:30')).date).toBe('۱۴۰۵/۰۱/۰۱');
  });

  it('tells a waiting customer that the clock is stopped until they answer', () => {
    expect(customerMessages.waiting.body).toContain('متوقف');
  });

  it('gives a reopened ticket its new resolution deadline, or none when there is none', () => {
    expect(customerMessages.reopened.body).toContain(`مهلت رفع مشکل: ${intlJalali(tehran('2026-11-25T11:00')).date}`);
    const withoutDeadline = ticketReopened({
      ...TICKET,
      reopenedAtMs: tehran('2026-11-24T11:00'),
      resolutionDueMs: null,
    });
    expect(withoutDeadline.body).not.toContain('مهلت');
  });
});

describe('staff notices', () => {
  const alarm: SlaAlarmInput = {
    ...TICKET,
    target: 'resolution',
    percent: 75,
    dueAtMs: tehran('2026-11-22T10:30'),
    priority: 'critical',
    customerName: 'شرکت نمونه',
    productName: 'اوج',
    assignee: 'Sara',
  };

  it('warns the assignee in Persian with an English line', () => {
    const message = slaWarning(alarm);
    const [persian, , english] = message.body.split('\n');
    expect(persian).toContain('۷۵٪ از زمان رفع مشکل');
    expect(persian).toContain('۱۴۰۵/۰۹/۰۱ ساعت ۱۰:۳۰');
    expect(persian).toContain('اولویت بحرانی');
    expect(english).toBe(
      'SLA warning: 75% of the resolution time is used on ticket ABCDEFAB (شرکت نمونه, اوج, critical); due 2026-11-22 10:30 Tehran.',
    );
    expect(message.subject).toBe('هشدار SLA: رفع مشکل درخواست ABCDEFAB | SLA warning ABCDEFAB');
  });

  it('tells the department manager of a breach, with the deadline that passed', () => {
    const message = slaBreach({ ...alarm, target: 'first_response', percent: 100 });
    expect(message.subject).toContain('SLA breach ABCDEFAB');
    expect(message.body).toContain('مهلت اولین پاسخ درخواست');
    expect(message.body).toContain('SLA breach: the first response deadline of ticket ABCDEFAB');
    expect(message.body).toContain('passed at 2026-11-22 10:30 Tehran');
  });

  it('escalates to senior management with the share of the target used', () => {
    const message = escalationLevel({ ...alarm, percent: 150, assignee: null });
    expect(message.body).toContain('۱۵۰٪');
    expect(message.body).toContain('مسئول: تعیین نشده');
    expect(message.body).toContain('has used 150% of its resolution time');
  });

  it('picks the template by alarm kind', () => {
    expect(escalationMessage({ ...alarm, kind: 'warning' })).toEqual(slaWarning(alarm));
    expect(escalationMessage({ ...alarm, kind: 'breach' })).toEqual(slaBreach(alarm));
    expect(escalationMessage({ ...alarm, kind: 'escalation' })).toEqual(escalationLevel(alarm));
  });
});

describe('ticketMessage: the customer notice for a ticket workflow event', () => {
  const notice = (data: Record<string, unknown> = {}): TicketNotice => ({
    ...TICKET,
    view: {
      priority: 'medium',
      targets: [
        { target: 'first_response', dueAtMs: tehran('2026-11-22T10:30') },
        { target: 'resolution', dueAtMs: null },
        { target: 'review', dueAtMs: tehran('2026-11-23T10:00') },
      ],
      resolvedAtMs: null,
      closedAtMs: null,
      asOfMs: tehran('2026-11-22T09:00'),
    },
    data,
  });

  it('lists the deadlines a new ticket has, leaving out targets without one', () => {
    const message = ticketMessage('opened', notice())!;
    expect(message.body).toContain('مهلت اولین پاسخ');
    expect(message.body).toContain('مهلت بررسی و اعلام زمان رفع');
    expect(message.body).not.toContain('مهلت رفع مشکل:');
  });

  it('tells the customer of the first public reply only', () => {
    expect(ticketMessage('agent_replied', notice({ firstResponse: true }))).toEqual(firstAgentReply(TICKET));
    expect(ticketMessage('agent_replied', notice({ firstResponse: false }))).toBeNull();
  });

  it('tells the customer when the ticket waits on them, not of other status changes', () => {
    expect(ticketMessage('status_changed', notice({ from: 'in_progress', to: 'waiting_on_customer' }))).toEqual(
      waitingOnCustomer(TICKET),
    );
    expect(ticketMessage('status_changed', notice({ from: 'waiting_on_customer', to: 'in_progress' }))).toBeNull();
  });

  it('announces a committed resolution date and a rejection with its reason', () => {
    expect(ticketMessage('resolution_date_announced', notice({ dueAtMs: tehran('2026-11-26T12:00') }))!.body).toContain(
      '۱۴۰۵/۰۹/۰۵ ساعت ۱۲:۰۰',
    );
    expect(ticketMessage('request_rejected', notice({ reason: 'خارج از قرارداد' }))!.body).toContain(
      'دلیل: خارج از قرارداد',
    );
  });

  it("tells the review result of a fault that is the vendor's, with the fix deadline it starts (rule 13)", () => {
    const body = ticketMessage(
      'fault_confirmed',
      notice({ finding: 'خطای پنل از سمت آوانک است', fixDueAtMs: tehran('2026-11-26T14:00') }),
    )!.body;
    expect(body).toContain('نتیجهٔ بررسی: خطای پنل از سمت آوانک است');
    expect(body).toContain('رفع خطا تا ۱۴۰۵/۰۹/۰۵ ساعت ۱۴:۰۰');
  });

  it('has notices for resolved, reopened, closed and cancelled', () => {
    for (const event of ['resolved', 'reopened', 'closed', 'cancelled']) {
      expect(ticketMessage(event, notice())).toEqual({
        subject: expect.stringContaining('ABCDEFAB'),
        body: expect.any(String),
      });
    }
  });

  it('says nothing to the customer about internal events', () => {
    for (const event of ['internal_note', 'assigned', 'priority_changed', 'sla_warning', 'customer_replied']) {
      expect(ticketMessage(event, notice())).toBeNull();
    }
  });
});

describe('ticketReference', () => {
  it('is the first eight characters of the id in capitals', () => {
    expect(ticketReference('3f9a2b1c-0000-4000-8000-000000000000')).toBe('3F9A2B1C');
  });
});
