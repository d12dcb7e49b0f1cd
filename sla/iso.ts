/**
 * The one way Pasban writes an instant in an answer, a notice or a refusal: ISO 8601 with Tehran's
 * offset at that instant, "2026-06-24T10:00:00.000+03:30" (Iran has kept +03:30 all year since 2022;
 * earlier summers read +04:30). Inputs accept `Z` and any offset; only what Pasban writes is in Tehran time.
 */
import { toTehranIso } from './jalali';

export function iso(at: Date | number): string {
  return toTehranIso(typeof at === 'number' ? at : at.getTime());
}

export function isoOrNull(at: Date | number | null | undefined): string | null {
  return at === null || at === undefined ? null : iso(at);
}
