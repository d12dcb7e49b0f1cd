/**
 * Reports as CSV for spreadsheets: UTF-8 with a byte-order mark (without it Excel reads Persian
 * as mojibake), CRLF line ends and RFC 4180 quoting.
 */
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
