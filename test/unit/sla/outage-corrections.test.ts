import { corrected, MAX_MAINTENANCE_AHEAD_MS, outageProblems, type OutageFacts } from '../../../sla/outage-corrections';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-03T10:00:00+03:30');
const MARGIN = 15 * 60_000;
const outage: OutageFacts = {
  startMs: NOW - 3 * HOUR,
  endMs: NOW - HOUR,
  cause: 'unplanned',
  customerId: null,
  announcedAtMs: null,
};

describe('correcting an outage', () => {
  it('changes only the fields given, and null reopens it as ongoing', () => {
    expect(corrected(outage, { endMs: NOW - 2 * HOUR })).toEqual({ ...outage, endMs: NOW - 2 * HOUR });
    expect(corrected(outage, { endMs: null }).endMs).toBeNull();
    expect(corrected(outage, {})).toEqual(outage);
  });

  it('drops the customer when the cause no longer concerns one customer, and the announcement when it is no longer maintenance', () => {
    const suspension = { ...outage, cause: 'non_payment_suspension' as const, customerId: 'c-1' };
    expect(corrected(suspension, { cause: 'unplanned' })).toMatchObject({ cause: 'unplanned', customerId: null });
    const maintenance = { ...outage, cause: 'planned_maintenance' as const, announcedAtMs: NOW - 72 * HOUR };
    expect(corrected(maintenance, { cause: 'unplanned' }).announcedAtMs).toBeNull();
  });
});

describe('the bounds on an outage', () => {
  it('accepts an ended outage, an ongoing one, and an end within the margin', () => {
    expect(outageProblems(outage, NOW, MARGIN)).toEqual([]);
    expect(outageProblems({ ...outage, endMs: null }, NOW, MARGIN)).toEqual([]);
    expect(outageProblems({ ...outage, endMs: NOW + MARGIN }, NOW, MARGIN)).toEqual([]);
  });

  it('refuses an end in 2062, naming endedAt', () => {
    expect(outageProblems({ ...outage, endMs: Date.parse('2062-01-01T00:00:00Z') }, NOW, MARGIN)).toEqual([
      {
        path: 'endedAt',
        message: 'must not be later than now plus 15 minutes; an outage still going on has no end (null)',
      },
    ]);
  });

  it('refuses an end before the start, a start in the future, and a customer on a cause that concerns everyone', () => {
    expect(outageProblems({ ...outage, endMs: outage.startMs }, NOW, MARGIN)).toEqual([
      { path: 'endedAt', message: 'must be after startedAt' },
    ]);
    expect(outageProblems({ ...outage, startMs: NOW + HOUR, endMs: null }, NOW, MARGIN).map((p) => p.path)).toEqual([
      'startedAt',
    ]);
    expect(outageProblems({ ...outage, customerId: 'c-1' }, NOW, MARGIN).map((p) => p.path)).toEqual(['customerId']);
  });

  it('lets an announced maintenance window lie ahead, up to a year', () => {
    const window = {
      ...outage,
      cause: 'planned_maintenance' as const,
      announcedAtMs: NOW,
      startMs: NOW + 72 * HOUR,
      endMs: NOW + 74 * HOUR,
    };
    expect(outageProblems(window, NOW, MARGIN)).toEqual([]);
    const far = {
      ...window,
      startMs: NOW + MAX_MAINTENANCE_AHEAD_MS + HOUR,
      endMs: NOW + MAX_MAINTENANCE_AHEAD_MS + 2 * HOUR,
    };
    expect(outageProblems(far, NOW, MARGIN).map((p) => p.path)).toEqual(['startedAt', 'endedAt']);
  });
});
