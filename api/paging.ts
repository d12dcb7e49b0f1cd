import { z } from 'zod';
import { ApiError } from './errors';

/**
 * Keyset paging: the cursor is the last row's (createdAt, id), so a page never repeats or skips
 * a row while rows are added. Cursors are opaque to clients and strictly parsed: only the exact
 * text this API gives out (a canonical ISO instant between 1970 and 2199, a `|`, a lower-case
 * UUID, in unpadded base64url) is accepted; anything else is a 400 naming `query.cursor`, never
 * a query that PostgreSQL would refuse.
 */
export interface CursorPosition {
  at: Date;
  id: string;
}

const CURSOR_TEXT =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const BASE64URL = /^[A-Za-z0-9_-]{1,200}$/;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(2200, 0, 1);
export const CURSOR_REASON = 'not a cursor this API gave out';

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

/** The position a cursor names; 400 naming `field` for anything this API did not give out. */
export function decodeCursor(cursor: string, field = 'query.cursor'): CursorPosition {
  const refuse = () =>
    new ApiError('validation_failed', `${field}: ${CURSOR_REASON}`, {
      invalidFields: [{ field, reason: CURSOR_REASON }],
    });
  if (!BASE64URL.test(cursor)) throw refuse();
  const match = CURSOR_TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw refuse();
  const at = new Date(match[1]!);
  const ms = at.getTime();
  // A date such as 2026-02-31 parses to another day; the round trip catches it.
  if (Number.isNaN(ms) || ms < EARLIEST || ms >= LATEST || at.toISOString() !== match[1]) throw refuse();
  const id = match[2]!;
  if (!z.uuid().safeParse(id).success || encodeCursor({ createdAt: at, id }) !== cursor) throw refuse();
  return { at, id };
}

type AfterCursor = { OR?: ({ createdAt: { gt: Date } } | { createdAt: Date; id: { gt: string } })[] };
type BeforeCursor = { OR?: ({ createdAt: { lt: Date } } | { createdAt: Date; id: { lt: string } })[] };

/** Rows after the cursor, oldest first. */
export function afterCursor(cursor: string | undefined): AfterCursor {
  if (!cursor) return {};
  const { at, id } = decodeCursor(cursor);
  return { OR: [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: id } }] };
}

/** Rows after the cursor, newest first. */
export function beforeCursor(cursor: string | undefined): BeforeCursor {
  if (!cursor) return {};
  const { at, id } = decodeCursor(cursor);
  return { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] };
}

export const oldestFirst = (): [{ createdAt: 'asc' }, { id: 'asc' }] => [{ createdAt: 'asc' }, { id: 'asc' }];

/** Fetch `limit + 1` rows; the extra one only tells that there is a next page. */
export function paged<T extends { createdAt: Date; id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}
