import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useLocale } from '../i18n/locale';

/** Loading and error states of a query, the same on every page; renders `children(data)` once it has data. */
export function Loaded<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const { t } = useLocale();
  if (query.isPending) return <p aria-busy="true">{t.loading}</p>;
  if (query.isError) {
    return (
      <p role="alert" className="error">
        {t.error}: {query.error.message}{' '}
        <button type="button" onClick={() => void query.refetch()}>
          {t.retry}
        </button>
      </p>
    );
  }
  return <>{children(query.data)}</>;
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
