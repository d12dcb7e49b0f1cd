/**
 * The external-communications procedure (SLA-RULES 004) as delivery decisions. Times are Tehran
 * wall-clock minutes (+03:30 all year since 2022); the reference day is Sunday 22 November 2026.
 */
import {
  CATEGORIES,
  CHANNELS,
  decideDelivery,
  nextAdvertisingSlot,
  type Category,
  type ChannelName,
  type DeliveryDecision,
  type DeliveryQuestion,
} from '../../../activities/notifications/policy';

const tehran = (local: string) => new Date(`${local}:00+03:30`);
const DAYTIME = tehran('2026-11-22T10:00');

type Preference = 'all' | 'no_advertising' | 'no_messages';
type Outcome = ChannelName | 'suppressed' | 'held';

function ask(overrides: Partial<DeliveryQuestion>): DeliveryDecision {
  return decideDelivery({
    channel: 'sms',
    category: 'informational',
    audience: 'customer',
    preference: 'all',
    emergencyApprovalExpiresAt: null,
    now: DAYTIME,
    ...overrides,
  });
}

const outcome = (decision: DeliveryDecision): Outcome =>
  decision.kind === 'suppress' ? 'suppressed' : decision.kind === 'hold' ? 'held' : decision.channel;

describe('which channel a message to a customer goes out on, in the daytime and without an emergency approval', () => {
  const expected: Record<Preference, Record<Category, Record<ChannelName, Outcome>>> = {
    all: {
      informational: { sms: 'sms', email: 'email', in_app: 'in_app' },
      advertising: { sms: 'sms', email: 'email', in_app: 'in_app' },
      emergency: { sms: 'sms', email: 'email', in_app: 'in_app' },
    },
    no_advertising: {
      informational: { sms: 'sms', email: 'email', in_app: 'in_app' },
      advertising: { sms: 'suppressed', email: 'suppressed', in_app: 'suppressed' },
      emergency: { sms: 'sms', email: 'email', in_app: 'in_app' },
    },
    no_messages: {
      informational: { sms: 'in_app', email: 'in_app', in_app: 'in_app' },
      advertising: { sms: 'suppressed', email: 'suppressed', in_app: 'suppressed' },
      emergency: { sms: 'suppressed', email: 'suppressed', in_app: 'in_app' },
    },
  };
  const cases = (Object.keys(expected) as Preference[]).flatMap((preference) =>
    CATEGORIES.flatMap((category) =>
      CHANNELS.map((channel) => ({ preference, category, channel, want: expected[preference][category][channel] })),
    ),
  );

  it.each(cases)('$preference customer, $category by $channel → $want', ({ preference, category, channel, want }) => {
    expect(outcome(ask({ preference, category, channel }))).toBe(want);
  });

  it('covers every preference × category × channel', () => {
    expect(cases).toHaveLength(27);
  });
});

describe('the reasons recorded with a decision', () => {
  it('records that SMS and e-mail to a "no messages" customer were replaced by an in-app notice', () => {
    for (const channel of ['sms', 'email'] as const) {
      const decision = ask({ preference: 'no_messages', channel });
      expect(decision).toMatchObject({ kind: 'send', channel: 'in_app' });
      expect(decision.kind === 'send' && decision.note).toMatch(/no messages at all.*replaced by an in-app notice/);
    }
  });

  it('names the opt-out when advertising is suppressed', () => {
    expect(ask({ preference: 'no_advertising', category: 'advertising' })).toEqual({
      kind: 'suppress',
      reason: 'advertising not sent: the customer asked for no advertising messages',
    });
    expect(ask({ preference: 'no_messages', category: 'advertising', channel: 'email' })).toMatchObject({
      kind: 'suppress',
      reason: expect.stringContaining('no messages at all'),
    });
  });

  it('sends an ordinary message with no note', () => {
    expect(ask({ channel: 'email' })).toEqual({ kind: 'send', channel: 'email', note: null });
  });
});

describe('staff notices', () => {
  it('are never held back by a customer preference', () => {
    for (const category of CATEGORIES) {
      for (const channel of CHANNELS) {
        const decision = ask({ audience: 'staff', preference: 'no_messages', category, channel });
        expect(decision).toEqual({ kind: 'send', channel, note: null });
      }
    }
  });

  it('go out at any hour when informational (SLA notices)', () => {
    expect(ask({ audience: 'staff', preference: null, now: tehran('2026-11-22T03:00') })).toMatchObject({
      kind: 'send',
      channel: 'sms',
    });
  });
});

describe('an emergency message to a customer who asked for no messages at all', () => {
  const emergency = (approvalExpiresAt: Date | null, channel: ChannelName = 'sms') =>
    ask({ preference: 'no_messages', category: 'emergency', channel, emergencyApprovalExpiresAt: approvalExpiresAt });

  it('goes out on its own channel while senior management’s approval is valid', () => {
    const decision = emergency(tehran('2026-11-23T10:00'));
    expect(decision).toMatchObject({
      kind: 'send',
      channel: 'sms',
      note: expect.stringContaining("senior management's approval"),
    });
    expect(emergency(tehran('2026-11-23T10:00'), 'email')).toMatchObject({ kind: 'send', channel: 'email' });
  });

  it('is suppressed without an approval, saying so', () => {
    expect(emergency(null)).toEqual({
      kind: 'suppress',
      reason: 'emergency not sent: the customer asked for no messages at all and senior management has not approved it',
    });
  });

  it('is suppressed when the approval has expired, naming when', () => {
    expect(emergency(tehran('2026-11-22T09:00'))).toEqual({
      kind: 'suppress',
      reason: expect.stringContaining('approval expired at 2026-11-22T09:00:00.000+03:30'),
    });
  });

  it('treats an approval that expires at this very instant as expired', () => {
    expect(emergency(DAYTIME).kind).toBe('suppress');
  });

  it('still reaches the in-app inbox without an approval', () => {
    expect(emergency(null, 'in_app')).toEqual({ kind: 'send', channel: 'in_app', note: null });
  });

  it('is not held to quiet hours', () => {
    expect(ask({ preference: 'all', category: 'emergency', now: tehran('2026-11-22T02:00') })).toMatchObject({
      kind: 'send',
    });
  });
});

describe('quiet hours for advertising SMS (08:00–22:00 Tehran)', () => {
  const advertising = (local: string) => ask({ category: 'advertising', channel: 'sms', now: tehran(local) });

  it('holds a message at 07:59 until 08:00 the same day', () => {
    expect(advertising('2026-11-22T07:59')).toEqual({
      kind: 'hold',
      channel: 'sms',
      until: tehran('2026-11-22T08:00'),
      note: 'advertising SMS held to 08:00–22:00 Tehran time',
    });
  });

  it('sends at 08:00 and at 21:59', () => {
    expect(advertising('2026-11-22T08:00')).toMatchObject({ kind: 'send', channel: 'sms' });
    expect(advertising('2026-11-22T21:59')).toMatchObject({ kind: 'send', channel: 'sms' });
  });

  it('holds a message at 22:00 until 08:00 the next day', () => {
    expect(advertising('2026-11-22T22:00')).toMatchObject({ kind: 'hold', until: tehran('2026-11-23T08:00') });
  });

  it('holds a message just after midnight until 08:00 that morning', () => {
    expect(advertising('2026-11-23T00:10')).toMatchObject({ kind: 'hold', until: tehran('2026-11-23T08:00') });
  });

  it('does not hold advertising by e-mail or in-app (the procedure limits SMS and voice only)', () => {
    expect(ask({ category: 'advertising', channel: 'email', now: tehran('2026-11-22T23:00') })).toMatchObject({
      kind: 'send',
    });
    expect(ask({ category: 'advertising', channel: 'in_app', now: tehran('2026-11-22T23:00') })).toMatchObject({
      kind: 'send',
    });
  });

  it('does not hold informational SMS at night', () => {
    expect(ask({ now: tehran('2026-11-22T23:30') })).toMatchObject({ kind: 'send', channel: 'sms' });
  });
});

describe('nextAdvertisingSlot', () => {
  it.each([
    ['sms', '2026-11-22T07:59', '2026-11-22T08:00'],
    ['sms', '2026-11-22T08:00', '2026-11-22T08:00'],
    ['sms', '2026-11-22T21:59', '2026-11-22T21:59'],
    ['sms', '2026-11-22T22:00', '2026-11-23T08:00'],
    ['voice', '2026-11-22T06:59', '2026-11-22T07:00'],
    ['voice', '2026-11-22T07:00', '2026-11-22T07:00'],
    ['voice', '2026-11-22T22:59', '2026-11-22T22:59'],
    ['voice', '2026-11-22T23:00', '2026-11-23T07:00'],
  ] as const)('%s at %s → %s', (medium, at, next) => {
    expect(nextAdvertisingSlot(medium, tehran(at))).toEqual(tehran(next));
  });

  it('allows the last second before closing', () => {
    const justBefore = new Date(tehran('2026-11-22T22:00').getTime() - 1);
    expect(nextAdvertisingSlot('sms', justBefore)).toEqual(justBefore);
  });

  it('carries a late message on the last day of a Jalali month to the first morning of the next', () => {
    // 30 Aban 1405 is Saturday 21 November 2026; 22:30 that night waits for 1 Azar 08:00.
    expect(nextAdvertisingSlot('sms', tehran('2026-11-21T22:30'))).toEqual(tehran('2026-11-22T08:00'));
  });
});
