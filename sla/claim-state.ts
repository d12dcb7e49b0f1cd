// What a claim workflow holds and shows: shared by the workflow (workflows/claim.ts), the
// activities that record it and the API that presents it, so none imports another's folder.
import type { ComputedCredit } from './claim-decision';
import type { ClaimDeadlines } from './claims';
import type { BreachAction } from './policy';

export type ClaimStatus = 'received' | 'acknowledged' | 'approved' | 'rejected';
export type ClaimKind = 'availability' | 'support_timing';

/** What the acknowledgement tells the customer and what QA's decision defaults to. */
export interface ClaimFacts {
  kind: ClaimKind;
  /** The Jalali month judged ("1405-09"), for availability claims. */
  month: string | null;
  downtimeMinutes: number | null;
  availabilityPercent: number | null;
  computed: ComputedCredit;
}

export interface ClaimDecision {
  outcome: 'approved' | 'rejected';
  by: string;
  atMs: number;
  /** Decided after the decision deadline. */
  late: boolean;
  creditPercent: number | null;
  amountRials: number | null;
  adjusted: boolean;
  justification: string | null;
  rejectionReason: string | null;
  /** The Jalali month the credit note applies to. */
  creditNoteMonth: string | null;
}

export type ClaimAlarmKind = 'acknowledgement_overdue' | 'decision_reminder' | 'decision_overdue';

export interface ClaimAlarm {
  kind: ClaimAlarmKind;
  atMs: number;
  /** The deadline the notice reports. */
  dueAtMs: number;
  action: BreachAction;
}

export interface ClaimView {
  claimId: string;
  status: ClaimStatus;
  receivedAtMs: number;
  deadlines: ClaimDeadlines;
  acknowledgedAtMs: number | null;
  decision: ClaimDecision | null;
  /** Alarms that have fired, by kind. */
  fired: ClaimAlarmKind[];
  asOfMs: number;
}
