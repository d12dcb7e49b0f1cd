import type { ReactNode } from 'react';
import { useLocale } from '../i18n/locale';

/** One column of a DataTable: its heading and what a row shows in it. */
export interface Column<T> {
  /** Stable React key of the column; the heading when it is a plain string. */
  key?: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The cell names its row for screen readers (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Identifiers, keys and Latin codes read left to right inside the right-to-left page. */
  ltr?: boolean;
}

/**
 * Rows as an accessible table, the same markup on every page: headings with `scope`, an optional
 * caption, a test id per table and per row; `empty` (when given) stands in for a table of no rows.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  caption,
  testId,
  rowTestId,
  empty,
}: {
  rows: readonly T[];
  columns: readonly (Column<T> | false | null | undefined)[];
  rowKey: (row: T) => string;
  caption?: ReactNode;
  testId?: string;
  rowTestId?: string | ((row: T) => string);
  empty?: ReactNode;
}) {
  const { t } = useLocale();
  if (rows.length === 0 && empty !== undefined) return <p>{empty === true ? t.empty : empty}</p>;
  const shown = columns.filter((column): column is Column<T> => Boolean(column));
  const keyOf = (column: Column<T>, index: number) =>
    column.key ?? (typeof column.header === 'string' ? column.header : String(index));
  return (
    <table data-testid={testId}>
      {caption && <caption>{caption}</caption>}
      <thead>
        <tr>
          {shown.map((column, index) => (
            <th key={keyOf(column, index)} scope="col">
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} data-testid={typeof rowTestId === 'function' ? rowTestId(row) : rowTestId}>
            {shown.map((column, index) => {
              const Cell = column.rowHeader ? 'th' : 'td';
              return (
                <Cell
                  key={keyOf(column, index)}
                  scope={column.rowHeader ? 'row' : undefined}
                  dir={column.ltr ? 'ltr' : undefined}
                >
                  {column.cell(row)}
                </Cell>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
