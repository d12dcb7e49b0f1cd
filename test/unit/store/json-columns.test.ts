import {
  claimComputationColumn,
  readableRows,
  readColumn,
  readComputation,
  readDefinition,
  readTicketClock,
  UnreadableRow,
  weekColumn,
} from '../../../store/json-columns';
import { ticketPolicyPresets } from '../../../sla/preset-ticket-policies';
import { calendarPresets } from '../../../sla/presets';
import { initialTicketState, TicketRules, ticketView } from '../../../sla/ticket-machine';
import { storedComputation } from '../../support/claim-rows';

const computation = storedComputation({
  kind: 'availability',
  policyKey: 'avanak',
  receivedAtMs: 0,
  acknowledgeDueAtMs: 1,
  decisionDueAtMs: 2,
});

describe('JSON columns read with their schemas', () => {
  it('reads a well-formed claim computation as it was written, unknown keys kept', () => {
    const stored = { ...computation, addedByALaterRelease: 1 };
    expect(readComputation({ id: 'c1', computation: stored })).toEqual(stored);
  });

  it('refuses a claim computation of {} with an error naming the table, row, column and what is missing', () => {
    expect(() => readComputation({ id: 'c1', computation: {} })).toThrow(UnreadableRow);
    try {
      readComputation({ id: 'c1', computation: {} });
    } catch (error) {
      expect(error).toMatchObject({ table: 'claim', id: 'c1', column: 'computation' });
      expect((error as UnreadableRow).issues).toContain('deadlines');
    }
  });

  it('refuses a week missing a weekday and hours that are not clock times', () => {
    const week = { sat: [], sun: [], mon: [], tue: [], wed: [], thu: [], fri: [] };
    expect(readColumn(weekColumn, week, { table: 'calendar', id: 'k', column: 'week' })).toEqual(week);
    expect(() =>
      readColumn(weekColumn, { ...week, fri: undefined }, { table: 'calendar', id: 'k', column: 'week' }),
    ).toThrow(/calendar k has a week/);
    expect(() =>
      readColumn(
        weekColumn,
        { ...week, sat: [{ start: 8, end: '16:00' }] },
        { table: 'calendar', id: 'k', column: 'week' },
      ),
    ).toThrow(UnreadableRow);
  });

  it('reads every preset ticket policy as stored, and refuses one without priorities', () => {
    for (const policy of Object.values(ticketPolicyPresets)) {
      expect(readDefinition({ kind: 'ticket', key: policy.key, definition: policy })).toEqual(policy);
    }
    expect(() => readDefinition({ kind: 'ticket', key: 'x', definition: { key: 'x' } })).toThrow(
      /policy ticket\/x has a definition/,
    );
  });

  it('reads a missing ticket clock as null and a malformed one as unreadable', () => {
    expect(readTicketClock({ id: 't1', clock: null })).toBeNull();
    expect(() => readTicketClock({ id: 't1', clock: { status: 'new' } })).toThrow(UnreadableRow);
  });

  it('reads the clock of an Avanak ticket awaiting its review (a target state added after the schema was written was left out of every list)', () => {
    const openedAtMs = Date.UTC(2026, 11, 19, 6, 30);
    const calendars = [calendarPresets['amoot-office'], calendarPresets['always-open']];
    const view = ticketView(
      new TicketRules(ticketPolicyPresets.avanak, calendars, openedAtMs),
      't1',
      initialTicketState('high', openedAtMs),
      openedAtMs,
    );
    expect(view.targets.map((t) => t.state)).toContain('awaiting_review');
    expect(readTicketClock({ id: 't1', clock: JSON.parse(JSON.stringify(view)) })).toEqual(view);
  });

  it('leaves unreadable rows out of a list and reports each, but lets any other error through', () => {
    const skipped: string[] = [];
    const rows = [
      { id: 'a', computation },
      { id: 'b', computation: {} },
      { id: 'c', computation },
    ];
    expect(
      readableRows(
        rows,
        (row) => readComputation(row).policyKey + row.id,
        (e) => skipped.push(e.id),
      ),
    ).toEqual(['avanaka', 'avanakc']);
    expect(skipped).toEqual(['b']);
    expect(() =>
      readableRows(
        [1],
        () => {
          throw new TypeError('boom');
        },
        () => undefined,
      ),
    ).toThrow(TypeError);
  });

  it('keeps the schema in step with the type: a stored computation parses to itself', () => {
    expect(claimComputationColumn.parse(computation)).toEqual(computation);
  });
});
