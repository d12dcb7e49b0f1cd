import { compileCalendar, type BusinessCalendar } from '../sla/calendar';
import type { CalendarSpec } from '../sla/calendar-spec';
import type { TicketPolicy } from '../sla/policy';
import { ticketClock, type TargetClock } from '../sla/ticket-clock';
import type { TicketState } from './ticket';

/**
 * The ticket's policy and compiled calendars, replaceable when an administrator corrects them.
 * Compiled calendars cache each day's open hours, so they are kept across clock readings.
 */
export class TicketClockKeeper {
  private compiled = new Map<string, BusinessCalendar>();

  constructor(
    public policy: TicketPolicy,
    public calendarSpecs: CalendarSpec[],
    private readonly openedAtMs: number,
  ) {
    this.compile();
  }

  reconfigure(policy?: TicketPolicy, calendarSpecs?: CalendarSpec[]): void {
    if (policy) this.policy = policy;
    if (calendarSpecs) {
      const replaced = new Map(this.calendarSpecs.map((spec) => [spec.key, spec]));
      for (const spec of calendarSpecs) replaced.set(spec.key, spec);
      this.calendarSpecs = [...replaced.values()];
    }
    this.compile();
  }

  clocks(state: TicketState, nowMs: number): TargetClock[] {
    return ticketClock({
      policy: this.policy,
      priority: state.priority,
      calendars: (key) => {
        const calendar = this.compiled.get(key);
        if (!calendar) throw new Error(`the ticket has no calendar "${key}"`);
        return calendar;
      },
      openedAtMs: this.openedAtMs,
      firstResponseAtMs: state.firstResponseAtMs ?? undefined,
      cycle: state.cycle,
      nowMs,
    });
  }

  private compile(): void {
    this.compiled = new Map(this.calendarSpecs.map((spec) => [spec.key, compileCalendar(spec)]));
  }
}
