import {
  billableMinutesForTicket,
  hourlyBalance,
  billedTicketsOf,
  channelOffered,
  hourlyPackageCarryOver,
  hourlyPackageExpiry,
  monthlyHourCharge,
  monthlyRequestCapMinutes,
  quotaMonthOf,
  remainingAllowance,
} from '../../../sla/entitlements';
import { entitlementPresets } from '../../../sla/presets';
import { tehran } from './support';

describe('plan allowances', () => {
  it("count down Kian Bronze's five tickets a month", () => {
    expect(remainingAllowance(entitlementPresets['kian-product-bronze'], 'tickets', 3)).toBe(2);
    expect(remainingAllowance(entitlementPresets['kian-product-bronze'], 'tickets', 7)).toBe(0);
  });

  it('are unlimited for Kian Gold tickets', () => {
    expect(remainingAllowance(entitlementPresets['kian-product-gold'], 'tickets', 1000)).toBe('unlimited');
  });

  it('are nothing where the plan does not list them', () => {
    expect(remainingAllowance(entitlementPresets['kian-product-bronze'], 'on_site_visits', 0)).toBe(0);
  });

  it('give Owj Committed one training, one on-site and three remote installs a year', () => {
    const { allowances } = entitlementPresets['owj-committed'];
    expect([allowances.training_sessions, allowances.on_site_installs, allowances.remote_installs]).toEqual([
      { amount: 1, per: 'contract_year' },
      { amount: 1, per: 'contract_year' },
      { amount: 3, per: 'contract_year' },
    ]);
  });

  it('count monthly quotas in the Tehran Jalali month', () => {
    expect(quotaMonthOf(tehran('2026-11-22T00:10'))).toEqual({
      startMs: tehran('2026-11-22T00:00'),
      endMs: tehran('2026-12-22T00:00'),
    });
  });
});

describe('hourly packages', () => {
  it('bill every ticket at least 30 minutes, in whole minutes', () => {
    expect(billableMinutesForTicket(5)).toBe(30);
    expect(billableMinutesForTicket(30)).toBe(30);
    expect(billableMinutesForTicket(47.2)).toBe(48);
  });

  it('consume at least five hours a month, but no more than is left', () => {
    expect(monthlyHourCharge(0, 6000)).toBe(300);
    expect(monthlyHourCharge(420, 6000)).toBe(420);
    expect(monthlyHourCharge(0, 120)).toBe(120);
  });

  it('cap a month at 20% of the purchased hours', () => {
    expect(monthlyRequestCapMinutes(50)).toBe(600);
    expect(monthlyRequestCapMinutes(200)).toBe(2400);
  });

  it('expire at the end of the Jalali year; bought in its last three months, they carry over and expire a year after purchase (rule 10)', () => {
    expect(hourlyPackageExpiry(tehran('2026-05-01T10:00'))).toBe(tehran('2027-03-21T00:00'));
    expect(hourlyPackageExpiry(tehran('2026-12-20T10:00'))).toBe(tehran('2027-03-21T00:00'));
    // Bought on 1 Dey 1405: carried into 1406, expiring one year after purchase (1 Dey 1406), not at the end of 1406.
    expect(hourlyPackageExpiry(tehran('2026-12-22T10:00'))).toBe(tehran('2027-12-22T10:00'));
    expect(hourlyPackageCarryOver(tehran('2026-12-22T10:00'))).toEqual({
      carriesOver: true,
      repricedFromMs: tehran('2027-03-21T00:00'),
    });
    expect(hourlyPackageCarryOver(tehran('2026-05-01T10:00'))).toEqual({ carriesOver: false, repricedFromMs: null });
  });

  it("bill a ticket's recorded hours together, at least 30 minutes once per ticket (rule 11)", () => {
    const billed = billedTicketsOf([
      { atMs: tehran('2026-05-01T10:00'), minutes: 10, reference: 'ticket:a' },
      { atMs: tehran('2026-05-01T12:00'), minutes: 15, reference: 'ticket:a' },
      { atMs: tehran('2026-05-02T10:00'), minutes: 50, reference: 'ticket:b' },
      { atMs: tehran('2026-05-03T10:00'), minutes: 5, reference: null },
    ]);
    expect(billed).toEqual([
      { atMs: tehran('2026-05-01T10:00'), minutes: 30 },
      { atMs: tehran('2026-05-02T10:00'), minutes: 50 },
      { atMs: tehran('2026-05-03T10:00'), minutes: 30 },
    ]);
  });

  it('draw five hours for a quiet month and what was billed for a busy one', () => {
    // 50 hours bought in Farvardin 1405; Farvardin is quiet, Ordibehesht bills 7 hours, Khordad is under way.
    const balance = hourlyBalance({
      packages: [{ id: 'p1', purchasedAtMs: tehran('2026-03-25T10:00'), hours: 50 }],
      billedTickets: [
        { atMs: tehran('2026-04-25T10:00'), minutes: 420 },
        { atMs: tehran('2026-05-25T10:00'), minutes: 60 },
      ],
      asOfMs: tehran('2026-05-30T12:00'),
    });
    expect(balance).toEqual({
      availableMinutes: 3000 - 300 - 420 - 60,
      chargedMinutes: 780,
      expiredMinutes: 0,
      requestedThisMonthMinutes: 60,
      monthlyCapMinutes: 600,
    });
  });

  it('let unused hours expire at the end of the year and carry late purchases over', () => {
    // 50 hours in Bahman 1404 carry over; 50 hours in Farvardin 1404 expire at the end of Esfand 1404.
    const balance = hourlyBalance({
      packages: [
        { id: 'early', purchasedAtMs: tehran('2025-03-22T10:00'), hours: 50 },
        { id: 'late', purchasedAtMs: tehran('2026-02-01T10:00'), hours: 50 },
      ],
      billedTickets: [],
      asOfMs: tehran('2026-03-25T10:00'),
    });
    // Twelve months of 1404 at five hours each (60 h) use the 50 early hours first, then 10 of the late ones.
    expect(balance.chargedMinutes).toBe(60 * 60);
    expect(balance.expiredMinutes).toBe(0);
    expect(balance.availableMinutes).toBe(40 * 60);
  });

  it('expire what the minimums did not use', () => {
    const balance = hourlyBalance({
      packages: [{ id: 'p', purchasedAtMs: tehran('2025-12-01T10:00'), hours: 50 }],
      billedTickets: [],
      asOfMs: tehran('2026-03-25T10:00'),
    });
    // Bought in Azar 1404 (month 9): Azar, Dey, Bahman, Esfand consume 20 hours; 30 expire.
    expect(balance.chargedMinutes).toBe(20 * 60);
    expect(balance.expiredMinutes).toBe(30 * 60);
    expect(balance.availableMinutes).toBe(0);
  });

  it('is empty without packages', () => {
    expect(hourlyBalance({ packages: [], billedTickets: [], asOfMs: 0 }).availableMinutes).toBe(0);
  });
});

describe('plan channels (rule 12)', () => {
  it('take tickets by phone only where the plan offers phone: Kian Bronze and Silver no, Gold yes', () => {
    expect(channelOffered(entitlementPresets['kian-product-bronze'], 'phone')).toBe(false);
    expect(channelOffered(entitlementPresets['kian-product-silver'], 'phone')).toBe(false);
    expect(channelOffered(entitlementPresets['kian-product-gold'], 'phone')).toBe(true);
    for (const channel of ['portal', 'email', 'api'] as const)
      expect(channelOffered(entitlementPresets['kian-product-bronze'], channel)).toBe(true);
  });
});
