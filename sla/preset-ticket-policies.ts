/**
 * Each vendor's ticket terms as a TicketPolicy (Pasban rules 2, 5 and 6).
 * Where a vendor gives one target it applies to every priority, and Owj's
 * breach actions (SMS for critical and high, in-app for medium and low, to the
 * product department's manager) apply to every vendor. Owj Agile follows its
 * plan table (high: 1 business day), not the general table's "same business
 * day". The 75% warning and the 150% escalation to senior management are
 * Pasban defaults; no vendor text sets them.
 */
import type { CalendarPresetKey } from './preset-calendars';
import type { BreachAction, Priority, PriorityPolicy, TicketPolicy } from './policy';
import type { TargetSpec } from './targets';

export const POLICY_PRESET_KEYS = [
  'owj-basic',
  'owj-committed',
  'owj-agile',
  'avanak',
  'kian-product-bronze',
  'kian-product-silver',
  'kian-product-gold',
  'kian-project-basic',
  'kian-project-silver',
  'kian-project-gold',
  'iotex-basic',
  'iotex-standard',
  'iotex-premium',
] as const;
export type PolicyPresetKey = (typeof POLICY_PRESET_KEYS)[number];

const SMS_TO_MANAGER: BreachAction = { channel: 'sms', recipients: ['department_manager'] };
const IN_APP_TO_MANAGER: BreachAction = { channel: 'in_app', recipients: ['department_manager'] };
const BREACH_ACTIONS: Record<Priority, BreachAction> = {
  critical: SMS_TO_MANAGER,
  high: SMS_TO_MANAGER,
  medium: IN_APP_TO_MANAGER,
  low: IN_APP_TO_MANAGER,
};

const minutes = (amount: number, calendar: CalendarPresetKey): TargetSpec => ({
  unit: 'business_minutes',
  amount,
  calendar,
});
const days = (amount: number, calendar: CalendarPresetKey): TargetSpec => ({ unit: 'business_days', amount, calendar });
const review = (calendar: CalendarPresetKey): TargetSpec => ({ unit: 'review', calendar });
const none = (calendar: CalendarPresetKey): TargetSpec => ({ unit: 'none', calendar });

type Targets = [firstResponse: TargetSpec, resolution: TargetSpec];

function priorities(targets: Record<Priority, Targets>): Record<Priority, PriorityPolicy> {
  const entry = (priority: Priority): PriorityPolicy => ({
    firstResponse: targets[priority][0],
    resolution: targets[priority][1],
    breachAction: BREACH_ACTIONS[priority],
  });
  return { critical: entry('critical'), high: entry('high'), medium: entry('medium'), low: entry('low') };
}

function samePriorities(targets: Targets): Record<Priority, PriorityPolicy> {
  return priorities({ critical: targets, high: targets, medium: targets, low: targets });
}

function policy(
  key: PolicyPresetKey,
  identity: { name: string; vendor: string; product: string; plan: string },
  calendar: CalendarPresetKey,
  targets: Record<Priority, PriorityPolicy>,
  ticketsAllowed = true,
): TicketPolicy {
  return {
    key,
    ...identity,
    ticketsAllowed,
    priorities: targets,
    warningAtPercent: [75],
    escalations: [{ atPercent: 150, action: { channel: 'sms', recipients: ['senior_management'] } }],
    reviewDeadline: days(1, calendar),
  };
}

/**
 * Avanak (seed 001): minor panel errors are reviewed within 24 clock hours and the result told
 * to the customer; a fault that is the vendor's is fixed within 3 business days of that result
 * (rule 13), on Amoot's office calendar. The first response is the 24-hour review's answer.
 */
function avanak(): TicketPolicy {
  const review = minutes(24 * 60, 'always-open');
  const terms = samePriorities([review, days(3, 'amoot-office')]);
  const priorities = Object.fromEntries(
    Object.entries(terms).map(([priority, p]) => [priority, { ...p, resolutionFrom: 'review_result' as const }]),
  ) as Record<Priority, PriorityPolicy>;
  return {
    ...policy(
      'avanak',
      { name: 'Avanak voice messaging', vendor: 'amoot', product: 'avanak', plan: 'standard' },
      'amoot-office',
      priorities,
    ),
    reviewDeadline: review,
  };
}

function kian(
  key: PolicyPresetKey,
  product: 'kian-products' | 'kian-projects',
  plan: string,
  responseDays: number,
): TicketPolicy {
  const kind = product === 'kian-products' ? 'product' : 'project';
  return policy(
    key,
    { name: `Kian Pardaz ${kind} support, ${plan}`, vendor: 'kian-pardaz', product, plan },
    'kian-office',
    samePriorities([days(responseDays, 'kian-office'), none('kian-office')]),
  );
}

function iotex(key: PolicyPresetKey, plan: string, responseMinutes: number): TicketPolicy {
  return policy(
    key,
    { name: `Iotex support, ${plan}`, vendor: 'iotex', product: 'iotex', plan },
    'iotex-office',
    samePriorities([minutes(responseMinutes, 'iotex-office'), none('iotex-office')]),
  );
}

export const ticketPolicyPresets: Record<PolicyPresetKey, TicketPolicy> = {
  'owj-basic': policy(
    'owj-basic',
    { name: 'Owj Basic (پشتیبان پایه)', vendor: 'amoot', product: 'owj', plan: 'basic' },
    'amoot-office',
    samePriorities([none('amoot-office'), none('amoot-office')]),
    false,
  ),
  'owj-committed': policy(
    'owj-committed',
    { name: 'Owj Committed (پشتیبان تعهدی)', vendor: 'amoot', product: 'owj', plan: 'committed' },
    'owj-committed',
    priorities({
      critical: [minutes(30, 'owj-committed'), days(1, 'owj-committed')],
      high: [minutes(30, 'owj-committed'), days(1, 'owj-committed')],
      medium: [minutes(30, 'owj-committed'), review('owj-committed')],
      low: [minutes(30, 'owj-committed'), review('owj-committed')],
    }),
  ),
  'owj-agile': policy(
    'owj-agile',
    { name: 'Owj Agile (پشتیبان چابک)', vendor: 'amoot', product: 'owj', plan: 'agile' },
    'owj-agile',
    priorities({
      critical: [minutes(15, 'owj-agile'), minutes(180, 'owj-agile')],
      high: [minutes(30, 'owj-agile'), days(1, 'owj-agile')],
      medium: [minutes(60, 'owj-agile'), days(3, 'owj-agile')],
      low: [minutes(60, 'owj-agile'), days(4, 'owj-agile')],
    }),
  ),
  avanak: avanak(),
  'kian-product-bronze': kian('kian-product-bronze', 'kian-products', 'bronze', 3),
  'kian-product-silver': kian('kian-product-silver', 'kian-products', 'silver', 2),
  'kian-product-gold': kian('kian-product-gold', 'kian-products', 'gold', 1),
  'kian-project-basic': kian('kian-project-basic', 'kian-projects', 'basic', 3),
  'kian-project-silver': kian('kian-project-silver', 'kian-projects', 'silver', 2),
  'kian-project-gold': kian('kian-project-gold', 'kian-projects', 'gold', 1),
  'iotex-basic': iotex('iotex-basic', 'basic', 8 * 60),
  'iotex-standard': iotex('iotex-standard', 'standard', 4 * 60),
  'iotex-premium': iotex('iotex-premium', 'premium', 2 * 60),
};
