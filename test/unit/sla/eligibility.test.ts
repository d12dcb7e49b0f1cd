import { decideEligibility, type Contract, type EligibilityInput } from '../../../sla/eligibility';
import { presetPolicies } from '../../../sla/presets';
import { tehran } from './support';

const now = tehran('2026-11-22T10:00');
const contract = (overrides: Partial<Contract> = {}): Contract => ({
  id: 'c1',
  policyKey: 'kian-product-bronze',
  startsAtMs: tehran('2026-01-01T00:00'),
  endsAtMs: tehran('2027-01-01T00:00'),
  paid: true,
  billing: 'plan',
  ...overrides,
});
const ask = (overrides: Partial<EligibilityInput>) =>
  decideEligibility({
    kind: 'ticket',
    nowMs: now,
    product: {},
    contracts: [contract()],
    usage: {},
    policies: presetPolicies,
    ...overrides,
  });

describe('opening a ticket', () => {
  it('is allowed under a paid contract in force, naming the contract and its policy', () => {
    expect(ask({})).toEqual({ ok: true, contract: contract(), policyKey: 'kian-product-bronze' });
  });

  it('is refused without any contract', () => {
    expect(ask({ contracts: [] })).toMatchObject({ ok: false, reason: 'no_contract' });
  });

  it('is refused once the contract has ended, saying when', () => {
    const decision = ask({ contracts: [contract({ endsAtMs: tehran('2026-11-01T00:00') })] });
    expect(decision).toEqual({
      ok: false,
      reason: 'contract_expired',
      detail: 'the last support contract ended on 2026-11-01T00:00:00.000+03:30',
    });
  });

  it('is refused before the contract starts', () => {
    expect(ask({ contracts: [contract({ startsAtMs: tehran('2026-12-01T00:00') })] })).toMatchObject({
      ok: false,
      reason: 'contract_not_started',
    });
  });

  it('is refused while the contract is unpaid', () => {
    expect(ask({ contracts: [contract({ paid: false })] })).toMatchObject({ ok: false, reason: 'unpaid' });
  });

  it('is refused once the product reached end of support', () => {
    expect(ask({ product: { endOfSupportAt: tehran('2026-11-01T00:00') } })).toMatchObject({
      ok: false,
      reason: 'product_end_of_support',
    });
  });

  it('is refused on Owj Basic, whose plan has no tickets', () => {
    expect(ask({ contracts: [contract({ policyKey: 'owj-basic' })] })).toMatchObject({
      ok: false,
      reason: 'plan_excludes_tickets',
    });
  });

  it('is refused for a policy nobody configured', () => {
    expect(ask({ contracts: [contract({ policyKey: 'nobody' })] })).toMatchObject({
      ok: false,
      reason: 'unknown_policy',
    });
  });

  it("is refused once Kian Bronze's five tickets of this Jalali month are used", () => {
    expect(ask({ usage: { c1: { ticketsThisMonth: 4 } } })).toMatchObject({ ok: true });
    expect(ask({ usage: { c1: { ticketsThisMonth: 5 } } })).toMatchObject({
      ok: false,
      reason: 'monthly_quota_exhausted',
    });
  });

  it('is allowed under the second contract when the first refuses', () => {
    const gold = contract({ id: 'c2', policyKey: 'kian-product-gold' });
    const decision = ask({ contracts: [contract(), gold], usage: { c1: { ticketsThisMonth: 5 } } });
    expect(decision).toEqual({ ok: true, contract: gold, policyKey: 'kian-product-gold' });
  });

  it("answers with the first contract's refusal when every contract refuses", () => {
    const unpaid = contract({ id: 'c2', paid: false });
    expect(ask({ contracts: [contract(), unpaid], usage: { c1: { ticketsThisMonth: 5 } } })).toMatchObject({
      reason: 'monthly_quota_exhausted',
    });
  });
});

describe('opening a ticket on hourly hours', () => {
  const hourly = contract({ policyKey: 'kian-project-basic', billing: 'hourly' });
  const withHours = (availableMinutes: number, requestedThisMonthMinutes: number) =>
    ask({
      contracts: [hourly],
      usage: {
        c1: { ticketsThisMonth: 0, hourly: { availableMinutes, requestedThisMonthMinutes, monthlyCapMinutes: 600 } },
      },
    });

  it('is allowed while half an hour is left and the month is under its cap', () => {
    expect(withHours(30, 570)).toMatchObject({ ok: true });
  });

  it('is refused when less than the 30-minute minimum is left', () => {
    expect(withHours(29, 0)).toMatchObject({ ok: false, reason: 'hours_exhausted' });
  });

  it("is refused when the month's 20% would be passed", () => {
    expect(withHours(3000, 571)).toMatchObject({ ok: false, reason: 'monthly_hours_cap_reached' });
  });
});

describe('filing a compensation claim', () => {
  const avanak = contract({ policyKey: 'avanak' });
  const outageEnded = tehran('2026-11-15T10:00');

  it('is allowed within 7 × 24 hours of the outage', () => {
    expect(
      ask({ kind: 'claim', contracts: [avanak], outageEndedAtMs: outageEnded, nowMs: tehran('2026-11-22T10:00') }),
    ).toMatchObject({ ok: true });
  });

  it('is refused a minute later, saying when the window closed', () => {
    const decision = ask({
      kind: 'claim',
      contracts: [avanak],
      outageEndedAtMs: outageEnded,
      nowMs: tehran('2026-11-22T10:01'),
    });
    expect(decision).toEqual({
      ok: false,
      reason: 'claim_window_closed',
      detail: 'claims for this outage closed at 2026-11-22T10:00:00.000+03:30',
    });
  });

  it('is judged by the contract that covered the outage, and not refused for end of support', () => {
    const ended = contract({ policyKey: 'avanak', endsAtMs: tehran('2026-11-20T00:00') });
    const decision = ask({
      kind: 'claim',
      contracts: [ended],
      outageEndedAtMs: outageEnded,
      product: { endOfSupportAt: tehran('2026-11-18T00:00') },
    });
    expect(decision).toMatchObject({ ok: true });
  });

  it('does not use up the ticket quota', () => {
    expect(ask({ kind: 'claim', usage: { c1: { ticketsThisMonth: 5 } } })).toMatchObject({ ok: true });
  });
});

describe('asking for a change', () => {
  it('is allowed on Owj Basic, which has no tickets', () => {
    expect(ask({ kind: 'change_request', contracts: [contract({ policyKey: 'owj-basic' })] })).toMatchObject({
      ok: true,
    });
  });

  it('is refused after end of support', () => {
    expect(ask({ kind: 'change_request', product: { endOfSupportAt: now } })).toMatchObject({
      reason: 'product_end_of_support',
    });
  });
});
