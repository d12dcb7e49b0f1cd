// Pasban rule 15: "Visits, reinstalls, installations, training and on-site hours that a plan grants
// are counted down when used, and a request beyond what is left is refused with the balance in the
// reason." The plans are the presets, as the seeds publish them.
import { allowanceBalance, allowanceUnit, decideAllowanceUse, RECORDED_ALLOWANCE_KINDS } from '../../../sla/allowance-uses';
import { entitlementPresets } from '../../../sla/presets';
import { tehran } from './support';

// A Kian product Gold contract that started on 1 Tir 1405 (2026-06-22) 09:00 Tehran, for a year.
const start = tehran('2026-06-22T09:00');
const end = tehran('2027-06-22T09:00');
const gold = entitlementPresets['kian-product-gold'];
const at = (local: string, amount = 1) => ({ atMs: tehran(local), amount });

describe('rule 15: what a plan grants is counted down by recorded use', () => {
  it('counts Kian Gold\'s four on-site visits a year down, only within the contract year', () => {
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
      entitlements: gold, kind: 'on_site_visits', contractStartMs: start, contractEndMs: end, planName: 'kian-product-gold',
      asOfMs: tehran('2026-12-01T10:00'), amount: 2, uses: [at('2026-07-01T10:00'), at('2026-09-15T10:00')],
    });
    expect(decision).toMatchObject({ ok: true, balance: { granted: 4, used: 4, remaining: 0 } });
  });

  it('refuses a use beyond what is left, with the balance in the reason', () => {
    const decision = decideAllowanceUse({
      entitlements: gold, kind: 'on_site_visits', contractStartMs: start, contractEndMs: end, planName: 'kian-product-gold',
      asOfMs: tehran('2026-12-01T10:00'), amount: 3, uses: [at('2026-07-01T10:00'), at('2026-09-15T10:00')],
    });
    expect(decision).toMatchObject({ ok: false, reason: 'allowance_exhausted', field: 'amount', balance: { used: 2, remaining: 2 } });
    expect(!decision.ok && decision.detail).toBe(
      '3 on-site visits asked, 2 left: the kian-product-gold plan grants 4 on-site visits in the contract year 1405/04/01 to 1406/04/01, 2 used',
    );
  });

  it('refuses the first use beyond the balance, not only a large one (Owj Committed: one on-site installation)', () => {
    const input = {
      entitlements: entitlementPresets['owj-committed'], kind: 'on_site_installs' as const, contractStartMs: start, contractEndMs: end,
      planName: 'owj-committed', asOfMs: tehran('2026-12-01T10:00'), amount: 1,
    };
    expect(decideAllowanceUse({ ...input, uses: [] }).ok).toBe(true);
    expect(decideAllowanceUse({ ...input, uses: [at('2026-11-01T10:00')] })).toMatchObject({ ok: false, reason: 'allowance_exhausted' });
  });

  it('refuses a kind the plan does not grant (Kian Bronze has no on-site visits)', () => {
    const decision = decideAllowanceUse({
      entitlements: entitlementPresets['kian-product-bronze'], kind: 'on_site_visits', contractStartMs: start, contractEndMs: end,
      planName: 'kian-product-bronze', asOfMs: tehran('2026-12-01T10:00'), amount: 1, uses: [],
    });
    expect(decision).toMatchObject({ ok: false, reason: 'not_in_plan', field: 'kind', detail: 'the kian-product-bronze plan grants no on-site visits' });
  });

  it('refuses a use outside the contract', () => {
    const decision = decideAllowanceUse({
      entitlements: gold, kind: 'reinstalls', contractStartMs: start, contractEndMs: end, planName: 'kian-product-gold',
      asOfMs: end, amount: 1, uses: [],
    });
    expect(decision).toMatchObject({ ok: false, reason: 'contract_not_in_force', field: 'contract', detail: 'the contract ended on 1406/04/01: nothing can be used under it now' });
  });

  it('records neither tickets (counted by opening them) nor customisation hours (counted by change requests)', () => {
    expect(RECORDED_ALLOWANCE_KINDS).not.toContain('tickets');
    expect(RECORDED_ALLOWANCE_KINDS).not.toContain('customisation_hours');
  });
});
