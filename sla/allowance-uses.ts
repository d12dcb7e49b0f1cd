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
  used: number;
  remaining: number | 'unlimited';
}

export interface BalanceInput {
  entitlements: PlanEntitlements;
  kind: RecordedAllowanceKind;
  contractStartMs: number;
  asOfMs: number;
  /** Every recorded use of this kind under the contract; those outside the period do not count. */
  uses: readonly AllowanceUse[];
}

/** What is left of one kind in the period containing `asOfMs`. */
export function allowanceBalance(input: BalanceInput): AllowanceBalance {
  const allowance = input.entitlements.allowances[input.kind];
  const per = allowance?.per ?? 'contract_year';
  const period = per === 'jalali_month' ? quotaMonthOf(input.asOfMs) : contractYearAt(input.contractStartMs, input.asOfMs);
  const unit = allowanceUnit(input.kind);
  const granted = !allowance ? 0 : allowance.amount === 'unlimited' ? 'unlimited' : unit === 'minutes' ? allowance.amount * 60 : allowance.amount;
  const used = input.uses.filter((use) => use.atMs >= period.startMs && use.atMs < period.endMs).reduce((sum, use) => sum + use.amount, 0);
  return {
    kind: input.kind,
    unit,
    per,
    periodStartMs: period.startMs,
    periodEndMs: period.endMs,
    granted,
    used,
    remaining: granted === 'unlimited' ? 'unlimited' : Math.max(0, granted - used),
  };
}

export type AllowanceRefusalReason = 'contract_not_in_force' | 'not_in_plan' | 'allowance_exhausted';

export type AllowanceDecision =
  | { ok: true; balance: AllowanceBalance }
  | { ok: false; reason: AllowanceRefusalReason; field: 'kind' | 'amount' | 'contract'; detail: string; balance: AllowanceBalance | null };

/**
 * May `amount` of `kind` be used now? Only while the contract is in force, only a kind the plan
 * grants, and only within what is left of the period; the answer carries the balance after the use
 * (or, on a refusal, the balance as it stands, in the reason).
 */
export function decideAllowanceUse(input: BalanceInput & { contractEndMs: number; amount: number; planName: string }): AllowanceDecision {
  if (input.asOfMs < input.contractStartMs || input.asOfMs >= input.contractEndMs) {
    const when = input.asOfMs < input.contractStartMs ? `starts on ${day(input.contractStartMs)}` : `ended on ${day(input.contractEndMs)}`;
    return { ok: false, reason: 'contract_not_in_force', field: 'contract', detail: `the contract ${when}: nothing can be used under it now`, balance: null };
  }
  const balance = allowanceBalance(input);
  const name = NAMES[input.kind];
  if (balance.granted === 0) {
    return { ok: false, reason: 'not_in_plan', field: 'kind', detail: `the ${input.planName} plan grants no ${name}`, balance };
  }
  if (balance.remaining !== 'unlimited' && input.amount > balance.remaining) {
    const period = `${balance.per === 'jalali_month' ? 'Jalali month' : 'contract year'} ${day(balance.periodStartMs)} to ${day(balance.periodEndMs)}`;
    return {
      ok: false,
      reason: 'allowance_exhausted',
      field: 'amount',
      detail: `${input.amount} ${name} asked, ${balance.remaining} left: the ${input.planName} plan grants ${balance.granted} ${name} in the ${period}, ${balance.used} used`,
      balance,
    };
  }
  return { ok: true, balance: { ...balance, used: balance.used + input.amount, remaining: balance.remaining === 'unlimited' ? 'unlimited' : balance.remaining - input.amount } };
}

const day = (ms: number) => formatJalaliLatin(ms).slice(0, 10);
