import {
  claimDecisionDeadline,
  claimFilingDeadline,
  claimInitialResponseDeadline,
  claimReminderAt,
} from '../../../sla/claims';
import { claimPolicyPresets } from '../../../sla/presets';
import { inTehran, presetCalendars, tehran } from './support';

const avanak = claimPolicyPresets.avanak;

describe("Avanak's compensation claim", () => {
  it('may be filed until 7 × 24 hours after the outage ended', () => {
    expect(inTehran(claimFilingDeadline(tehran('2026-11-15T10:00'), avanak))).toBe('2026-11-22T10:00');
  });

  it("is first answered by the end of the next business day on Amoot's office calendar", () => {
    expect(inTehran(claimInitialResponseDeadline(tehran('2026-11-25T20:00'), avanak, presetCalendars()))).toBe(
      '2026-11-26T14:00',
    );
    expect(inTehran(claimInitialResponseDeadline(tehran('2026-11-27T11:00'), avanak, presetCalendars()))).toBe(
      '2026-11-28T17:00',
    );
  });

  it('is decided within 7 × 24 hours of receipt, with a reminder a day before', () => {
    expect(inTehran(claimDecisionDeadline(tehran('2026-11-25T20:00'), avanak))).toBe('2026-12-02T20:00');
    expect(inTehran(claimReminderAt(tehran('2026-11-25T20:00'), avanak))).toBe('2026-12-01T20:00');
  });

  it('goes to quality assurance and is credited by the avanak table', () => {
    expect(avanak).toMatchObject({ routeToQa: true, creditTable: 'avanak' });
  });
});

describe("other vendors' claims", () => {
  it("are first answered on the vendor's own office calendar", () => {
    // Received Wednesday evening: Kian and Iotex are closed on Thursday, so Saturday closing.
    expect(
      inTehran(
        claimInitialResponseDeadline(
          tehran('2026-11-25T20:00'),
          claimPolicyPresets['kian-product-gold'],
          presetCalendars(),
        ),
      ),
    ).toBe('2026-11-28T17:30');
    expect(
      inTehran(
        claimInitialResponseDeadline(tehran('2026-11-25T20:00'), claimPolicyPresets['iotex-basic'], presetCalendars()),
      ),
    ).toBe('2026-11-28T17:00');
  });

  it("use Owj's credit table for Owj", () => {
    expect(claimPolicyPresets['owj-agile'].creditTable).toBe('owj');
  });
});
