/**
 * Whether a message may go out now, and on which channel: the external-communications
 * procedure (seed 004, PR_MA_04; README "SLA rules and presets"). Pure — the caller looks up the customer's opt-out flag
 * and any emergency approval and passes them in with the current instant.
 *
 * - SLA notices are informational: no time limit.
 * - "No messages at all": SMS and e-mail become in-app notices (the portal inbox is not outreach),
 *   except an emergency, which may go out only with senior management's unexpired approval.
 * - "No advertising": advertising is dropped.
 * - Advertising by SMS waits for 08:00–22:00 Tehran time (voice: 07:00–23:00).
 */
import type { MessagingPreference } from '../../generated/prisma/enums';
import { TEHRAN } from '../../sla/jalali';
import { epochToWallTime, wallTimeToEpoch } from '../../sla/time-zone';
import { iso } from '../../sla/iso';

export const CATEGORIES = ['informational', 'advertising', 'emergency'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CHANNELS = ['sms', 'email', 'in_app'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export type Audience = 'customer' | 'staff';

/** Minutes of the Tehran day in which advertising may go out: [opens, closes). */
export const ADVERTISING_HOURS = {
  sms: { opens: 8 * 60, closes: 22 * 60 },
  voice: { opens: 7 * 60, closes: 23 * 60 },
} as const;
export type AdvertisingMedium = keyof typeof ADVERTISING_HOURS;

export interface DeliveryQuestion {
  channel: ChannelName;
  category: Category;
  audience: Audience;
  /** The customer's opt-out flag; staff messages have none. */
  preference: MessagingPreference | null;
  /** When the customer's latest emergency approval expires, if there is one. */
  emergencyApprovalExpiresAt: Date | null;
  /** Who gave that approval (rule 14: the note of a message sent on it names them). */
  emergencyApprovedBy?: string | null;
  now: Date;
}

export type DeliveryDecision =
  | { kind: 'send'; channel: ChannelName; note: string | null }
  | { kind: 'hold'; channel: ChannelName; until: Date; note: string }
  | { kind: 'suppress'; reason: string };

const OPT_OUT: Record<Exclude<MessagingPreference, 'all'>, string> = {
  no_advertising: 'the customer asked for no advertising messages',
  no_messages: 'the customer asked for no messages at all',
};

const CHANNEL_LABEL: Record<ChannelName, string> = { sms: 'SMS', email: 'e-mail', in_app: 'in-app notice' };

export function decideDelivery(question: DeliveryQuestion): DeliveryDecision {
  const { channel, category, now } = question;
  const preference = question.audience === 'customer' ? (question.preference ?? 'all') : 'all';

  if (category === 'advertising') {
    if (preference !== 'all') return { kind: 'suppress', reason: `advertising not sent: ${OPT_OUT[preference]}` };
    if (channel === 'sms') {
      const until = nextAdvertisingSlot('sms', now);
      if (until.getTime() > now.getTime()) {
        return { kind: 'hold', channel, until, note: 'advertising SMS held to 08:00–22:00 Tehran time' };
      }
    }
    return { kind: 'send', channel, note: null };
  }

  if (preference !== 'no_messages' || channel === 'in_app') return { kind: 'send', channel, note: null };

  if (category === 'emergency') {
    const expiresAt = question.emergencyApprovalExpiresAt;
    if (expiresAt && expiresAt.getTime() > now.getTime()) {
      const by = question.emergencyApprovedBy ? ` (approved by ${question.emergencyApprovedBy})` : '';
      return {
        kind: 'send',
        channel,
        note: `emergency sent with senior management's approval${by}, valid until ${iso(expiresAt)}`,
      };
    }
    const approval = expiresAt
      ? `senior management's approval expired at ${iso(expiresAt)}`
      : 'senior management has not approved it';
    return { kind: 'suppress', reason: `emergency not sent: ${OPT_OUT.no_messages} and ${approval}` };
  }
  return {
    kind: 'send',
    channel: 'in_app',
    note: `${OPT_OUT.no_messages}: ${CHANNEL_LABEL[channel]} replaced by an in-app notice`,
  };
}

/** The first instant at or after `at` when advertising on `medium` may go out, in Tehran's wall time. */
export function nextAdvertisingSlot(medium: AdvertisingMedium, at: Date): Date {
  const { opens, closes } = ADVERTISING_HOURS[medium];
  const wall = epochToWallTime(TEHRAN, at.getTime());
  if (wall.minutesOfDay < opens) return new Date(wallTimeToEpoch(TEHRAN, wall.epochDay, opens));
  if (wall.minutesOfDay >= closes) return new Date(wallTimeToEpoch(TEHRAN, wall.epochDay + 1, opens));
  return at;
}
