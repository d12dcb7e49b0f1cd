import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap, type paths } from '../api/client';
import type { TicketSummary } from './TicketTable';

export type TicketQuery = NonNullable<paths['/v1/tickets']['get']['parameters']['query']>;

/** A page is what the API answers at most (100); the console asks for more only when the user does. */
export const PAGE_SIZE = 100;

/**
 * GET /v1/tickets a page at a time, following the API's cursor. One definition for the page's hook
 * and for the prefetch that starts before the session check answers (prefetch.ts): same key, same
 * request, so the page finds the request already under way.
 */
export function ticketPagesOptions(key: string, query: TicketQuery, refetchInterval: number) {
  return infiniteQueryOptions({
    queryKey: ['tickets', key, query],
    refetchInterval,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { nextCursor: string | null }) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/v1/tickets', {
          params: { query: { ...query, limit: PAGE_SIZE, ...(pageParam && { cursor: pageParam }) } },
        }),
      ),
  });
}

/** The first page renders at once, the next one loads on "more". The list may run to thousands; the page never asks for all of them. */
export function useTicketPages(key: string, query: TicketQuery, refetchInterval: number) {
  const pages = useInfiniteQuery(ticketPagesOptions(key, query, refetchInterval));
  const items: TicketSummary[] = pages.data?.pages.flatMap((page) => page.items) ?? [];
  return { pages, items };
}
