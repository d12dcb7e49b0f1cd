import { epochToWallTime, isKnownTimeZone, wallTimeToEpoch, zoneOffsetMs } from '../../../sla/time-zone';
import { epochDayFromCivil } from '../../../sla/civil-date';

const HOUR = 3_600_000;

describe('time zones', () => {
  it('know IANA names and nothing else', () => {
    expect(isKnownTimeZone('Asia/Tehran')).toBe(true);
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Asia/Esfahan')).toBe(false);
    expect(isKnownTimeZone('')).toBe(false);
  });

  it("give Tehran's +03:30 today and its old +04:30 summer time", () => {
    expect(zoneOffsetMs('Asia/Tehran', Date.parse('2026-07-01T00:00:00Z'))).toBe(3.5 * HOUR);
    expect(zoneOffsetMs('Asia/Tehran', Date.parse('2021-07-01T00:00:00Z'))).toBe(4.5 * HOUR);
  });

  it("switch Berlin's offset at 01:00 UTC on the changeover Sundays", () => {
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2026-03-29T00:59:59Z'))).toBe(HOUR);
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2026-03-29T01:00:00Z'))).toBe(2 * HOUR);
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2026-10-25T00:59:59Z'))).toBe(2 * HOUR);
    expect(zoneOffsetMs('Europe/Berlin', Date.parse('2026-10-25T01:00:00Z'))).toBe(HOUR);
  });
});

describe('wall time to an instant', () => {
  const march29 = epochDayFromCivil(2026, 3, 29);
  const october25 = epochDayFromCivil(2026, 10, 25);

  it('is plain on an ordinary day', () => {
    expect(wallTimeToEpoch('Asia/Tehran', epochDayFromCivil(2026, 11, 22), 10 * 60 + 30)).toBe(
      Date.parse('2026-11-22T10:30:00+03:30'),
    );
  });

  it('moves a skipped wall time forward by the skipped hour', () => {
    expect(wallTimeToEpoch('Europe/Berlin', march29, 2 * 60 + 30)).toBe(Date.parse('2026-03-29T03:30:00+02:00'));
  });

  it('takes the earlier of a repeated wall time', () => {
    expect(wallTimeToEpoch('Europe/Berlin', october25, 2 * 60 + 30)).toBe(Date.parse('2026-10-25T02:30:00+02:00'));
    expect(wallTimeToEpoch('Europe/Berlin', october25, 3 * 60 + 30)).toBe(Date.parse('2026-10-25T03:30:00+01:00'));
  });

  it('reads back the wall time of an instant', () => {
    expect(epochToWallTime('Europe/Berlin', Date.parse('2026-10-25T01:30:00Z'))).toEqual({
      epochDay: october25,
      minutesOfDay: 150,
    });
    expect(epochToWallTime('Asia/Tehran', Date.parse('2026-11-21T20:29:30Z'))).toEqual({
      epochDay: epochDayFromCivil(2026, 11, 21),
      minutesOfDay: 23 * 60 + 59.5,
    });
  });
});
