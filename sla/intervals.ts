/** Half-open [start, end) spans of epoch ms, for pauses and outages. */

export interface Span {
  start: number;
  end: number;
}

/** Sorted, disjoint spans covering the same instants; touching spans join. Empty spans vanish. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((span) => span.end > span.start).sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ start: span.start, end: span.end });
  }
  return merged;
}

export function clipSpans(spans: readonly Span[], from: number, to: number): Span[] {
  return spans.map((span) => ({ start: Math.max(span.start, from), end: Math.min(span.end, to) }));
}

/** The parts of merged `spans` not covered by merged `holes`. */
export function subtractSpans(spans: readonly Span[], holes: readonly Span[]): Span[] {
  const result: Span[] = [];
  let h = 0;
  for (const span of spans) {
    let cursor = span.start;
    while (h < holes.length && holes[h]!.end <= cursor) h++;
    for (let i = h; i < holes.length && holes[i]!.start < span.end; i++) {
      if (holes[i]!.start > cursor) result.push({ start: cursor, end: holes[i]!.start });
      cursor = Math.max(cursor, holes[i]!.end);
    }
    if (cursor < span.end) result.push({ start: cursor, end: span.end });
  }
  return result;
}

export function totalLength(spans: readonly Span[]): number {
  return spans.reduce((sum, span) => sum + (span.end - span.start), 0);
}
