/**
 * Reports as CSV for spreadsheets: UTF-8 with a byte-order mark (without it Excel reads Persian
 * as mojibake), CRLF line ends and RFC 4180 quoting.
 */
import type { z } from 'zod';
import type { periodEcho } from './period';

export type CsvCell = string | number | boolean | null;

const BOM = '\uFEFF';

function cell(value: CsvCell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: CsvCell[][]): string {
  return BOM + rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The report's name, period and filters as the first lines of its CSV, then a blank line. */
export function reportPreamble(
  name: string,
  asOf: string,
  period: z.infer<typeof periodEcho>,
  filters: Record<string, string | null>,
): CsvCell[][] {
  return [
    ['report', name],
    ['as_of', asOf],
    ['from', period.from, period.fromJalali, period.fromGregorian],
    ['to_inclusive', period.toGregorian, period.toJalali],
    ...Object.entries(filters).map(([name, value]) => [name, value]),
    [],
  ];
}
