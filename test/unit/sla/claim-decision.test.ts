import {
  rejectionReason,
  resolveAdjustedApproval,
  resolveApproval,
  type ComputedCredit,
} from '../../../sla/claim-decision';

const computed: ComputedCredit = { percent: 20, amountRials: 20_000_000, monthlyFeeRials: 100_000_000 };
const handSet: ComputedCredit = { percent: null, amountRials: null, monthlyFeeRials: 100_000_000 };

describe('approving a claim', () => {
  it('takes the computed tier and amount by default', () => {
    expect(resolveApproval(computed, {})).toEqual({ ok: true, credit: { percent: 20, amountRials: 20_000_000 } });
    expect(resolveApproval(computed, { creditPercent: 20, amountRials: 20_000_000 })).toMatchObject({ ok: true });
  });

  it('sends a different percentage or amount to an adjustment with a justification', () => {
    expect(resolveApproval(computed, { creditPercent: 30 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/adjusted amount/),
    });
    expect(resolveApproval(computed, { amountRials: 1 })).toMatchObject({ ok: false });
  });

  it('refuses a computed credit of 0%: reject it, or adjust with a justification', () => {
    expect(resolveApproval({ ...computed, percent: 0, amountRials: 0 }, {})).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/0%/),
    });
  });

  it('needs QA to set the credit where none was computed, the amount following the percentage', () => {
    expect(resolveApproval(handSet, {})).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/give the credit percentage/),
    });
    expect(resolveApproval(handSet, { creditPercent: 15 })).toEqual({
      ok: true,
      credit: { percent: 15, amountRials: 15_000_000 },
    });
    expect(resolveApproval(handSet, { creditPercent: 15, amountRials: 12_000_000 })).toEqual({
      ok: true,
      credit: { percent: 15, amountRials: 12_000_000 },
    });
  });

  it("never credits more than one month's subscription", () => {
    expect(resolveApproval(handSet, { creditPercent: 50, amountRials: 100_000_001 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/exceed/),
    });
  });
});

describe('approving an adjusted amount', () => {
  it('needs a justification', () => {
    expect(resolveAdjustedApproval(computed, { amountRials: 25_000_000, justification: '  ' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/justification/),
    });
  });

  it('derives the percentage from the amount unless given', () => {
    expect(
      resolveAdjustedApproval(computed, { amountRials: 25_000_000, justification: 'outage hit peak campaign hours' }),
    ).toEqual({
      ok: true,
      credit: { percent: 25, amountRials: 25_000_000 },
    });
    expect(
      resolveAdjustedApproval(computed, { amountRials: 25_000_000, creditPercent: 20, justification: 'goodwill' }),
    ).toMatchObject({
      credit: { percent: 20 },
    });
  });

  it('refuses a zero amount', () => {
    expect(resolveAdjustedApproval(computed, { amountRials: 0, justification: 'x' })).toMatchObject({ ok: false });
  });
});

describe('the reason a claim is rejected', () => {
  it('is an exclusion, free text, or the exclusion explained', () => {
    expect(rejectionReason({ exclusion: 'planned_maintenance' })).toBe('planned_maintenance');
    expect(rejectionReason({ reason: 'duplicate of an earlier claim' })).toBe('duplicate of an earlier claim');
    expect(rejectionReason({ exclusion: 'external_provider', reason: 'nationwide outage on 3 Azar' })).toBe(
      'external_provider: nationwide outage on 3 Azar',
    );
  });

  it('is missing when neither is given', () => {
    expect(rejectionReason({ reason: '  ' })).toBeNull();
    expect(rejectionReason({})).toBeNull();
  });
});
