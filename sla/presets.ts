/**
 * The ready presets: every vendor's published terms as configuration, under
 * the keys that configuration, documentation and tests share.
 */
import type { CalendarSpec } from './calendar-spec';
import type { PolicyLookup } from './eligibility';
import { claimPolicyPresets } from './preset-claims-and-changes';
import { entitlementPresets } from './preset-entitlements';
import { ticketPolicyPresets, type PolicyPresetKey } from './preset-ticket-policies';

export { CALENDAR_PRESET_KEYS, calendarPresets, type CalendarPresetKey } from './preset-calendars';
export { POLICY_PRESET_KEYS, ticketPolicyPresets, type PolicyPresetKey } from './preset-ticket-policies';
export { claimPolicyPresets, changeRequestPolicyPresets } from './preset-claims-and-changes';
export { entitlementPresets } from './preset-entitlements';
export { creditTables } from './credit-tables';

/**
 * The spec with the given holidays added to its own. Holidays that share a
 * date (Nowruz and a lunar holiday, say) become one entry naming both.
 */
export function withHolidays(spec: CalendarSpec, holidays: readonly { date: string; name: string }[]): CalendarSpec {
  const namesByDate = new Map<string, string[]>();
  for (const { date, name } of [...spec.holidays, ...holidays]) {
    const names = namesByDate.get(date) ?? [];
    if (!names.includes(name)) names.push(name);
    namesByDate.set(date, names);
  }
  const merged = [...namesByDate].map(([date, names]) => ({ date, name: names.join('، ') }));
  return { ...spec, holidays: merged.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)) };
}

function isPresetKey(key: string): key is PolicyPresetKey {
  return Object.prototype.hasOwnProperty.call(ticketPolicyPresets, key);
}

export const presetPolicies: PolicyLookup = {
  ticketPolicy: (key) => (isPresetKey(key) ? ticketPolicyPresets[key] : undefined),
  claimPolicy: (key) => (isPresetKey(key) ? claimPolicyPresets[key] : undefined),
  entitlements: (key) => (isPresetKey(key) ? entitlementPresets[key] : undefined),
};
