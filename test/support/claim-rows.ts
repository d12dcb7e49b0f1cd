// A claim row's `computation` as filing writes it (api/claim-filing.ts), for tests that write claim
// rows directly: a row with `computation: {}` cannot exist in production, and one such row made
// every staff list of claims answer 500 to whichever test ran after it.
import type { ClaimComputation } from '../../api/claim-records';
import type { ClaimKind } from '../../sla/claim-state';

const DAY_MS = 86_400_000;

export function storedComputation(spec: {
  kind: ClaimKind;
  policyKey: string;
  receivedAtMs: number;
  acknowledgeDueAtMs: number;
  decisionDueAtMs: number;
  monthlyFeeRials?: number;
}): ClaimComputation {
  return {
    kind: spec.kind,
    policyKey: spec.policyKey,
    availability: null,
    months: [],
    tickets: [],
    deadlines: {
      acknowledgeDueAtMs: spec.acknowledgeDueAtMs,
      reminderAtMs: spec.decisionDueAtMs - DAY_MS,
      decisionDueAtMs: spec.decisionDueAtMs,
    },
    filingClosesAtMs: spec.receivedAtMs,
    computed: { percent: null, amountRials: null, monthlyFeeRials: spec.monthlyFeeRials ?? 0 },
  };
}
