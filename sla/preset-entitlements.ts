/**
 * What each preset plan includes, as published. Yearly allowances count per
 * contract year. Owj Agile includes everything Committed does. Iotex's free
 * on-site hours are read as per contract year.
 */
import type { Allowance, PlanEntitlements } from './entitlements';
import type { PolicyPresetKey } from './preset-ticket-policies';

const perMonth = (amount: number | 'unlimited'): Allowance => ({ amount, per: 'jalali_month' });
const perYear = (amount: number): Allowance => ({ amount, per: 'contract_year' });
const UNLIMITED_TICKETS = { tickets: perMonth('unlimited') };

const NOTHING_EXTRA: PlanEntitlements = {
  allowances: {},
  channels: ['ticket', 'phone'],
  remoteConnection: true,
  dedicatedSupportPerson: false,
  technicalManager: false,
  onSite: null,
  hourlyPackages: false,
};

const OWJ_COMMITTED: PlanEntitlements = {
  ...NOTHING_EXTRA,
  allowances: {
    ...UNLIMITED_TICKETS,
    training_sessions: perYear(1),
    on_site_installs: perYear(1),
    remote_installs: perYear(3),
  },
};

const KIAN_PROJECT: PlanEntitlements = { ...NOTHING_EXTRA, channels: ['ticket'], hourlyPackages: true };

const IOTEX_ON_SITE = (dispatchRank: number): PlanEntitlements['onSite'] => ({
  priorities: ['critical', 'high', 'medium', 'low'],
  tehranOnly: true,
  dispatchRank,
});

export const entitlementPresets: Record<PolicyPresetKey, PlanEntitlements> = {
  'owj-basic': { ...NOTHING_EXTRA, channels: [], remoteConnection: false },
  'owj-committed': OWJ_COMMITTED,
  'owj-agile': { ...OWJ_COMMITTED, technicalManager: true },
  avanak: { ...NOTHING_EXTRA, allowances: UNLIMITED_TICKETS },
  'kian-product-bronze': {
    ...NOTHING_EXTRA,
    allowances: { tickets: perMonth(5), reinstalls: perYear(1) },
    channels: ['ticket'],
    remoteConnection: false,
  },
  'kian-product-silver': {
    ...NOTHING_EXTRA,
    allowances: { tickets: perMonth(10), reinstalls: perYear(1) },
    channels: ['ticket'],
  },
  'kian-product-gold': {
    ...NOTHING_EXTRA,
    allowances: { tickets: perMonth('unlimited'), reinstalls: perYear(2), on_site_visits: perYear(4) },
    dedicatedSupportPerson: true,
    onSite: { priorities: ['critical', 'high'], tehranOnly: true, dispatchRank: null },
  },
  'kian-project-basic': { ...KIAN_PROJECT, allowances: UNLIMITED_TICKETS },
  'kian-project-silver': {
    ...KIAN_PROJECT,
    allowances: {
      ...UNLIMITED_TICKETS,
      review_visits: perYear(1),
      customisation_hours: perYear(3),
      training_hours: perYear(2),
      on_site_visits: perYear(1),
    },
    onSite: { priorities: ['critical'], tehranOnly: true, dispatchRank: null },
  },
  'kian-project-gold': {
    ...KIAN_PROJECT,
    allowances: {
      ...UNLIMITED_TICKETS,
      review_visits: perYear(2),
      customisation_hours: perYear(7),
      training_hours: perYear(4),
      on_site_visits: perYear(2),
    },
    channels: ['ticket', 'phone'],
    onSite: { priorities: ['critical', 'high'], tehranOnly: true, dispatchRank: null },
  },
  'iotex-basic': { ...NOTHING_EXTRA, allowances: UNLIMITED_TICKETS },
  'iotex-standard': {
    ...NOTHING_EXTRA,
    allowances: { ...UNLIMITED_TICKETS, on_site_hours: perYear(4) },
    onSite: IOTEX_ON_SITE(2),
  },
  'iotex-premium': {
    ...NOTHING_EXTRA,
    allowances: { ...UNLIMITED_TICKETS, on_site_hours: perYear(12), periodic_visits: perYear(2) },
    onSite: IOTEX_ON_SITE(1),
  },
};
