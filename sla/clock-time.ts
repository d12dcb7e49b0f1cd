/** "HH:MM" wall-clock times inside one local day; "24:00" is the next midnight. */

export const MINUTES_PER_DAY = 1440;

/** Minutes after midnight, or null when the text is not a valid clock time. */
export function parseClockTime(text: string): number | null {
  if (text === '24:00') return MINUTES_PER_DAY;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}
