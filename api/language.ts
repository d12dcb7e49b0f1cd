/**
 * The language of an answer: what the caller's `Accept-Language` prefers among the two Pasban
 * speaks, else Persian for customers (Pasban's customers read Persian) and English for staff and
 * machines (the API's documented language). Codes, types and field names never change with it.
 */
export const LANGUAGES = ['fa', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The supported language the header ranks highest (`fa-IR` counts as `fa`), or null when it names none (absent, `*`). */
export function preferredLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...params] = entry.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { primary: tag.trim().toLowerCase().split('-')[0]!, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  const found = ranked.find((entry) => (LANGUAGES as readonly string[]).includes(entry.primary));
  return (found?.primary as Language | undefined) ?? null;
}

export function languageFor(header: string | undefined, principal?: { role: string }): Language {
  return preferredLanguage(header) ?? (principal?.role === 'customer' ? 'fa' : 'en');
}
