import { z } from 'zod';
import { ApiError } from './errors';

/**
 * Keyset paging, oldest first: the cursor is the last row's (createdAt, id), so a page never
 * repeats or skips a row while rows are added.
 */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

type AfterCursor = { OR?: ({ createdAt: { gt: Date } } | { createdAt: Date; id: { gt: string } })[] };

export function afterCursor(cursor: string | undefined): AfterCursor {
  if (!cursor) return {};
  const [at = '', id = ''] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success) {
    throw new ApiError('validation_failed', 'query.cursor: not a cursor this API gave out', {
      invalidFields: [{ field: 'query.cursor', reason: 'not a cursor this API gave out' }],
    });
  }
  return { OR: [{ createdAt: { gt: createdAt } }, { createdAt, id: { gt: id } }] };
}

export const oldestFirst = (): [{ createdAt: 'asc' }, { id: 'asc' }] => [{ createdAt: 'asc' }, { id: 'asc' }];

/** Fetch `limit + 1` rows; the extra one only tells that there is a next page. */
export function paged<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}
