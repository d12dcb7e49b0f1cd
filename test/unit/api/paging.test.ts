import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../../../api/paging';
import { ApiError } from '../../../api/errors';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const refusal = (cursor: string) => {
  try {
    decodeCursor(cursor);
  } catch (error) {
    return error instanceof ApiError ? { status: error.status, fields: error.extra.invalidFields } : error;
  }
  return 'accepted';
};
const REFUSED = { status: 400, fields: [{ field: 'query.cursor', reason: 'not a cursor this API gave out' }] };

describe('cursors', () => {
  it('read back exactly the position they were made from', () => {
    const row = { createdAt: new Date('2026-11-22T10:30:00.123Z'), id: randomUUID() };
    expect(decodeCursor(encodeCursor(row))).toEqual({ at: row.createdAt, id: row.id });
  });

  it.each([
    ['a year PostgreSQL cannot store', `-000001-01-01T00:00:00.000Z|${randomUUID()}`],
    ['year 0', `0000-01-01T00:00:00.000Z|${randomUUID()}`],
    ['a year past 2199', `+275760-09-13T00:00:00.000Z|${randomUUID()}`],
    ['year 2200', `2200-01-01T00:00:00.000Z|${randomUUID()}`],
    ['before 1970', `1969-12-31T23:59:59.999Z|${randomUUID()}`],
    ['a day that does not exist', `2026-02-31T00:00:00.000Z|${randomUUID()}`],
    ['a date without milliseconds', `2026-11-22T10:30:00Z|${randomUUID()}`],
    ['an offset instead of Z', `2026-11-22T10:30:00.000+03:30|${randomUUID()}`],
    ['a bare date', `2026-11-22|${randomUUID()}`],
    ['no id', '2026-11-22T10:30:00.000Z|'],
    ['an id that is no UUID', '2026-11-22T10:30:00.000Z|1 OR 1=1'],
    ['an upper-case UUID', `2026-11-22T10:30:00.000Z|${randomUUID().toUpperCase()}`],
    ['a third part', `2026-11-22T10:30:00.000Z|${randomUUID()}|x`],
    ['NUL', `2026-11-22T10:30:00.000Z\u0000|${randomUUID()}`],
  ])('refuse %s with a 400 naming query.cursor', (_name, text) => {
    expect(refusal(b64(text))).toEqual(REFUSED);
  });

  it.each([
    ['not base64url at all', 'not a cursor!'],
    ['padded base64', `${Buffer.from(`2026-11-22T10:30:00.000Z|${randomUUID()}`).toString('base64')}==`],
    ['the empty string', ''],
    ['very long', 'A'.repeat(1000)],
  ])('refuse %s', (_name, cursor) => {
    expect(refusal(cursor)).toEqual(REFUSED);
  });
});
