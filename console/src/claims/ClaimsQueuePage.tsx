import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { Countdown } from '../clock/Countdown';
import { DataTable } from '../common/DataTable';
import { Loaded } from '../common/Status';
import { useLocale } from '../i18n/locale';

/** QA's queue: undecided claims, the decision that falls due first on top. */
export function ClaimsQueuePage() {
  const { t, dateTime } = useLocale();
  const queue = useQuery({
    queryKey: ['claims', 'queue'],
    refetchInterval: 15_000,
    queryFn: async () => {
      const page = await unwrap(api.GET('/v1/qa/claims', { params: { query: { limit: 100 } } }));
      return [...page.items].sort(
        (a, b) => Date.parse(a.deadlines.decisionDueAt) - Date.parse(b.deadlines.decisionDueAt),
      );
    },
  });
  return (
    <>
      <h1>{t.claims.title}</h1>
      <Loaded query={queue}>
        {(claims) => (
          <DataTable
            empty
            rows={claims}
            rowKey={(claim) => claim.id}
            rowTestId="claim-row"
            columns={[
              { header: '#', cell: (claim) => <Link to={`/claims/${claim.id}`}>{claim.id.slice(0, 8)}</Link> },
              { header: t.claims.kind, cell: (claim) => t.claims.kinds[claim.kind] ?? claim.kind },
              { header: t.ticket.openedAt, cell: (claim) => dateTime(claim.receivedAt) },
              { header: t.claims.decisionDue, cell: (claim) => dateTime(claim.deadlines.decisionDueAt) },
              { header: t.ticket.remaining, cell: (claim) => <Countdown due={claim.deadlines.decisionDueAt} /> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
