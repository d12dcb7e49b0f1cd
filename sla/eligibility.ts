/**
 * May this customer open a ticket, a compensation claim or a change request
 * now? A pure decision over the customer's contracts, the product's support
 * status and what has been used, with the reason when the answer is no.
 */
import { claimFilingDeadline } from './claims';
import {
  KIAN_HOURLY_TERMS,
  remainingAllowance,
  type HourlyBalance,
  type HourlyPackageTerms,
  type PlanEntitlements,
} from './entitlements';
import { toTehranIso } from './jalali';
import type { ClaimPolicy, TicketPolicy } from './policy';

export type RequestKind = 'ticket' | 'claim' | 'change_request';

export interface Contract {
  id: string;
  policyKey: string;
  startsAtMs: number;
  /** Exclusive. */
  endsAtMs: number;
  paid: boolean;
  /** Hourly contracts (Kian projects) draw every ticket from purchased hours. */
  billing: 'plan' | 'hourly';
}

export interface ContractUsage {
  /** Tickets opened under the contract in the current Tehran Jalali month (see quotaMonthOf). */
  ticketsThisMonth: number;
  hourly?: Pick<HourlyBalance, 'availableMinutes' | 'requestedThisMonthMinutes' | 'monthlyCapMinutes'>;
}

export interface PolicyLookup {
  ticketPolicy(key: string): TicketPolicy | undefined;
  claimPolicy(key: string): ClaimPolicy | undefined;
  entitlements(key: string): PlanEntitlements | undefined;
}

export interface EligibilityInput {
  kind: RequestKind;
  nowMs: number;
  product: { endOfSupportAt?: number | null };
  contracts: readonly Contract[];
  /** By contract id; a contract without an entry has used nothing. */
  usage: Readonly<Record<string, ContractUsage>>;
  policies: PolicyLookup;
  /** For claims: when the outage ended. The contract must cover that instant. */
  outageEndedAtMs?: number;
  /** Terms of hourly contracts; Kian's by default. */
  hourlyTerms?: HourlyPackageTerms;
}

export type IneligibleReason =
  | 'product_end_of_support'
  | 'no_contract'
  | 'contract_not_started'
  | 'contract_expired'
  | 'unpaid'
  | 'unknown_policy'
  | 'plan_excludes_tickets'
  | 'plan_excludes_claims'
  | 'monthly_quota_exhausted'
  | 'hours_exhausted'
  | 'monthly_hours_cap_reached'
  | 'claim_window_closed';

export type Eligibility =
  { ok: true; contract: Contract; policyKey: string } | { ok: false; reason: IneligibleReason; detail: string };

type Refusal = Extract<Eligibility, { ok: false }>;

/**
 * End of support refuses tickets and change requests (Amoot: no technical
 * support), not claims about outages already suffered. With several contracts
 * in force the first that allows the request wins; when none does, the first
 * one's refusal is the answer.
 */
export function decideEligibility(input: EligibilityInput): Eligibility {
  const endOfSupport = input.product.endOfSupportAt;
  if (input.kind !== 'claim' && endOfSupport != null && input.nowMs >= endOfSupport) {
    return refuse('product_end_of_support', `the product reached end of support on ${toTehranIso(endOfSupport)}`);
  }
  if (input.contracts.length === 0) return refuse('no_contract', 'no support contract covers this product');
  const coveredAt = input.kind === 'claim' && input.outageEndedAtMs !== undefined ? input.outageEndedAtMs : input.nowMs;
  const inForce = input.contracts.filter(
    (contract) => contract.startsAtMs <= coveredAt && coveredAt < contract.endsAtMs,
  );
  if (inForce.length === 0) return noContractInForce(input.contracts, coveredAt);

  let firstRefusal: Refusal | null = null;
  for (const contract of inForce) {
    const refusal = refusalUnder(contract, input);
    if (!refusal) return { ok: true, contract, policyKey: contract.policyKey };
    firstRefusal ??= refusal;
  }
  return firstRefusal!;
}

function refusalUnder(contract: Contract, input: EligibilityInput): Refusal | null {
  if (!contract.paid) return refuse('unpaid', `contract ${contract.id} has an unpaid balance`);
  const ticketPolicy = input.policies.ticketPolicy(contract.policyKey);
  if (!ticketPolicy) return refuse('unknown_policy', `no policy "${contract.policyKey}" is configured`);
  const usage = input.usage[contract.id] ?? { ticketsThisMonth: 0 };
  switch (input.kind) {
    case 'ticket':
      return ticketRefusal(contract, ticketPolicy, usage, input);
    case 'claim':
      return claimRefusal(contract, input);
    case 'change_request':
      return null;
  }
}

function ticketRefusal(
  contract: Contract,
  policy: TicketPolicy,
  usage: ContractUsage,
  input: EligibilityInput,
): Refusal | null {
  if (!policy.ticketsAllowed)
    return refuse('plan_excludes_tickets', `the ${policy.name} plan does not include tickets`);
  const entitlements = input.policies.entitlements(contract.policyKey);
  if (entitlements?.allowances.tickets && remainingAllowance(entitlements, 'tickets', usage.ticketsThisMonth) === 0) {
    return refuse('monthly_quota_exhausted', `the ${policy.name} plan's tickets for this month are used up`);
  }
  if (contract.billing === 'hourly') {
    const hourly = usage.hourly ?? { availableMinutes: 0, requestedThisMonthMinutes: 0, monthlyCapMinutes: 0 };
    const minimum = (input.hourlyTerms ?? KIAN_HOURLY_TERMS).minimumMinutesPerTicket;
    if (hourly.availableMinutes < minimum) {
      return refuse('hours_exhausted', `contract ${contract.id} has ${hourly.availableMinutes} minutes left`);
    }
    if (hourly.requestedThisMonthMinutes + minimum > hourly.monthlyCapMinutes) {
      return refuse(
        'monthly_hours_cap_reached',
        `this month's ${hourly.monthlyCapMinutes} requested minutes are used up`,
      );
    }
  }
  return null;
}

function claimRefusal(contract: Contract, input: EligibilityInput): Refusal | null {
  const policy = input.policies.claimPolicy(contract.policyKey);
  if (!policy) return refuse('plan_excludes_claims', `the plan "${contract.policyKey}" has no compensation claims`);
  if (input.outageEndedAtMs !== undefined) {
    const closesAt = claimFilingDeadline(input.outageEndedAtMs, policy);
    if (input.nowMs > closesAt)
      return refuse('claim_window_closed', `claims for this outage closed at ${toTehranIso(closesAt)}`);
  }
  return null;
}

function noContractInForce(contracts: readonly Contract[], atMs: number): Refusal {
  const ended = contracts.filter((contract) => contract.endsAtMs <= atMs);
  if (ended.length > 0) {
    const lastEnd = Math.max(...ended.map((contract) => contract.endsAtMs));
    return refuse('contract_expired', `the last support contract ended on ${toTehranIso(lastEnd)}`);
  }
  const firstStart = Math.min(...contracts.map((contract) => contract.startsAtMs));
  return refuse('contract_not_started', `support starts on ${toTehranIso(firstStart)}`);
}

function refuse(reason: IneligibleReason, detail: string): Refusal {
  return { ok: false, reason, detail };
}
