import type { QueryClient } from '@tanstack/react-query';
import { credentials } from './api/client';
import { API_KEY_STORAGE, SESSION_HINT_STORAGE } from './auth/session';
import { nowQueries } from './manager/NowPage';
import { ticketPagesOptions } from './tickets/useTicketPages';

/**
 * The first screen's lists, asked for in the same instant as the session check instead of after it
 * (one round trip, not two). Only when this tab holds a key or signed in with a password before:
 * a visitor's browser asks nothing it would be refused. The pages' hooks use the same query keys,
 * so they find these requests under way; a refusal here (an expired session) is dropped, the
 * session check decides what is shown.
 */
export function prefetchFirstScreen(queryClient: QueryClient, pathname: string): void {
  const key = sessionStorage.getItem(API_KEY_STORAGE);
  if (key) credentials.apiKey = key;
  else if (localStorage.getItem(SESSION_HINT_STORAGE) !== '1') return;
  if (pathname === '/now') {
    void queryClient.prefetchInfiniteQuery(nowQueries.atRisk);
    void queryClient.prefetchInfiniteQuery(nowQueries.breached);
    void queryClient.prefetchQuery(nowQueries.inbox);
  } else if (pathname === '/tickets') {
    void queryClient.prefetchInfiniteQuery(ticketPagesOptions('list', {}, 15_000));
  }
}
