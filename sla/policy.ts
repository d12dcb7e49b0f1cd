/**
 * What a vendor's support terms look like as configuration: ticket targets per
 * priority, who hears about a breach, claims and change requests. Pure types
 * and checks; storage lives elsewhere.
 */
import { atMost, MAX_ESCALATION_PERCENT, MAX_TARGET_BUSINESS_DAYS, MAX_TARGET_BUSINESS_MINUTES } from './limits';
import type { Problem } from './problem';
import { hasDeadline, UNITS_WITH_AMOUNT, type TargetSpec } from './targets';

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['sms', 'email', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

export const RECIPIENTS = ['department_manager', 'senior_management', 'assignee', 'qa', 'qa_lead', 'customer'] as const;
export type Recipient = (typeof RECIPIENTS)[number];

export interface BreachAction {
  channel: Channel;
  recipients: Recipient[];
}

export interface EscalationLevel {
  /** Share of the target's business time used, above 100. */
  atPercent: number;
  action: BreachAction;
}

/**
 * Where a resolution target starts counting (Pasban rule 13): at the ticket's opening (or its
 * reopening), or at the review result, the moment the vendor records its review of the ticket
 * (Avanak: the fault is its own, and its 3-business-day fix starts then). Until the review the
 * resolution target waits on it, and the review itself is due by the policy's `reviewDeadline`.
 */
export const RESOLUTION_ANCHORS = ['opening', 'review_result'] as const;
export type ResolutionAnchor = (typeof RESOLUTION_ANCHORS)[number];

export interface PriorityPolicy {
  firstResponse: TargetSpec;
  resolution: TargetSpec;
  /** Rule 13; `opening` when left out. */
  resolutionFrom?: ResolutionAnchor;
  breachAction: BreachAction;
}

export interface TicketPolicy {
  key: string;
  name: string;
  vendor: string;
  product: string;
  plan: string;
  ticketsAllowed: boolean;
  priorities: Record<Priority, PriorityPolicy>;
  /** Shares of a target's business time, below 100, at which the assignee is warned, e.g. [75]. */
  warningAtPercent: number[];
  escalations: EscalationLevel[];
  /** Pasban rule 5: how long a review-type target may wait for its review. */
  reviewDeadline: TargetSpec;
}

export type CreditTableKey = 'owj' | 'avanak';

export interface ClaimPolicy {
  /** Pasban rule 8: clock minutes after the outage ended in which a claim may be filed. */
  filingWindowMinutes: number;
  initialResponse: TargetSpec;
  /** Clock minutes after receipt by which the result is due. */
  decisionMinutes: number;
  /** Clock minutes before the decision deadline at which the handlers are reminded. */
  reminderBeforeMinutes: number;
  routeToQa: boolean;
  /** Null where the vendor publishes no availability credits; the claim is then decided by hand. */
  creditTable: CreditTableKey | null;
}

export interface ChangeRequestPolicy {
  calendar: string;
  /** Time the vendor has to announce feasibility, cost and schedule. */
  reviewDeadline: TargetSpec;
  /** Lower ranks are reviewed first (Iotex orders reviews by support contract). */
  reviewRank: number;
  /** The day counts below are calendar days. */
  quoteValidityDays: number;
  quoteReminderBeforeDays: number;
  /** Time the customer has after delivery to accept or list defects. */
  acceptancePeriodDays: number;
  /** Pasban rule 9: silence until the acceptance period ends counts as acceptance. */
  acceptBySilence: boolean;
  /** Time the vendor has to fix the listed defects. */
  defectFixDays: number;
  includedCustomisationHours: number;
}

export function validateTicketPolicy(policy: TicketPolicy, knownCalendarKeys: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const field of ['key', 'name', 'vendor', 'product', 'plan'] as const) {
    if (policy[field].trim() === '') problems.push({ path: field, message: 'must not be empty' });
  }
  for (const priority of PRIORITIES) {
    const path = `priorities.${priority}`;
    const priorityPolicy = policy.priorities[priority];
    problems.push(...targetProblems(priorityPolicy.firstResponse, `${path}.firstResponse`, knownCalendarKeys));
    problems.push(...targetProblems(priorityPolicy.resolution, `${path}.resolution`, knownCalendarKeys));
    if (priorityPolicy.resolutionFrom === 'review_result' && !hasDeadline(priorityPolicy.resolution)) {
      problems.push({
        path: `${path}.resolutionFrom`,
        message: `a resolution counted from the review result needs a deadline; a ${priorityPolicy.resolution.unit} resolution has none`,
      });
    }
    problems.push(...actionProblems(priorityPolicy.breachAction, `${path}.breachAction`));
  }
  problems.push(...increasingProblems(policy.warningAtPercent, 'warningAtPercent', 0, 100));
  problems.push(
    ...increasingProblems(
      policy.escalations.map((level) => level.atPercent),
      'escalations',
      100,
      Infinity,
      (index) => `escalations[${index}].atPercent`,
    ),
  );
  policy.escalations.forEach((level, index) => {
    problems.push(...atMost(level.atPercent, MAX_ESCALATION_PERCENT, `escalations[${index}].atPercent`));
    problems.push(...actionProblems(level.action, `escalations[${index}].action`));
  });
  problems.push(...targetProblems(policy.reviewDeadline, 'reviewDeadline', knownCalendarKeys));
  if (!hasDeadline(policy.reviewDeadline)) {
    problems.push({ path: 'reviewDeadline.unit', message: 'a review deadline must set a deadline' });
  }
  return problems;
}

export function targetProblems(target: TargetSpec, path: string, knownCalendarKeys: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  if (target.calendar.trim() === '') {
    problems.push({ path: `${path}.calendar`, message: 'the target names no calendar' });
  } else if (!knownCalendarKeys.has(target.calendar)) {
    problems.push({ path: `${path}.calendar`, message: `unknown calendar "${target.calendar}"` });
  }
  if (UNITS_WITH_AMOUNT.has(target.unit)) {
    if (target.amount === undefined) {
      problems.push({ path: `${path}.amount`, message: `is required for ${target.unit}` });
    } else if (!Number.isFinite(target.amount) || target.amount <= 0) {
      problems.push({ path: `${path}.amount`, message: 'must be greater than 0' });
    } else if (target.unit === 'business_days' && !Number.isInteger(target.amount)) {
      problems.push({ path: `${path}.amount`, message: 'business days must be a whole number' });
    } else {
      const max = target.unit === 'business_days' ? MAX_TARGET_BUSINESS_DAYS : MAX_TARGET_BUSINESS_MINUTES;
      problems.push(
        ...atMost(
          target.amount,
          max,
          `${path}.amount`,
          target.unit === 'business_days' ? ' business days' : ' business minutes',
        ),
      );
    }
  } else if (target.amount !== undefined) {
    problems.push({ path: `${path}.amount`, message: `has no meaning for ${target.unit}` });
  }
  return problems;
}

function actionProblems(action: BreachAction, path: string): Problem[] {
  if (action.recipients.length === 0)
    return [{ path: `${path}.recipients`, message: 'must name at least one recipient' }];
  if (new Set(action.recipients).size !== action.recipients.length) {
    return [{ path: `${path}.recipients`, message: 'names a recipient twice' }];
  }
  return [];
}

function increasingProblems(
  values: readonly number[],
  path: string,
  above: number,
  below: number,
  pathOf: (index: number) => string = (index) => `${path}[${index}]`,
): Problem[] {
  const problems: Problem[] = [];
  values.forEach((value, index) => {
    if (!(Number.isFinite(value) && value > above && value < below)) {
      const range = below === Infinity ? `above ${above}` : `between ${above} and ${below}, exclusive`;
      problems.push({ path: pathOf(index), message: `must be ${range}` });
    } else if (index > 0 && !(value > values[index - 1]!)) {
      problems.push({ path: pathOf(index), message: 'thresholds must increase' });
    }
  });
  return problems;
}
