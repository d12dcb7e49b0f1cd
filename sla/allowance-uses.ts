/**
 * Pasban rule 15: the visits, reinstalls, installations, training and on-site hours a plan grants
 * are counted down as they are used, in the period the plan grants them for (a contract year, or a
 * Jalali month), and a use beyond what is left is refused with the balance in the reason.
 *
 * Tickets are counted by opening them (sla/eligibility.ts) and included customisation hours by
 * accepted change requests (sla/customisation-hours.ts), so neither is recorded as a use here.
 */
import { contractYearAt } from './customisation-hours';
import { ALLOWANCE_KINDS, quotaMonthOf, type AllowanceKind, type PlanEntitlements } from './entitlements';
import { formatJalaliLatin } from './jalali';
import type { Priority } from './policy';

/** Counted elsewhere: tickets by being opened, included customisation hours by accepted change requests. */
const COUNTED_ELSEWHERE = ['tickets', 'customisation_hours'] as const satisfies readonly AllowanceKind[];

export type RecordedAllowanceKind = Exclude<AllowanceKind, (typeof COUNTED_ELSEWHERE)[number]>;

/** The kinds recorded as uses (every allowance kind but those counted elsewhere); hour-based kinds in minutes. */
export const RECORDED_ALLOWANCE_KINDS: readonly RecordedAllowanceKind[] = ALLOWANCE_KINDS.filter(
  (kind): kind is RecordedAllowanceKind => !(COUNTED_ELSEWHERE as readonly AllowanceKind[]).includes(kind),
);

export type AllowanceUnit = 'minutes' | 'count';

/** On-site hours and training hours are granted in hours and used in minutes; the rest in units. */
export function allowanceUnit(kind: RecordedAllowanceKind): AllowanceUnit {
  return kind.endsWith('_hours') ? 'minutes' : 'count';
}

const NAMES: Record<RecordedAllowanceKind, string> = {
  reinstalls: 'reinstalls',
  on_site_visits: 'on-site visits',
  on_site_hours: 'minutes of on-site service',
  on_site_installs: 'on-site installations',
  remote_installs: 'remote installations',
  training_sessions: 'training sessions',
  training_hours: 'minutes of training',
  review_visits: 'correctness review visits',
  periodic_visits: 'periodic visits',
};

export interface AllowanceUse {
  atMs: number;
  /** Minutes for hour-based kinds, else a count. */
  amount: number;
  /** How much of `amount` was drawn from extras an admin added rather than from the plan (default 0). */
  fromExtras?: number;
}

/**
 * An allowance an admin added to the contract beyond its plan (POST /v1/contracts/:id/entitlements):
 * a one-off grant of `quantity` (minutes for hour-based kinds) usable from `fromMs` (its purchase,
 * else the contract's start) until `untilMs` (its expiry, else the contract's end). It does not
 * renew with the plan's period: what was drawn from it stays drawn.
 */
export interface ExtraGrant {
  id: string;
  quantity: number;
  /** Drawn from it so far, by any recorded use. */
  used: number;
  fromMs: number;
  untilMs: number;
}

export interface ExtraBalance extends ExtraGrant {
  remaining: number;
}

export interface AllowanceBalance {
  kind: RecordedAllowanceKind;
  unit: AllowanceUnit;
  per: 'contract_year' | 'jalali_month';
  /** The period the balance counts in: [startMs, endMs). */
  periodStartMs: number;
  periodEndMs: number;
  /** What the plan grants for the period, in `unit` (0 when the plan does not grant the kind). */
  granted: number | 'unlimited';
  /** Drawn from the plan's grant in the period. */
  used: number;
  /** The extras an admin added that can be drawn from at the time asked about. */
  extras: ExtraBalance[];
  /** What is left of the plan's grant in the period plus what is left of those extras. */
  remaining: number | 'unlimited';
}

export interface BalanceInput {
  entitlements: PlanEntitlements;
  kind: RecordedAllowanceKind;
  contractStartMs: number;
  asOfMs: number;
  /** Every recorded use of this kind under the contract; those outside the period do not count. */
  uses: readonly AllowanceUse[];
  /** The contract's extras of this kind (default none). */
  extras?: readonly ExtraGrant[];
}

const extraUsable = (extra: ExtraGrant, atMs: number) => extra.fromMs <= atMs && atMs < extra.untilMs;

/** What is left of one kind in the period containing `asOfMs`: the plan's grant first, then the extras. */
export function allowanceBalance(input: BalanceInput): AllowanceBalance {
  const allowance = input.entitlements.allowances[input.kind];
  const per = allowance?.per ?? 'contract_year';
  const period =
    per === 'jalali_month' ? quotaMonthOf(input.asOfMs) : contractYearAt(input.contractStartMs, input.asOfMs);
  const unit = allowanceUnit(input.kind);
  const granted = !allowance
    ? 0
    : allowance.amount === 'unlimited'
      ? 'unlimited'
      : unit === 'minutes'
        ? allowance.amount * 60
        : allowance.amount;
  const used = input.uses
    .filter((use) => use.atMs >= period.startMs && use.atMs < period.endMs)
    .reduce((sum, use) => sum + use.amount - (use.fromExtras ?? 0), 0);
  const extras = (input.extras ?? [])
    .filter((extra) => extraUsable(extra, input.asOfMs))
    .map((extra) => ({ ...extra, remaining: Math.max(0, extra.quantity - extra.used) }));
  const extrasLeft = extras.reduce((sum, extra) => sum + extra.remaining, 0);
  return {
    kind: input.kind,
    unit,
    per,
    periodStartMs: period.startMs,
    periodEndMs: period.endMs,
    granted,
    used,
    extras,
    remaining: granted === 'unlimited' ? 'unlimited' : Math.max(0, granted - used) + extrasLeft,
  };
}

/** The kinds done at the customer's place, which the plan's on-site terms (`onSite`) govern. */
export const ON_SITE_KINDS = ['on_site_visits', 'on_site_hours'] as const satisfies readonly RecordedAllowanceKind[];

/** Tehran, in Latin or Persian letters, any case, spacing or Arabic yeh/kaf. */
export function isTehran(city: string): boolean {
  const plain = city
    .normalize('NFC')
    .replace(/\u064a/g, '\u06cc')
    .replace(/\u0643/g, '\u06a9')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
  return plain === 'tehran' || plain === '\u062a\u0647\u0631\u0627\u0646';
}

export interface UseContext {
  /** The ticket named by the use, or null when none was named. */
  ticketId: string | null;
  /** That ticket, or null when it is not one of this contract's tickets. */
  ticket: { priority: Priority } | null;
  /** The customer's city, or null when none is on file. */
  city: string | null;
}

export type AllowanceRefusalReason =
  | 'contract_not_in_force'
  | 'not_in_plan'
  | 'ticket_not_under_contract'
  | 'ticket_required'
  | 'priority_not_covered'
  | 'location_unknown'
  | 'outside_tehran'
  | 'allowance_exhausted';

export type RefusedField = 'kind' | 'amount' | 'contract' | 'ticketId' | 'city';

/** How a use is drawn: from the plan's grant for its period first, then from extras, the soonest to expire first. */
export interface Draw {
  fromPlan: number;
  fromExtras: { id: string; amount: number }[];
}

export type AllowanceDecision =
  | { ok: true; balance: AllowanceBalance; draw: Draw }
  | {
      ok: false;
      reason: AllowanceRefusalReason;
      field: RefusedField;
      detail: string;
      balance: AllowanceBalance | null;
    };

const joinOr = (words: readonly string[]) =>
  words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;

/**
 * The plan's on-site terms (seed 002: Kian's visits only for critical problems and important
 * requests, only in Tehran; seed 003: Iotex's free on-site service for Tehran customers): a refusal,
 * or null when the use meets them (or they do not govern its kind).
 */
function onSiteRefusal(input: {
  entitlements: PlanEntitlements;
  kind: RecordedAllowanceKind;
  planName: string;
  context: UseContext;
}) {
  const terms = input.entitlements.onSite;
  if (!terms || !(ON_SITE_KINDS as readonly string[]).includes(input.kind)) return null;
  const name = NAMES[input.kind];
  const refuse = (reason: AllowanceRefusalReason, field: RefusedField, detail: string) => ({
    ok: false as const,
    reason,
    field,
    detail,
  });
  if (terms.priorities.length < 4) {
    const which = joinOr(terms.priorities);
    if (input.context.ticketId === null) {
      return refuse(
        'ticket_required',
        'ticketId',
        `the ${input.planName} plan grants ${name} only for ${which} tickets: name the ticket (ticketId) the visit is for`,
      );
    }
    const priority = input.context.ticket?.priority;
    if (priority && !terms.priorities.includes(priority)) {
      return refuse(
        'priority_not_covered',
        'ticketId',
        `ticket ${input.context.ticketId} is ${priority}: the ${input.planName} plan grants ${name} only for ${which} tickets`,
      );
    }
  }
  if (terms.tehranOnly) {
    if (input.context.city === null) {
      return refuse(
        'location_unknown',
        'city',
        `the ${input.planName} plan grants ${name} only in Tehran, and the customer's city is not on file (an admin sets it: PATCH /v1/customers/:id with city)`,
      );
    }
    if (!isTehran(input.context.city)) {
      return refuse(
        'outside_tehran',
        'city',
        `the ${input.planName} plan grants ${name} only in Tehran; the customer is in ${input.context.city} (on-site work elsewhere is arranged with sales)`,
      );
    }
  }
  return null;
}

const NO_CONTEXT: UseContext = { ticketId: null, ticket: null, city: null };

/**
 * May `amount` of `kind` be used now? Only while the contract is in force, only a kind the plan
 * grants (or an admin added), only for a ticket of this contract when one is named, only within the
 * plan's on-site terms for on-site kinds, and only within what is left; the answer carries the
 * balance after the use and how it is drawn (or, on a refusal, the balance as it stands, in the reason).
 */
export function decideAllowanceUse(
  input: BalanceInput & { contractEndMs: number; amount: number; planName: string; context?: UseContext },
): AllowanceDecision {
  const context = input.context ?? NO_CONTEXT;
  if (input.asOfMs < input.contractStartMs || input.asOfMs >= input.contractEndMs) {
    const when =
      input.asOfMs < input.contractStartMs
        ? `starts on ${day(input.contractStartMs)}`
        : `ended on ${day(input.contractEndMs)}`;
    return {
      ok: false,
      reason: 'contract_not_in_force',
      field: 'contract',
      detail: `the contract ${when}: nothing can be used under it now`,
      balance: null,
    };
  }
  const balance = allowanceBalance(input);
  const name = NAMES[input.kind];
  if (balance.granted === 0 && balance.extras.length === 0) {
    const added = (input.extras ?? []).length > 0 ? ', and no extra added to the contract can be used now' : '';
    return {
      ok: false,
      reason: 'not_in_plan',
      field: 'kind',
      detail: `the ${input.planName} plan grants no ${name}${added}`,
      balance,
    };
  }
  if (context.ticketId !== null && context.ticket === null) {
    return {
      ok: false,
      reason: 'ticket_not_under_contract',
      field: 'ticketId',
      detail: `ticket ${context.ticketId} is not a ticket of this contract`,
      balance,
    };
  }
  const onSite = onSiteRefusal({
    entitlements: input.entitlements,
    kind: input.kind,
    planName: input.planName,
    context,
  });
  if (onSite) return { ...onSite, balance };
  if (balance.remaining !== 'unlimited' && input.amount > balance.remaining) {
    const period = `${balance.per === 'jalali_month' ? 'Jalali month' : 'contract year'} ${day(balance.periodStartMs)} to ${day(balance.periodEndMs)}`;
    const extras =
      balance.extras.length === 0
        ? ''
        : `; extras added: ${balance.extras.reduce((sum, e) => sum + e.quantity, 0)}, ${balance.extras.reduce((sum, e) => sum + e.used, 0)} used`;
    return {
      ok: false,
      reason: 'allowance_exhausted',
      field: 'amount',
      detail: `${input.amount} ${name} asked, ${balance.remaining} left: the ${input.planName} plan grants ${balance.granted} ${name} in the ${period}, ${balance.used} used${extras}`,
      balance,
    };
  }
  const draw = drawOf(balance, input.amount);
  const drawnFrom = new Map(draw.fromExtras.map((d) => [d.id, d.amount]));
  const extras = balance.extras.map((e) => ({
    ...e,
    used: e.used + (drawnFrom.get(e.id) ?? 0),
    remaining: e.remaining - (drawnFrom.get(e.id) ?? 0),
  }));
  return {
    ok: true,
    draw,
    balance: {
      ...balance,
      used: balance.used + draw.fromPlan,
      extras,
      remaining: balance.remaining === 'unlimited' ? 'unlimited' : balance.remaining - input.amount,
    },
  };
}

function drawOf(balance: AllowanceBalance, amount: number): Draw {
  const planLeft = balance.granted === 'unlimited' ? amount : Math.max(0, balance.granted - balance.used);
  const fromPlan = Math.min(amount, planLeft);
  let rest = amount - fromPlan;
  const fromExtras: Draw['fromExtras'] = [];
  const soonestFirst = [...balance.extras].sort(
    (a, b) => a.untilMs - b.untilMs || a.fromMs - b.fromMs || a.id.localeCompare(b.id),
  );
  for (const extra of soonestFirst) {
    if (rest === 0) break;
    const take = Math.min(rest, extra.remaining);
    if (take > 0) fromExtras.push({ id: extra.id, amount: take });
    rest -= take;
  }
  return { fromPlan, fromExtras };
}

const day = (ms: number) => formatJalaliLatin(ms).slice(0, 10);
