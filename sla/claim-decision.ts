/**
 * The QA unit's decision on a claim, as rules the workflow's validators apply before anything is
 * recorded: an approval takes the computed tier unless QA adjusts it with a justification, and a
 * claim without a computed tier (support timing, or a plan without a credit table) needs QA to
 * set the credit. A credit never exceeds one month's subscription.
 */
import { creditAmount } from './claim-assessment';
import { EXCLUSIONS, type Exclusion } from './outages';

export interface ComputedCredit {
  /** Null when nothing was computed and QA sets the credit. */
  percent: number | null;
  amountRials: number | null;
  monthlyFeeRials: number;
  /** The Jalali months the claim covers (rule 8); each may earn up to its month's subscription. Default 1. */
  months?: number;
}

export interface Credit {
  percent: number;
  amountRials: number;
}

export type Resolution = { ok: true; credit: Credit } | { ok: false; reason: string };

export interface ApprovalRequest {
  creditPercent?: number;
  amountRials?: number;
}

export interface AdjustedApprovalRequest {
  amountRials: number;
  creditPercent?: number;
  justification: string;
}

const refuse = (reason: string): Resolution => ({ ok: false, reason });

/** Approve as computed; a different percentage or amount must go through an adjustment. */
export function resolveApproval(computed: ComputedCredit, request: ApprovalRequest): Resolution {
  if (computed.percent === null) {
    if (request.creditPercent === undefined)
      return refuse(
        'no credit was computed for this claim: give the credit percentage (and the amount, if not that share of a month)',
      );
    return checked(computed, {
      percent: request.creditPercent,
      amountRials: request.amountRials ?? creditAmount(computed.monthlyFeeRials, request.creditPercent),
    });
  }
  if (computed.percent === 0) {
    return refuse('the computed credit is 0%: reject the claim, or approve an adjusted amount with a justification');
  }
  const credit = {
    percent: request.creditPercent ?? computed.percent,
    amountRials: request.amountRials ?? computed.amountRials!,
  };
  if (credit.percent !== computed.percent || credit.amountRials !== computed.amountRials) {
    return refuse(
      `the computed credit is ${computed.percent}% (${computed.amountRials} rials): approve an adjusted amount with a justification to change it`,
    );
  }
  return checked(computed, credit);
}

/** Approve with an amount QA chose; the percentage defaults to the amount's share of a month. */
export function resolveAdjustedApproval(computed: ComputedCredit, request: AdjustedApprovalRequest): Resolution {
  if (request.justification.trim() === '') return refuse('an adjusted credit needs a justification');
  const percent =
    request.creditPercent ??
    (computed.monthlyFeeRials > 0
      ? Math.round((request.amountRials * 100) / computed.monthlyFeeRials)
      : (computed.percent ?? 0));
  return checked(computed, { percent, amountRials: request.amountRials });
}

function checked(computed: ComputedCredit, credit: Credit): Resolution {
  const months = computed.months ?? 1;
  if (!Number.isSafeInteger(credit.amountRials) || credit.amountRials <= 0) {
    return refuse('the credit amount must be a positive whole number of rials');
  }
  if (computed.monthlyFeeRials > 0 && credit.amountRials > computed.monthlyFeeRials * months) {
    return months === 1
      ? refuse(`the credit cannot exceed one month's subscription (${computed.monthlyFeeRials} rials)`)
      : refuse(
          `the credit cannot exceed the subscription of the ${months} months claimed (${computed.monthlyFeeRials * months} rials)`,
        );
  }
  if (!Number.isInteger(credit.percent) || credit.percent < 0 || credit.percent > 100 * months) {
    return refuse(`the credit percentage must be a whole number from 0 to ${100 * months}`);
  }
  return { ok: true, credit };
}

export interface RejectionRequest {
  /** One of the published exclusions. */
  exclusion?: Exclusion;
  /** Free text, alone or explaining the exclusion. */
  reason?: string;
}

/** The recorded reason: the exclusion's key, then any text; null when neither was given. */
export function rejectionReason(request: RejectionRequest): string | null {
  const text = request.reason?.trim() ?? '';
  if (request.exclusion && !EXCLUSIONS.includes(request.exclusion)) return null;
  if (request.exclusion) return text ? `${request.exclusion}: ${text}` : request.exclusion;
  return text || null;
}
