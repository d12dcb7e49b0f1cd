/**
 * The rules for text Pasban stores and passes on to e-mail, SMS and staff screens:
 *
 * - No string anywhere in a request (body, query or path, names of fields included) may hold
 *   NUL or an unpaired UTF-16 surrogate (PostgreSQL cannot store them), other C0 or C1 control
 *   characters (ESC sequences, BEL, DEL …; tab, line feed and carriage return are allowed) or the
 *   bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069 (they disguise text,
 *   `invoice\u202Efdp.exe`). These are refused with a 400 naming the field, never silently removed.
 * - One-line fields (subjects, titles, names) also refuse line breaks (CR, LF, U+2028, U+2029).
 * - Free text is trimmed and must keep something visible: whitespace and zero-width characters
 *   alone (`\u200c`, `\u200b`, `\ufeff`) are refused as empty.
 * - Nothing else is changed: Persian text round-trips exactly, with ZWNJ (U+200C), RLM/LRM
 *   marks, Arabic ي/ك beside Persian ی/ک, combining marks and emoji sequences as sent.
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
const CONTROL_OR_BIDI = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;
/** Whitespace, and the characters that take no room: what a subject of only these shows is nothing. */
const INVISIBLE = /[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u180e]/gu;

export const UNSTORABLE_REASON = 'must not contain NUL characters or unpaired UTF-16 surrogates';
export const CONTROL_REASON =
  'must not contain control characters (other than tab and line breaks) or bidi overrides (U+202A–U+202E, U+2066–U+2069)';
export const LINE_REASON = 'must be one line: no line breaks';
export const EMPTY_REASON = 'must not be empty';

export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

/** Why a string may not be taken at all, or null: checked for every string of every request. */
export function refusedText(value: string): string | null {
  if (!isStorableText(value)) return UNSTORABLE_REASON;
  if (CONTROL_OR_BIDI.test(value)) return CONTROL_REASON;
  return null;
}

const visible = (value: string) => value.replace(INVISIBLE, '').length > 0;

/** Free text of at most `max` characters: trimmed, with something visible, allowed characters only. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, EMPTY_REASON)
    .max(max, `must be at most ${max} characters`)
    .refine((value) => value.length === 0 || visible(value), EMPTY_REASON)
    .refine((value) => refusedText(value) === null, CONTROL_REASON);

/** A subject, title or name: free text on one line. */
export const line = (max: number) => text(max).refine((value) => !LINE_BREAK.test(value), LINE_REASON);
