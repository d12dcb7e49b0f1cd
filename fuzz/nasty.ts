import zlib from 'node:zlib';

/**
 * Hostile input the fuzzer mixes into requests: Persian-text edge cases, absurd dates and
 * durations, wrong types, and transport-level abuse.
 */

/** Strings a Persian-first service meets in the wild, and a few it never should. */
export const NASTY_STRINGS: { name: string; value: string }[] = [
  { name: 'zwnj', value: 'می\u200cخواهم تیکت\u200cها را ببینم' },
  { name: 'persian-digits', value: 'سفارش ۱۴۰۵/۰۸/۲۵ شماره ۱۲۳۴۵' },
  { name: 'arabic-indic-digits', value: 'طلب ١٢٣٤٥ ريال' },
  { name: 'arabic-yeh-kaf', value: 'كيك يي \u0643\u064a' },
  { name: 'persian-yeh-kaf', value: 'کیک یی \u06a9\u06cc' },
  { name: 'rlm-lrm', value: '\u200fسلام\u200e hello \u200f' },
  { name: 'rtl-override', value: 'invoice\u202Efdp.exe' },
  { name: 'bidi-embeddings', value: '\u202Bمتن\u202C \u202Aleft\u202C \u2066iso\u2069' },
  { name: 'combining-marks', value: 'e\u0301\u0302\u0303\u0304\u0305 زَ\u0650\u0651\u0652' },
  { name: 'emoji-zwj', value: '👨‍👩‍👧‍👦 🏳️‍🌈 🧑🏽‍💻' },
  { name: 'nul', value: 'before\u0000after' },
  { name: 'only-nul', value: '\u0000' },
  { name: 'lone-high-surrogate', value: 'a\ud800b' },
  { name: 'lone-low-surrogate', value: '\udfff' },
  { name: 'bom', value: '\ufeffمتن با BOM' },
  { name: 'noncharacters', value: '\uffff\ufffe\u{10ffff}' },
  { name: 'tag-chars', value: 'x\u{e0001}\u{e0041}' },
  { name: 'line-separators', value: 'a\u2028b\u2029c\r\nd\te' },
  { name: 'control-chars', value: '\u0001\u0007\u001b[31mred\u001b[0m\u007f' },
  { name: 'whitespace-only', value: ' \t\u00a0\u200c ' },
  { name: 'empty', value: '' },
  { name: 'html', value: '<script>alert("پاسبان")</script>' },
  { name: 'sql', value: "'; DROP TABLE tickets; --" },
  { name: 'format-string', value: '%s%n%x${jndi:ldap://x}{{7*7}}' },
  { name: 'path-traversal', value: '../../../etc/passwd' },
  { name: 'long-line', value: 'ی'.repeat(20_000) },
  { name: 'long-ascii', value: 'x'.repeat(60_000) },
];

/** Dates and instants nobody means. */
export const ABSURD_DATES: string[] = [
  '99999-01-01T00:00:00Z',
  '+275760-09-13T00:00:01Z',
  '-000001-01-01T00:00:00Z',
  '0000-00-00',
  '0000-00-00T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '0000-01-01',
  '9999-12-31',
  '1969-12-31T23:59:59Z',
  '9999-12-31T23:59:59+14:00',
  '2026-13-45',
  '2026-13-45T10:00:00+03:30',
  '2026-02-30',
  '2026-02-30T10:00:00Z',
  '2026-11-22T25:61:61+03:30',
  '2026-11-22T10:00:00+99:99',
  '2026-11-22T10:00:00',
  '2026-11-22 10:00:00+03:30',
  '۲۰۲۶-۱۱-۲۲T۱۰:۰۰:۰۰+۰۳:۳۰',
  '۱۴۰۵-۰۹-۰۱',
  '1405-09-01',
  '٢٠٢٦-١١-٢٢',
  'now',
  'yesterday',
  '',
  '1e400',
  '2026-11-22T10:00:00.123456789123456789Z',
  '2026-11-22\u0000',
];

/** Durations and amounts beyond any plan. */
export const ABSURD_NUMBERS: number[] = [-1, -0.5, -1e9, 0, 1e9, 1e12, 1e15, 2 ** 53 + 2, 1e300, -1e300, 0.000001, 1.5];

/** Numbers written with Persian or Arabic-Indic digits. */
export const FOREIGN_DIGIT_NUMBERS: string[] = ['۱۲۳', '١٢٣', '۱۰۰۰۰۰۰۰', '۰', '-۵', '1۲3', '１２３'];

/** Values of every JSON type, for type confusion. */
export const ANY_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  'x',
  '',
  [],
  [1, 'a'],
  {},
  { nested: { deeper: [null] } },
  '123',
  'true',
  'null',
];

/** Extra field names, including ones with meaning elsewhere. */
export const EXTRA_FIELDS = [
  'fuzzExtra',
  '__proto__',
  'constructor',
  'id',
  'createdAt',
  'role',
  'isAdmin',
  'پاسبان',
  '',
  'customerId ',
  'PRIORITY',
];

/** Path-segment values that are not ids, some written raw (already percent-encoded). */
export const BAD_PATH_VALUES: { value: string; raw?: boolean }[] = [
  { value: 'not-a-uuid' },
  { value: '00000000-0000-0000-0000-00000000000g' },
  { value: '6F9619FF-8B86-D011-B42D-00C04FC964FF' },
  { value: '۱۲۳۴' },
  { value: 'x'.repeat(300) },
  { value: ' ' },
  { value: '%', raw: true },
  { value: '%zz', raw: true },
  { value: '%00', raw: true },
  { value: '%ED%A0%80', raw: true },
  { value: '%C0%AF', raw: true },
  { value: '%FF%FE', raw: true },
  { value: 'a%2Fb', raw: true },
  { value: 'null' },
  { value: '\u202Eabc' },
];

/** Query-string values to try in place of a valid one. */
export const BAD_QUERY_VALUES: { value: string | string[]; raw?: boolean }[] = [
  { value: '' },
  { value: ['a', 'b'] },
  { value: '-1' },
  { value: '0' },
  { value: '1e9' },
  { value: '۵۰' },
  { value: 'true ' },
  { value: 'NaN' },
  { value: '9'.repeat(400) },
  { value: '%', raw: true },
  { value: '%ED%A0%80', raw: true },
  { value: '%00', raw: true },
  { value: 'x'.repeat(5000) },
  { value: '2026-13-45' },
  { value: '99999-01' },
];

/** Cursors the API never gave out: out-of-range years (once a PostgreSQL 500), impossible days, not base64url. */
const cursorOf = (text: string) => Buffer.from(text).toString('base64url');
export const BAD_CURSORS: string[] = [
  cursorOf('-000001-01-01T00:00:00.000Z|2f1c8a4e-8d1b-4c55-9a51-0e8f3c5d7b21'),
  cursorOf('+275760-09-13T00:00:00.000Z|2f1c8a4e-8d1b-4c55-9a51-0e8f3c5d7b21'),
  cursorOf('0000-01-01T00:00:00.000Z|2f1c8a4e-8d1b-4c55-9a51-0e8f3c5d7b21'),
  cursorOf('2026-02-31T00:00:00.000Z|2f1c8a4e-8d1b-4c55-9a51-0e8f3c5d7b21'),
  cursorOf('2026-11-22T10:30:00.000Z|not-a-uuid'),
  cursorOf("2026-11-22T10:30:00.000Z|' OR 1=1 --"),
  'not a cursor',
  '%%%',
  'x'.repeat(199),
];

/** Compressed bodies, whole and broken: the API takes identity only (415 for the rest). */
export const CONTENT_ENCODINGS: { name: string; encoding: string; encode: (json: string) => Uint8Array | string }[] = [
  { name: 'gzip', encoding: 'gzip', encode: (json) => zlib.gzipSync(json) },
  { name: 'gzip-truncated', encoding: 'gzip', encode: (json) => zlib.gzipSync(json).subarray(0, 10) },
  { name: 'gzip-garbage', encoding: 'gzip', encode: () => Buffer.from('not gzip at all') },
  { name: 'deflate-garbage', encoding: 'deflate', encode: () => Buffer.from([0x78, 0x9c, 0xff, 0xff]) },
  { name: 'br-garbage', encoding: 'br', encode: () => Buffer.from([0xff, 0xff, 0xff]) },
  { name: 'br', encoding: 'br', encode: (json) => zlib.brotliCompressSync(json) },
  { name: 'x-gzip', encoding: 'x-gzip', encode: (json) => zlib.gzipSync(json) },
  { name: 'zstd', encoding: 'zstd', encode: (json) => json },
  { name: 'chain', encoding: 'gzip, identity', encode: (json) => zlib.gzipSync(json) },
];

export const BAD_IDEMPOTENCY_KEYS = ['', ' ', 'a'.repeat(300), 'has space', 'semi;colon', 'é', '\t'];
export const BAD_REQUEST_IDS = ['', 'x'.repeat(200), 'has space', '<script>', 'é'];

/** Encodes a string for a URL even when it holds lone surrogates (as their WTF-8 bytes). */
export function encodeLoose(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const unit = value.charCodeAt(i);
      const next = value.charCodeAt(i + 1);
      if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += encodeURIComponent(value.slice(i, i + 2));
        i++;
      } else if (unit >= 0xd800 && unit <= 0xdfff) {
        out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      } else out += encodeURIComponent(value[i]!);
    }
    return out;
  }
}
