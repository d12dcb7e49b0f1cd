import { compileCalendar } from '../../../sla/calendar';
import { iranianOfficialHolidays } from '../../../sla/holidays';
import {
  CALENDAR_PRESET_KEYS,
  calendarPresets,
  changeRequestPolicyPresets,
  claimPolicyPresets,
  creditTables,
  entitlementPresets,
  POLICY_PRESET_KEYS,
  presetPolicies,
  ticketPolicyPresets,
  withHolidays,
} from '../../../sla/presets';
import { specOf } from './support';

describe('the preset keys', () => {
  it('are exactly those named in the rules', () => {
    expect([...CALENDAR_PRESET_KEYS].sort()).toEqual(
      [
        'amoot-office',
        'owj-committed',
        'owj-agile',
        'avanak-support',
        'kian-office',
        'iotex-office',
        'always-open',
      ].sort(),
    );
    expect([...POLICY_PRESET_KEYS].sort()).toEqual(
      [
        'owj-basic',
        'owj-committed',
        'owj-agile',
        'avanak',
        'kian-product-bronze',
        'kian-product-silver',
        'kian-product-gold',
        'kian-project-basic',
        'kian-project-silver',
        'kian-project-gold',
        'iotex-basic',
        'iotex-standard',
        'iotex-premium',
      ].sort(),
    );
    expect(Object.keys(creditTables).sort()).toEqual(['avanak', 'owj']);
  });

  it('each have a calendar, ticket, claim, change-request and entitlement preset under their own key', () => {
    for (const key of CALENDAR_PRESET_KEYS) expect(calendarPresets[key].key).toBe(key);
    for (const key of POLICY_PRESET_KEYS) {
      expect(ticketPolicyPresets[key].key).toBe(key);
      expect(claimPolicyPresets[key]).toBeDefined();
      expect(changeRequestPolicyPresets[key]).toBeDefined();
      expect(entitlementPresets[key]).toBeDefined();
    }
  });

  it('are looked up by the preset policy lookup, and nothing else is', () => {
    expect(presetPolicies.ticketPolicy('avanak')).toBe(ticketPolicyPresets.avanak);
    expect(presetPolicies.claimPolicy('owj-agile')).toBe(claimPolicyPresets['owj-agile']);
    expect(presetPolicies.entitlements('kian-product-gold')).toBe(entitlementPresets['kian-product-gold']);
    expect(presetPolicies.ticketPolicy('toString')).toBeUndefined();
  });
});

describe('adding holidays to a calendar', () => {
  it('merges holidays that share a date into one entry naming both', () => {
    const spec = withHolidays(specOf('Asia/Tehran', { sat: [['09:00', '17:00']] }), [
      { date: '2026-03-21', name: 'نوروز' },
      { date: '2026-03-20', name: 'ملی شدن صنعت نفت' },
      { date: '2026-03-21', name: 'عید فطر' },
    ]);
    expect(spec.holidays).toEqual([
      { date: '2026-03-20', name: 'ملی شدن صنعت نفت' },
      { date: '2026-03-21', name: 'نوروز، عید فطر' },
    ]);
  });

  it('compiles every preset calendar with four years of official holidays', () => {
    const holidays = iranianOfficialHolidays(1404, 1407);
    for (const key of CALENDAR_PRESET_KEYS) {
      const cal = compileCalendar(withHolidays(calendarPresets[key], holidays));
      expect(cal.dayAt(Date.parse('2026-03-21T12:00:00+03:30')).holiday).toContain('عید نوروز');
    }
  });
});

describe('the change-request presets', () => {
  it('give Owj 30 days to accept and 30 to fix, without acceptance by silence', () => {
    expect(changeRequestPolicyPresets['owj-agile']).toMatchObject({
      acceptancePeriodDays: 30,
      acceptBySilence: false,
      defectFixDays: 30,
      calendar: 'amoot-office',
    });
  });

  it("accept Kian's delivered work after a week of silence", () => {
    expect(changeRequestPolicyPresets['kian-project-basic']).toMatchObject({
      acceptancePeriodDays: 7,
      acceptBySilence: true,
      calendar: 'kian-office',
    });
  });

  it("include Kian project Silver's 3 and Gold's 7 customisation hours, and none elsewhere", () => {
    const hours = Object.fromEntries(
      POLICY_PRESET_KEYS.map((key) => [key, changeRequestPolicyPresets[key].includedCustomisationHours]),
    );
    expect(hours).toMatchObject({
      'kian-project-silver': 3,
      'kian-project-gold': 7,
      'kian-project-basic': 0,
      'kian-product-gold': 0,
      'owj-agile': 0,
    });
  });

  it('review Iotex requests in the order of the support contract', () => {
    const order = ['iotex-premium', 'iotex-standard', 'iotex-basic'] as const;
    expect(order.map((key) => changeRequestPolicyPresets[key].reviewRank)).toEqual([1, 2, 3]);
    expect(order.map((key) => changeRequestPolicyPresets[key].reviewDeadline.amount)).toEqual([5, 10, 15]);
  });
});
