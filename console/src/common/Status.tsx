import type { ReactNode } from 'react';
import { useLocale } from '../i18n/locale';

/** What Loaded reads of a query or an infinite query. */
interface QueryState<T> {
  isPending: boolean;
  isError: boolean;
  error: Error | null;
  data: T | undefined;
  refetch: () => unknown;
}

/** Loading and error states of a query, the same on every page; renders `children(data)` once it has data. */
export function Loaded<T>({ query, children }: { query: QueryState<T>; children: (data: T) => ReactNode }) {
  const { t } = useLocale();
  if (query.isPending) return <p aria-busy="true">{t.loading}</p>;
  if (query.isError) {
    return (
      <p role="alert" className="error">
        {t.error}: {query.error?.message}{' '}
        <button type="button" onClick={() => void query.refetch()}>
          {t.retry}
        </button>
      </p>
    );
  }
  return <>{children(query.data as T)}</>;
}

/** A mutation's refusal, as the API worded it. */
export function MutationError({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error.message}
    </p>
  );
}

/** How many rows a paged list shows, and a button for the next page while the API has one. */
export function More({
  shown,
  hasMore,
  loading,
  onMore,
}: {
  shown: number;
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
}) {
  const { t, number } = useLocale();
  return (
    <p className="more">
      {t.showing.replace('{shown}', number(shown))}{' '}
      {hasMore && (
        <button type="button" onClick={onMore} disabled={loading}>
          {t.more}
        </button>
      )}
    </p>
  );
}
