import { z } from 'zod';
import { ALLOWANCE_KINDS } from '../../sla/entitlements';
import { MAX_TARGET_BUSINESS_DAYS, MAX_TARGET_BUSINESS_MINUTES } from '../../sla/limits';
import { CHANNELS, PRIORITIES, RECIPIENTS, RESOLUTION_ANCHORS, type CreditTableKey } from '../../sla/policy';
import type { TargetUnit } from '../../sla/targets';
import { configKey, correctionCounts, label, timestamp } from './common';
import { line } from '../text';

/**
 * Plan terms at the edge: one document per (kind, key), in the shapes of sla/policy.ts and
 * sla/entitlements.ts. Zod checks the shapes; validateTicketPolicy and targetProblems check what
 * they mean (known calendars, amounts, increasing thresholds).
 */
export const POLICY_KINDS = ['ticket', 'claim', 'change_request', 'entitlements'] as const;

const TARGET_UNITS = [
  'business_minutes',
  'business_days',
  'same_business_day',
  'end_of_next_business_day',
  'review',
  'none',
] as const satisfies readonly TargetUnit[];

const CREDIT_TABLES = ['owj', 'avanak'] as const satisfies readonly CreditTableKey[];

export const targetSpec = z.strictObject({
  unit: z.enum(TARGET_UNITS),
  amount: z
    .number()
    .optional()
    .describe(
      `Minutes for business_minutes (at most ${MAX_TARGET_BUSINESS_MINUTES.toLocaleString('en-US')}), whole days for business_days (at most ${MAX_TARGET_BUSINESS_DAYS.toLocaleString('en-US')}); nothing for the other units`,
    ),
  calendar: z.string().max(100).describe('Key of the calendar the target counts on'),
});

const breachAction = z.strictObject({
  channel: z.enum(CHANNELS),
  recipients: z.array(z.enum(RECIPIENTS)).max(RECIPIENTS.length),
});

const priorityTerms = z.strictObject({
  firstResponse: targetSpec,
  resolution: targetSpec,
  resolutionFrom: z
    .enum(RESOLUTION_ANCHORS)
    .optional()
    .describe(
      "Where the resolution target starts (rule 13): opening (the default), or review_result: it waits on the review (due by reviewDeadline) and counts from the moment the review is recorded (Avanak: the fault is the vendor's, fixed within 3 business days of that)",
    ),
  breachAction,
});

export const ticketPolicyDefinition = z.strictObject({
  key: z.string().max(100).optional().describe('The policy key; filled in when left out'),
  name: z.string().max(200),
  vendor: z.string().max(100),
  product: z.string().max(100),
  plan: z.string().max(100),
  ticketsAllowed: z.boolean(),
  priorities: z.strictObject({
    critical: priorityTerms,
    high: priorityTerms,
    medium: priorityTerms,
    low: priorityTerms,
  }),
  warningAtPercent: z.array(z.number()).max(10),
  escalations: z.array(z.strictObject({ atPercent: z.number(), action: breachAction })).max(10),
  reviewDeadline: targetSpec,
});

export const claimPolicyDefinition = z.strictObject({
  filingWindowMinutes: z.number().int().positive(),
  initialResponse: targetSpec,
  decisionMinutes: z.number().int().positive(),
  reminderBeforeMinutes: z.number().int().nonnegative(),
  routeToQa: z.boolean(),
  creditTable: z.enum(CREDIT_TABLES).nullable(),
});

export const changeRequestPolicyDefinition = z.strictObject({
  calendar: z.string().max(100),
  reviewDeadline: targetSpec,
  reviewRank: z.number().int().nonnegative(),
  quoteValidityDays: z.number().int().positive(),
  quoteReminderBeforeDays: z.number().int().nonnegative(),
  acceptancePeriodDays: z.number().int().positive(),
  acceptBySilence: z.boolean(),
  defectFixDays: z.number().int().positive(),
  includedCustomisationHours: z.number().nonnegative(),
});

const allowance = z.strictObject({
  amount: z.union([z.number().int().nonnegative(), z.literal('unlimited')]),
  per: z.enum(['jalali_month', 'contract_year']),
});

export const entitlementsDefinition = z.strictObject({
  allowances: z.partialRecord(z.enum(ALLOWANCE_KINDS), allowance),
  channels: z.array(z.enum(['ticket', 'phone'])).max(2),
  remoteConnection: z.boolean(),
  dedicatedSupportPerson: z.boolean(),
  technicalManager: z.boolean(),
  onSite: z
    .strictObject({
      priorities: z.array(z.enum(PRIORITIES)).max(PRIORITIES.length),
      tehranOnly: z.boolean(),
      dispatchRank: z.number().int().positive().nullable(),
    })
    .nullable(),
  hourlyPackages: z.boolean(),
});

const ticketDocument = z.strictObject({ kind: z.literal('ticket'), definition: ticketPolicyDefinition });
const claimDocument = z.strictObject({ kind: z.literal('claim'), definition: claimPolicyDefinition });
const changeRequestDocument = z.strictObject({
  kind: z.literal('change_request'),
  definition: changeRequestPolicyDefinition,
});
const entitlementsDocument = z.strictObject({ kind: z.literal('entitlements'), definition: entitlementsDefinition });

/** A definition together with its kind, so each kind's document is checked against its own shape. */
export const policyDocument = z.discriminatedUnion('kind', [
  ticketDocument,
  claimDocument,
  changeRequestDocument,
  entitlementsDocument,
]);
export type PolicyDocument = z.infer<typeof policyDocument>;

const policyFields = {
  key: configKey.describe('The plan key, e.g. owj-agile; one document of each kind per key'),
  name: label,
  vendorId: z.uuid().nullable().optional(),
  plan: line(100).nullable().optional(),
};

export const createPolicyBody = z.discriminatedUnion('kind', [
  ticketDocument.extend(policyFields),
  claimDocument.extend(policyFields),
  changeRequestDocument.extend(policyFields),
  entitlementsDocument.extend(policyFields),
]);

export const updatePolicyBody = z
  .strictObject({
    name: label.optional(),
    vendorId: z.uuid().nullable().optional(),
    plan: line(100).nullable().optional(),
    definition: z
      .unknown()
      .optional()
      .describe("The complete document of the policy's kind (see POST /v1/policies); it replaces the stored one"),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');

export const policyListQuery = z.strictObject({
  kind: z.enum(POLICY_KINDS).optional(),
  key: configKey.optional(),
  vendorId: z.uuid().optional(),
});

export const policyResponse = z.object({
  id: z.uuid(),
  kind: z.enum(POLICY_KINDS),
  key: z.string(),
  name: z.string(),
  vendorId: z.uuid().nullable(),
  plan: z.string().nullable(),
  definition: z.union([
    ticketPolicyDefinition,
    claimPolicyDefinition,
    changeRequestPolicyDefinition,
    entitlementsDefinition,
  ]),
  version: z.number().int(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const correctedPolicyResponse = policyResponse.extend(correctionCounts);
