/** Rounding as every report shows figures: minutes to 0.1, percentages to 0.01. */
export const round = (value: number | null, places = 1): number | null =>
  value === null ? null : Math.round(value * 10 ** places) / 10 ** places;

/** part / whole as a percentage with two decimals; null when there is no whole. */
export const percent = (part: number, whole: number): number | null =>
  whole === 0 ? null : round((100 * part) / whole, 2);

/** The median and 90th percentile PostgreSQL computed, as shown. */
export const spread = (median: number | null, p90: number | null) => ({ median: round(median), p90: round(p90) });
