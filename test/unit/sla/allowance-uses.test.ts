// Pasban rule 15: "Visits, reinstalls, installations, training and on-site hours that a plan grants
// are counted down when used, and a request beyond what is left is refused with the balance in the
// reason." The plans are the presets, as the seeds publish them.
import {
  allowanceBalance,
  allowanceUnit,
  decideAllowanceUse,
  isTehran,
  RECORDED_ALLOWANCE_KINDS,
  type UseContext,
} from '../../../sla/allowance-uses';
import { entitlementPresets } from '../../../sla/presets';
import { tehran } from './support';

// A Kian product Gold contract that started on 1 Tir 1405 (2026-06-22) 09:00 Tehran, for a year.
const start = tehran('2026-06-22T09:00');
const end = tehran('2027-06-22T09:00');
const gold = entitlementPresets['kian-product-gold'];
const at = (local: string, amount = 1) => ({ atMs: tehran(local), amount });
// A visit for a critical ticket of a customer in Tehran: what Kian's on-site terms allow.
const criticalInTehran: UseContext = { ticketId: 'T-1', ticket: { priority: 'critical' }, city: 'Tehran' };

describe('rule 15: what a plan grants is counted down by recorded use', () => {
  it("counts Kian Gold's four on-site visits a year down, only within the contract year", () => {
    const balance = allowanceBalance({
      entitlements: gold,
      kind: 'on_site_visits',
      contractStartMs: start,
      asOfMs: tehran('2026-12-01T10:00'),
      // The last is in the next contract year (after 1 Tir 1406 09:00): it does not count now.
      uses: [at('2026-07-01T10:00'), at('2026-09-15T10:00'), at('2027-06-22T09:00')],
    });
    expect(balance).toMatchObject({ per: 'contract_year', unit: 'count', granted: 4, used: 2, remaining: 2 });
    expect(balance.periodStartMs).toBe(start);
    expect(balance.periodEndMs).toBe(end);
  });

  it('starts a new contract year with the full allowance', () => {
    const balance = allowanceBalance({
      entitlements: gold,
      kind: 'reinstalls',
      contractStartMs: start,
      asOfMs: tehran('2027-06-22T09:00'),
      uses: [at('2026-07-01T10:00'), at('2027-06-01T10:00')],
    });
    expect(balance).toMatchObject({ granted: 2, used: 0, remaining: 2 });
  });

  it('grants hour-based kinds in hours and counts them in minutes (Iotex Standard: 4 hours of on-site service)', () => {
    expect(allowanceUnit('on_site_hours')).toBe('minutes');
    expect(allowanceUnit('training_hours')).toBe('minutes');
    expect(allowanceUnit('periodic_visits')).toBe('count');
    const balance = allowanceBalance({
      entitlements: entitlementPresets['iotex-standard'],
      kind: 'on_site_hours',
      contractStartMs: start,
      asOfMs: tehran('2026-08-01T10:00'),
      uses: [at('2026-07-10T10:00', 90)],
    });
    expect(balance).toMatchObject({ unit: 'minutes', granted: 240, used: 90, remaining: 150 });
  });

  it('allows a use within the balance and answers the balance after it', () => {
    const decision = decideAllowanceUse({
      entitlements: gold,
      kind: 'on_site_visits',
      contractStartMs: start,
      contractEndMs: end,
      planName: 'kian-product-gold',
      asOfMs: tehran('2026-12-01T10:00'),
      amount: 2,
      uses: [at('2026-07-01T10:00'), at('2026-09-15T10:00')],
      context: criticalInTehran,
    });
    expect(decision).toMatchObject({ ok: true, balance: { granted: 4, used: 4, remaining: 0 } });
  });

  it('refuses a use beyond what is left, with the balance in the reason', () => {
    const decision = decideAllowanceUse({
      entitlements: gold,
      kind: 'on_site_visits',
      contractStartMs: start,
      contractEndMs: end,
      planName: 'kian-product-gold',
      asOfMs: tehran('2026-12-01T10:00'),
      amount: 3,
      uses: [at('2026-07-01T10:00'), at('2026-09-15T10:00')],
      context: criticalInTehran,
    });
    expect(decision).toMatchObject({
      ok: false,
      reason: 'allowance_exhausted',
      field: 'amount',
      balance: { used: 2, remaining: 2 },
    });
    expect(!decision.ok && decision.detail).toBe(
      '3 on-site visits asked, 2 left: the kian-product-gold plan grants 4 on-site visits in the contract year 1405/04/01 to 1406/04/01, 2 used',
    );
  });

  it('refuses the first use beyond the balance, not only a large one (Owj Committed: one on-site installation)', () => {
    const input = {
      entitlements: entitlementPresets['owj-committed'],
      kind: 'on_site_installs' as const,
      contractStartMs: start,
      contractEndMs: end,
      planName: 'owj-committed',
      asOfMs: tehran('2026-12-01T10:00'),
      amount: 1,
    };
    expect(decideAllowanceUse({ ...input, uses: [] }).ok).toBe(true);
    expect(decideAllowanceUse({ ...input, uses: [at('2026-11-01T10:00')] })).toMatchObject({
      ok: false,
      reason: 'allowance_exhausted',
    });
  });

  it('refuses a kind the plan does not grant (Kian Bronze has no on-site visits)', () => {
    const decision = decideAllowanceUse({
      entitlements: entitlementPresets['kian-product-bronze'],
      kind: 'on_site_visits',
      contractStartMs: start,
      contractEndMs: end,
      planName: 'kian-product-bronze',
      asOfMs: tehran('2026-12-01T10:00'),
      amount: 1,
      uses: [],
    });
    expect(decision).toMatchObject({
      ok: false,
      reason: 'not_in_plan',
      field: 'kind',
      detail: 'the kian-product-bronze plan grants no on-site visits',
    });
  });

  it('refuses a use outside the contract', () => {
    const decision = decideAllowanceUse({
      entitlements: gold,
      kind: 'reinstalls',
      contractStartMs: start,
      contractEndMs: end,
      planName: 'kian-product-gold',
      asOfMs: end,
      amount: 1,
      uses: [],
    });
    expect(decision).toMatchObject({
      ok: false,
      reason: 'contract_not_in_force',
      field: 'contract',
      detail: 'the contract ended on 1406/04/01: nothing can be used under it now',
    });
  });

  it('records neither tickets (counted by opening them) nor customisation hours (counted by change requests)', () => {
    expect(RECORDED_ALLOWANCE_KINDS).not.toContain('tickets');
    expect(RECORDED_ALLOWANCE_KINDS).not.toContain('customisation_hours');
  });
});

// Seed 002: Kian's on-site service is "at most 4 times a year, only to solve critical problems and
// important requests (only in the city of Tehran)" (product Gold, project Gold; project Silver:
// "at most once a year, only critical problems"). Seed 003: Iotex's free on-site service is for
// "Tehran customers" (Standard 4 hours, Premium 12 hours), whatever the priority.
describe("rule 15 with the plans' on-site terms: which tickets and where", () => {
  const visit = (
    plan: keyof typeof entitlementPresets,
    context: UseContext,
    kind: 'on_site_visits' | 'on_site_hours' | 'reinstalls' = 'on_site_visits',
    amount = 1,
  ) =>
    decideAllowanceUse({
      entitlements: entitlementPresets[plan],
      kind,
      contractStartMs: start,
      contractEndMs: end,
      planName: plan,
      asOfMs: tehran('2026-12-01T10:00'),
      amount,
      uses: [],
      context,
    });

  it('grants Kian Gold a visit for a critical or a high (important) ticket of a customer in Tehran', () => {
    expect(visit('kian-product-gold', criticalInTehran).ok).toBe(true);
    expect(visit('kian-product-gold', { ...criticalInTehran, ticket: { priority: 'high' } }).ok).toBe(true);
    expect(visit('kian-project-gold', { ...criticalInTehran, ticket: { priority: 'high' } }).ok).toBe(true);
  });

  it('refuses a Kian visit for a medium or low ticket, naming the ticket and its priority', () => {
    for (const priority of ['medium', 'low'] as const) {
      expect(visit('kian-product-gold', { ...criticalInTehran, ticket: { priority } })).toMatchObject({
        ok: false,
        reason: 'priority_not_covered',
        field: 'ticketId',
        detail: `ticket T-1 is ${priority}: the kian-product-gold plan grants on-site visits only for critical or high tickets`,
      });
    }
  });

  it('refuses a Kian project Silver visit for a high ticket: critical problems only', () => {
    expect(visit('kian-project-silver', { ...criticalInTehran, ticket: { priority: 'high' } })).toMatchObject({
      ok: false,
      reason: 'priority_not_covered',
      detail: 'ticket T-1 is high: the kian-project-silver plan grants on-site visits only for critical tickets',
    });
    expect(visit('kian-project-silver', criticalInTehran).ok).toBe(true);
  });

  it("needs the ticket a Kian visit is for, and one of this contract's tickets", () => {
    expect(visit('kian-product-gold', { ...criticalInTehran, ticketId: null, ticket: null })).toMatchObject({
      ok: false,
      reason: 'ticket_required',
      field: 'ticketId',
    });
    expect(visit('kian-product-gold', { ...criticalInTehran, ticket: null })).toMatchObject({
      ok: false,
      reason: 'ticket_not_under_contract',
      field: 'ticketId',
      detail: 'ticket T-1 is not a ticket of this contract',
    });
  });

  it('refuses a visit outside Tehran, and one for a customer whose city is not on file', () => {
    expect(visit('kian-product-gold', { ...criticalInTehran, city: 'Isfahan' })).toMatchObject({
      ok: false,
      reason: 'outside_tehran',
      field: 'city',
      detail:
        'the kian-product-gold plan grants on-site visits only in Tehran; the customer is in Isfahan (on-site work elsewhere is arranged with sales)',
    });
    expect(visit('kian-product-gold', { ...criticalInTehran, city: null })).toMatchObject({
      ok: false,
      reason: 'location_unknown',
      field: 'city',
    });
    expect(visit('kian-product-gold', { ...criticalInTehran, city: 'تهران' }).ok).toBe(true);
  });

  it('reads Tehran in Latin or Persian letters, in any case and spacing', () => {
    expect(['Tehran', ' tehran ', 'TEHRAN', 'تهران'].every(isTehran)).toBe(true);
    expect(['Tehranpars', 'Karaj', 'Shiraz', ''].some(isTehran)).toBe(false);
  });

  it('grants Iotex on-site hours for a ticket of any priority, or none, but only in Tehran', () => {
    const noTicket = { ticketId: null, ticket: null, city: 'Tehran' };
    expect(visit('iotex-standard', noTicket, 'on_site_hours', 90).ok).toBe(true);
    expect(visit('iotex-premium', { ...criticalInTehran, ticket: { priority: 'low' } }, 'on_site_hours', 90).ok).toBe(
      true,
    );
    expect(visit('iotex-standard', { ...noTicket, city: 'Tabriz' }, 'on_site_hours', 90)).toMatchObject({
      ok: false,
      reason: 'outside_tehran',
    });
  });

  it('asks neither a ticket nor a city of what is not on-site work (a reinstall)', () => {
    expect(visit('kian-product-gold', { ticketId: null, ticket: null, city: null }, 'reinstalls').ok).toBe(true);
  });
});

// An admin can add to a contract beyond its plan (POST /v1/contracts/:id/entitlements): Iotex sells
// an "extra periodic visit (up to 3 hours)" for 3,000,000 rials, and Kian gives no more support of
// a kind once it is used up unless more is bought. An extra is a one-off purchase: drawn from once
// the period's grant is used up, usable from its purchase until its expiry (else the contract's
// end), and not renewed with the next period.
describe("rule 15 with extras added by an admin: one-off, after the plan's grant", () => {
  const extra = (
    id: string,
    quantity: number,
    used = 0,
    fromLocal = '2026-06-22T09:00',
    untilLocal = '2027-06-22T09:00',
  ) => ({
    id,
    quantity,
    used,
    fromMs: tehran(fromLocal),
    untilMs: tehran(untilLocal),
  });
  const premium = entitlementPresets['iotex-premium'];
  const periodic = (
    asOf: string,
    uses: { atMs: number; amount: number; fromExtras?: number }[],
    extras: ReturnType<typeof extra>[],
    amount = 1,
  ) =>
    decideAllowanceUse({
      entitlements: premium,
      kind: 'periodic_visits',
      contractStartMs: start,
      contractEndMs: tehran('2029-06-22T09:00'),
      planName: 'iotex-premium',
      asOfMs: tehran(asOf),
      amount,
      uses,
      extras,
    });

  it("counts an extra into the balance and draws from it only once the plan's two periodic visits are used", () => {
    const twoUsed = [at('2026-07-01T10:00'), at('2026-09-01T10:00')];
    expect(periodic('2026-12-01T10:00', [at('2026-07-01T10:00')], [extra('E', 1)])).toMatchObject({
      ok: true,
      draw: { fromPlan: 1, fromExtras: [] },
      balance: { granted: 2, used: 2, remaining: 1 },
    });
    const third = periodic('2026-12-01T10:00', twoUsed, [extra('E', 1)]);
    expect(third).toMatchObject({
      ok: true,
      draw: { fromPlan: 0, fromExtras: [{ id: 'E', amount: 1 }] },
      balance: { used: 2, remaining: 0 },
    });
    expect(
      periodic('2026-12-01T10:00', [...twoUsed, { ...at('2026-11-01T10:00'), fromExtras: 1 }], [extra('E', 1, 1)]),
    ).toMatchObject({
      ok: false,
      reason: 'allowance_exhausted',
      detail:
        '1 periodic visits asked, 0 left: the iotex-premium plan grants 2 periodic visits in the contract year 1405/04/01 to 1406/04/01, 2 used; extras added: 1, 1 used',
    });
  });

  it("tops up a plan's grant (Kian Bronze: 1 reinstall, 2 more added) and lets a plan that grants none use what was added", () => {
    const bronze = {
      entitlements: entitlementPresets['kian-product-bronze'],
      contractStartMs: start,
      contractEndMs: end,
      planName: 'kian-product-bronze',
      asOfMs: tehran('2026-12-01T10:00'),
    };
    expect(
      decideAllowanceUse({
        ...bronze,
        kind: 'reinstalls',
        amount: 2,
        uses: [at('2026-08-01T10:00')],
        extras: [extra('E', 2)],
      }),
    ).toMatchObject({
      ok: true,
      draw: { fromPlan: 0, fromExtras: [{ id: 'E', amount: 2 }] },
      balance: { granted: 1, used: 1, remaining: 0 },
    });
    expect(
      decideAllowanceUse({ ...bronze, kind: 'on_site_visits', amount: 1, uses: [], extras: [extra('E', 1)] }),
    ).toMatchObject({
      ok: true,
      draw: { fromPlan: 0, fromExtras: [{ id: 'E', amount: 1 }] },
      balance: { granted: 0, used: 0, remaining: 0 },
    });
    // An extra that expired does not make the kind usable.
    expect(
      decideAllowanceUse({
        ...bronze,
        kind: 'on_site_visits',
        amount: 1,
        uses: [],
        extras: [extra('E', 1, 0, '2026-06-22T09:00', '2026-11-01T00:00')],
      }),
    ).toMatchObject({
      ok: false,
      reason: 'not_in_plan',
      detail:
        'the kian-product-bronze plan grants no on-site visits, and no extra added to the contract can be used now',
    });
  });

  it("is one-off: the next contract year renews the plan's grant, not what was drawn from the extra", () => {
    const balance = allowanceBalance({
      entitlements: premium,
      kind: 'periodic_visits',
      contractStartMs: start,
      asOfMs: tehran('2027-07-01T10:00'),
      uses: [at('2026-07-01T10:00'), at('2026-09-01T10:00'), { ...at('2026-11-01T10:00'), fromExtras: 1 }],
      extras: [extra('E', 2, 1, '2026-10-01T10:00', '2029-06-22T09:00')],
    });
    expect(balance).toMatchObject({
      granted: 2,
      used: 0,
      remaining: 3,
      extras: [{ id: 'E', quantity: 2, used: 1, remaining: 1 }],
    });
  });

  it('counts an extra only from its purchase until its expiry, and draws the soonest to expire first', () => {
    const later = extra('LATE', 1, 0, '2026-06-22T09:00', '2028-01-01T00:00');
    const sooner = extra('SOON', 1, 0, '2026-06-22T09:00', '2027-01-01T00:00');
    const notYet = extra('NOT-YET', 5, 0, '2027-02-01T00:00', '2028-01-01T00:00');
    const twoUsed = [at('2026-07-01T10:00'), at('2026-09-01T10:00')];
    expect(periodic('2026-12-01T10:00', twoUsed, [later, sooner, notYet])).toMatchObject({
      ok: true,
      draw: { fromExtras: [{ id: 'SOON', amount: 1 }] },
      balance: { remaining: 1 },
    });
    // After SOON expired (1 Jan 2027) only LATE can be drawn from, and NOT-YET not before its purchase.
    expect(periodic('2027-01-15T10:00', twoUsed, [later, sooner, notYet], 2)).toMatchObject({
      ok: false,
      reason: 'allowance_exhausted',
    });
  });
});
