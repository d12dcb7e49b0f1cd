import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../api/client';
import { Countdown } from '../clock/Countdown';
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
        {(claims) =>
          claims.length === 0 ? (
            <p>{t.empty}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t.claims.kind}</th>
                  <th scope="col">{t.ticket.openedAt}</th>
                  <th scope="col">{t.claims.decisionDue}</th>
                  <th scope="col">{t.ticket.remaining}</th>
                </tr>
              </thead>
              <tbody>
                {claims.map((claim) => (
                  <tr key={claim.id} data-testid="claim-row">
                    <td>
                      <Link to={`/claims/${claim.id}`}>{claim.id.slice(0, 8)}</Link>
                    </td>
                    <td>{t.claims.kinds[claim.kind] ?? claim.kind}</td>
                    <td>{dateTime(claim.receivedAt)}</td>
                    <td>{dateTime(claim.deadlines.decisionDueAt)}</td>
                    <td>
                      <Countdown due={claim.deadlines.decisionDueAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </>
  );
}
