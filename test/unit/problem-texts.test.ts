import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError, errorStatus, toProblem, type ErrorCode } from '../../api/errors';
import { languageFor, preferredLanguage } from '../../api/language';
import { PROBLEM_DETAILS_FA, PROBLEM_TITLES, REASON_DETAILS_FA } from '../../api/problem-texts';

const PERSIAN = /[\u0600-\u06FF]/;
const codes = Object.keys(errorStatus) as ErrorCode[];

describe('problem texts', () => {
  it('give every problem code a title in English and Persian and a Persian detail', () => {
    for (const code of codes) {
      expect({ code, en: PROBLEM_TITLES[code]?.en }).toEqual({ code, en: expect.stringMatching(/^[A-Z][ -~]+$/) });
      expect({ code, fa: PROBLEM_TITLES[code]?.fa }).toEqual({ code, fa: expect.stringMatching(PERSIAN) });
      expect({ code, detail: PROBLEM_DETAILS_FA[code] }).toEqual({ code, detail: expect.stringMatching(PERSIAN) });
    }
    expect(Object.keys(PROBLEM_TITLES).sort()).toEqual([...codes].sort());
    expect(Object.keys(PROBLEM_DETAILS_FA).sort()).toEqual([...codes].sort());
  });

  it('say in Persian every reason the API refuses with', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );
    const api = path.join(__dirname, '..', '..', 'api');
    const reasons = new Set(
      files(api).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/reason: '([a-z_]+)'/g)].map((m) => m[1]!)),
    );
    expect(reasons.size).toBeGreaterThan(10);
    for (const reason of reasons)
      expect({ reason, fa: REASON_DETAILS_FA[reason] }).toEqual({ reason, fa: expect.stringMatching(PERSIAN) });
  });

  it('keep code, type, reason and field names, and translate title and detail', () => {
    const error = new ApiError('validation_failed', 'body.subject: must not be empty', {
      invalidFields: [{ field: 'body.subject', reason: 'must not be empty' }],
    });
    const en = toProblem(error, 'r-1', 'en');
    const fa = toProblem(error, 'r-1', 'fa');
    expect(en).toEqual({
      type: 'https://pasban.dev/problems/validation-failed',
      title: 'The request is invalid',
      status: 400,
      detail: 'body.subject: must not be empty',
      code: 'validation_failed',
      invalidFields: [{ field: 'body.subject', reason: 'must not be empty' }],
      requestId: 'r-1',
    });
    expect(fa).toEqual({
      ...en,
      title: 'درخواست نامعتبر است',
      detail: 'برخی از مقادیر درخواست نامعتبرند. (body.subject)',
      detailEn: 'body.subject: must not be empty',
    });
    const reused = toProblem(
      new ApiError('conflict', 'this Idempotency-Key was used for a different ticket', {
        reason: 'idempotency_key_reused',
      }),
      'r-2',
      'fa',
    );
    expect(reused).toMatchObject({
      code: 'conflict',
      reason: 'idempotency_key_reused',
      detail: REASON_DETAILS_FA.idempotency_key_reused,
    });
  });
});

describe('Accept-Language', () => {
  it.each([
    ['fa', 'fa'],
    ['fa-IR,fa;q=0.9,en;q=0.8', 'fa'],
    ['en-US,en;q=0.9', 'en'],
    ['de, en;q=0.5, fa;q=0.7', 'fa'],
    ['fa;q=0, en', 'en'],
    ['FA-ir', 'fa'],
    ['de', null],
    ['*', null],
    ['', null],
    [undefined, null],
    [';;,q=,fa;q=nonsense', null],
  ])('%p prefers %p', (header, expected) => {
    expect(preferredLanguage(header)).toBe(expected);
  });

  it('defaults to Persian for customers and English for staff and unknown callers', () => {
    expect(languageFor(undefined, { role: 'customer' })).toBe('fa');
    expect(languageFor('*', { role: 'customer' })).toBe('fa');
    expect(languageFor('en', { role: 'customer' })).toBe('en');
    expect(languageFor(undefined, { role: 'agent' })).toBe('en');
    expect(languageFor('fa', { role: 'manager' })).toBe('fa');
    expect(languageFor(undefined)).toBe('en');
  });
});
