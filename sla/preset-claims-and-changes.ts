/**
 * Compensation-claim and change-request policies for every preset plan.
 *
 * Claims follow Avanak's published process everywhere (Pasban rule 8): filed
 * within 7×24 h of the outage's end, initial response by the end of the next
 * business day on the vendor's office calendar, result within 7×24 h. Owj is
 * Amoot's too, so its claims also go to Amoot's QA unit; Kian and Iotex name
 * no QA unit and publish no credit table. The decision reminder 24 h ahead is
 * a Pasban default.
 *
 * Change requests count on the vendor's office calendar. Published: Owj's 30
 * days to accept or list defects and 30 days to fix them (applied to all of
 * Amoot's products); Kian's acceptance after a week of silence and the
 * customisation hours of its project plans; Iotex reviewing in an order set
 * by the support contract. Pasban defaults where the texts are silent: review
 * within 5 business days (Iotex: Premium 5, Standard 10, Basic 15), quotes
 * valid 30 days with a reminder 7 days before they lapse, 30 days to accept
 * or to fix where not published.
 */
import type { ChangeRequestPolicy, ClaimPolicy, CreditTableKey } from './policy';
import type { CalendarPresetKey } from './preset-calendars';
import { entitlementPresets } from './preset-entitlements';
import { POLICY_PRESET_KEYS, type PolicyPresetKey } from './preset-ticket-policies';

const WEEK_OF_MINUTES = 7 * 24 * 60;

function claims(office: CalendarPresetKey, routeToQa: boolean, creditTable: CreditTableKey | null): ClaimPolicy {
  return {
    filingWindowMinutes: WEEK_OF_MINUTES,
    initialResponse: { unit: 'end_of_next_business_day', calendar: office },
    decisionMinutes: WEEK_OF_MINUTES,
    reminderBeforeMinutes: 24 * 60,
    routeToQa,
    creditTable,
  };
}

const OWJ_CLAIMS = claims('amoot-office', true, 'owj');
const KIAN_CLAIMS = claims('kian-office', false, null);
const IOTEX_CLAIMS = claims('iotex-office', false, null);

export const claimPolicyPresets: Record<PolicyPresetKey, ClaimPolicy> = {
  'owj-basic': OWJ_CLAIMS,
  'owj-committed': OWJ_CLAIMS,
  'owj-agile': OWJ_CLAIMS,
  avanak: claims('amoot-office', true, 'avanak'),
  'kian-product-bronze': KIAN_CLAIMS,
  'kian-product-silver': KIAN_CLAIMS,
  'kian-product-gold': KIAN_CLAIMS,
  'kian-project-basic': KIAN_CLAIMS,
  'kian-project-silver': KIAN_CLAIMS,
  'kian-project-gold': KIAN_CLAIMS,
  'iotex-basic': IOTEX_CLAIMS,
  'iotex-standard': IOTEX_CLAIMS,
  'iotex-premium': IOTEX_CLAIMS,
};

type VendorTerms = Omit<ChangeRequestPolicy, 'includedCustomisationHours'>;

function vendorTerms(office: CalendarPresetKey, terms: Partial<VendorTerms> = {}): VendorTerms {
  return {
    calendar: office,
    reviewDeadline: { unit: 'business_days', amount: 5, calendar: office },
    reviewRank: 1,
    quoteValidityDays: 30,
    quoteReminderBeforeDays: 7,
    acceptancePeriodDays: 30,
    acceptBySilence: false,
    defectFixDays: 30,
    ...terms,
  };
}

const iotexReview = (amount: number, reviewRank: number): Partial<VendorTerms> => ({
  reviewDeadline: { unit: 'business_days', amount, calendar: 'iotex-office' },
  reviewRank,
});

const AMOOT = vendorTerms('amoot-office');
const KIAN = vendorTerms('kian-office', { acceptancePeriodDays: 7, acceptBySilence: true });

const termsByPlan: Record<PolicyPresetKey, VendorTerms> = {
  'owj-basic': AMOOT,
  'owj-committed': AMOOT,
  'owj-agile': AMOOT,
  avanak: AMOOT,
  'kian-product-bronze': KIAN,
  'kian-product-silver': KIAN,
  'kian-product-gold': KIAN,
  'kian-project-basic': KIAN,
  'kian-project-silver': KIAN,
  'kian-project-gold': KIAN,
  'iotex-basic': vendorTerms('iotex-office', iotexReview(15, 3)),
  'iotex-standard': vendorTerms('iotex-office', iotexReview(10, 2)),
  'iotex-premium': vendorTerms('iotex-office', iotexReview(5, 1)),
};

function includedCustomisationHours(key: PolicyPresetKey): number {
  const allowance = entitlementPresets[key].allowances.customisation_hours;
  return allowance && allowance.amount !== 'unlimited' ? allowance.amount : 0;
}

export const changeRequestPolicyPresets = Object.fromEntries(
  POLICY_PRESET_KEYS.map((key) => [
    key,
    { ...termsByPlan[key], includedCustomisationHours: includedCustomisationHours(key) },
  ]),
) as Record<PolicyPresetKey, ChangeRequestPolicy>;
