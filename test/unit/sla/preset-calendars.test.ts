/**
 * Hand-computed deadlines on every preset calendar. The reference week is
 * Saturday 21 November 2026 (30 Aban 1405) to Friday 27 November, which has
 * no official holiday; the Nowruz cases use the holidays in NOWRUZ_1405.
 */
import {
  addBusinessDays,
  addBusinessMinutes,
  businessMinutesBetween,
  endOfNextBusinessDay,
  isOpen,
  nextOpening,
  sameBusinessDayEnd,
} from '../../../sla/business-time';
import { inTehran, presetCalendar, tehran } from './support';

describe('the amoot-office calendar (Sat–Wed 08:30–17:00, Thu 08:30–14:00)', () => {
  const cal = presetCalendar('amoot-office');

  it('carries minutes left at Wednesday closing into Thursday morning', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-25T16:30'), 60))).toBe('2026-11-26T09:00');
  });

  it('closes at 14:00 on Thursday and reopens on Saturday', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-26T13:30'), 60))).toBe('2026-11-28T09:00');
  });

  it('counts a full week as five long days and a short Thursday', () => {
    expect(businessMinutesBetween(cal, tehran('2026-11-21T00:00'), tehran('2026-11-28T00:00'))).toBe(5 * 510 + 330);
  });

  it('ends the next business day at Saturday closing for a claim received on Friday', () => {
    expect(inTehran(endOfNextBusinessDay(cal, tehran('2026-11-27T11:00')))).toBe('2026-11-28T17:00');
  });

  it('ends the next business day at Thursday closing for a claim received on Wednesday evening', () => {
    expect(inTehran(endOfNextBusinessDay(cal, tehran('2026-11-25T20:00')))).toBe('2026-11-26T14:00');
  });

  it('puts three business days from Tuesday 10:00 on Saturday 10:00', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-24T10:00'), 3))).toBe('2026-11-28T10:00');
  });

  it("ends three business days on Thursday's 14:00 closing when the clock time is later", () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-23T15:00'), 3))).toBe('2026-11-26T14:00');
  });

  it('skips Nowruz: three business days from Wednesday 18 March land on Thursday 26 March at closing', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-03-18T16:00'), 3))).toBe('2026-03-26T14:00');
  });
});

describe('the owj-committed calendar (Sat–Thu 08:30–21:00, closed Fridays and holidays)', () => {
  const cal = presetCalendar('owj-committed');

  it('puts one business day from Thursday 10:00 on Saturday 10:00 (rule 1 example)', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-26T10:00'), 1))).toBe('2026-11-28T10:00');
  });

  it('counts from the next opening when opened on Friday', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-27T11:00'), 1))).toBe('2026-11-29T08:30');
  });

  it('carries a 30-minute response opened at Thursday 20:45 into Saturday', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-26T20:45'), 30))).toBe('2026-11-28T08:45');
  });

  it('is closed on Nowruz, so one business day from Thursday 19 March lands on Wednesday 25 March', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-03-19T18:00'), 1))).toBe('2026-03-25T18:00');
  });
});

describe('the owj-agile calendar (Sat–Thu 08:30–21:00, Fridays and holidays 10:00–17:00)', () => {
  const cal = presetCalendar('owj-agile');

  it('answers on Friday morning for a ticket opened late on Thursday', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-26T20:50'), 15))).toBe('2026-11-27T10:05');
  });

  it('spreads three hours over Thursday evening and Friday morning', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-26T19:30'), 180))).toBe('2026-11-27T11:30');
  });

  it("moves a one-business-day deadline to Friday's 10:00 opening when Thursday's clock time is earlier", () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-26T09:00'), 1))).toBe('2026-11-27T10:00');
  });

  it("cuts a one-business-day deadline to Friday's 17:00 closing when Thursday's clock time is later", () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-26T18:00'), 1))).toBe('2026-11-27T17:00');
  });

  it('counts Friday as a business day for three and four business days', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-25T12:00'), 3))).toBe('2026-11-28T12:00');
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-25T12:00'), 4))).toBe('2026-11-29T12:00');
  });

  it('works holiday hours on Nowruz', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-03-19T20:00'), 180))).toBe('2026-03-20T12:00');
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-03-21T16:30'), 60))).toBe('2026-03-22T10:30');
  });
});

describe('the avanak-support calendar (Sat–Thu 08:30–14:00 and 14:45–24:00; Fridays and holidays 10:00–14:00 and 14:45–22:00)', () => {
  const cal = presetCalendar('avanak-support');

  it('stops the clock for the lunch break', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-21T13:30'), 60))).toBe('2026-11-21T15:15');
  });

  it('is closed exactly from 14:00 to 14:45', () => {
    expect(isOpen(cal, tehran('2026-11-21T13:59'))).toBe(true);
    expect(isOpen(cal, tehran('2026-11-21T14:00'))).toBe(false);
    expect(isOpen(cal, tehran('2026-11-21T14:44'))).toBe(false);
    expect(isOpen(cal, tehran('2026-11-21T14:45'))).toBe(true);
    expect(inTehran(nextOpening(cal, tehran('2026-11-21T14:10')))).toBe('2026-11-21T14:45');
  });

  it('works until midnight and resumes on Friday at 10:00', () => {
    expect(isOpen(cal, tehran('2026-11-26T23:59'))).toBe(true);
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-26T23:30'), 60))).toBe('2026-11-27T10:30');
  });

  it('closes at 22:00 on Fridays', () => {
    expect(isOpen(cal, tehran('2026-11-27T22:00'))).toBe(false);
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-26T23:00'), 1))).toBe('2026-11-27T22:00');
  });

  it('ends the same business day at midnight', () => {
    expect(inTehran(sameBusinessDayEnd(cal, tehran('2026-11-21T14:20')))).toBe('2026-11-22T00:00');
  });

  it('ends the same business day of a ticket opened after Friday closing at Saturday midnight', () => {
    expect(inTehran(sameBusinessDayEnd(cal, tehran('2026-11-27T23:00')))).toBe('2026-11-29T00:00');
  });
});

describe('the kian-office calendar (Sat–Wed 08:30–17:30)', () => {
  const cal = presetCalendar('kian-office');

  it('puts one business day from Friday 11:00 on Sunday 08:30 (rule 1 example)', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-27T11:00'), 1))).toBe('2026-11-29T08:30');
  });

  it('skips Thursday and Friday', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-24T11:00'), 3))).toBe('2026-11-29T11:00');
    expect(inTehran(addBusinessDays(cal, tehran('2026-11-25T17:00'), 2))).toBe('2026-11-29T17:00');
  });

  it('skips Nowruz', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-03-18T10:00'), 1))).toBe('2026-03-25T10:00');
    expect(inTehran(addBusinessDays(cal, tehran('2026-03-18T10:00'), 3))).toBe('2026-03-29T10:00');
  });

  it('skips 12 Farvardin', () => {
    expect(inTehran(addBusinessDays(cal, tehran('2026-03-30T09:00'), 3))).toBe('2026-04-05T09:00');
  });
});

describe('the iotex-office calendar (Sat–Wed 09:00–17:00)', () => {
  const cal = presetCalendar('iotex-office');

  it('ends eight business hours from the opening exactly at closing', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-21T09:00'), 480))).toBe('2026-11-21T17:00');
  });

  it('carries the rest of eight hours into the next day', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-21T13:00'), 480))).toBe('2026-11-22T13:00');
  });

  it('carries Wednesday afternoon into Saturday', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-25T15:00'), 240))).toBe('2026-11-28T11:00');
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-26T10:00'), 120))).toBe('2026-11-28T11:00');
  });

  it('skips Nowruz', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-03-18T16:30'), 120))).toBe('2026-03-25T10:30');
  });
});

describe('the always-open calendar', () => {
  const cal = presetCalendar('always-open');

  it('counts clock time, holidays included', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-27T11:00'), 24 * 60))).toBe('2026-11-28T11:00');
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-03-20T11:00'), 24 * 60))).toBe('2026-03-21T11:00');
  });

  it('runs across midnight', () => {
    expect(inTehran(addBusinessMinutes(cal, tehran('2026-11-21T23:30'), 60))).toBe('2026-11-22T00:30');
  });

  it('ends the same business day at midnight', () => {
    expect(inTehran(sameBusinessDayEnd(cal, tehran('2026-11-21T10:00')))).toBe('2026-11-22T00:00');
  });
});
