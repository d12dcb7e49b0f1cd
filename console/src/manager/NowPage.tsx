import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type ApiResponse } from '../api/client';
import { Loaded, More, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { OPEN_STATUSES, TicketTable, type TicketColumn, type TicketSummary } from '../tickets/TicketTable';
import { useTicketPages } from '../tickets/useTicketPages';

type Notice = ApiResponse<'/v1/notifications'>['items'][number];

const COLUMNS: TicketColumn[] = ['subject', 'priority', 'due', 'remaining'];
/** Polling stands in for a push channel: the lists are small and the API answers them from indexed columns. */
const REFRESH_MS = 15_000;

/**
 * Open tickets at risk (next deadline within the hour) and breached ones, what falls due first on
 * top: both lists come from the API next deadline first, a page of each at a time, so at thousands
 * of open tickets the first screen is still one page of each.
 */
function useAtRiskTickets() {
  const atRisk = useTicketPages('at-risk', { atRisk: 'true', order: 'due' }, REFRESH_MS);
  const breached = useTicketPages('breached', { breached: 'true', order: 'due' }, REFRESH_MS);
  return { atRisk, breached };
}

export function NowPage() {
  const { t } = useLocale();
  const tickets = useAtRiskTickets();
  const inbox = useQuery({
    queryKey: ['notifications', 'unread'],
    refetchInterval: REFRESH_MS,
    queryFn: () => unwrap(api.GET('/v1/notifications', { params: { query: { unread: 'true', limit: 50 } } })),
  });
  return (
    <>
      <h1>{t.now.title}</h1>
      <div className="grid-2">
        <section aria-labelledby="at-risk">
          <h2 id="at-risk">{t.now.atRisk}</h2>
          <Loaded query={tickets.atRisk.pages}>{() => <Loaded query={tickets.breached.pages}>{() => <AtRiskTable {...tickets} />}</Loaded>}</Loaded>
        </section>
        <section aria-labelledby="inbox">
          <h2 id="inbox">{t.now.inbox}</h2>
          <Loaded query={inbox}>
            {(page) =>
              page.items.length === 0 ? (
                <p>{t.empty}</p>
              ) : (
                <ul className="timeline">
                  {page.items.map((notice) => (
                    <InboxItem key={notice.id} notice={notice} />
                  ))}
                </ul>
              )
            }
          </Loaded>
        </section>
      </div>
    </>
  );
}

function AtRiskTable({ atRisk, breached }: ReturnType<typeof useAtRiskTickets>) {
  const { t } = useLocale();
  const tickets = useMemo(() => {
    const byId = new Map<string, TicketSummary>();
    for (const ticket of [...atRisk.items, ...breached.items]) if (OPEN_STATUSES.includes(ticket.status)) byId.set(ticket.id, ticket);
    const due = (ticket: TicketSummary) => (ticket.nextDeadlineAt ? Date.parse(ticket.nextDeadlineAt) : Number.POSITIVE_INFINITY);
    return [...byId.values()].sort((a, b) => due(a) - due(b));
  }, [atRisk.items, breached.items]);
  const hasMore = atRisk.pages.hasNextPage || breached.pages.hasNextPage;
  const more = () => {
    if (atRisk.pages.hasNextPage) void atRisk.pages.fetchNextPage();
    if (breached.pages.hasNextPage) void breached.pages.fetchNextPage();
  };
  if (tickets.length === 0) return <p>{t.empty}</p>;
  return (
    <>
      <TicketTable tickets={tickets} columns={COLUMNS} rowTestId="at-risk-ticket" />
      <More shown={tickets.length} hasMore={hasMore} loading={atRisk.pages.isFetchingNextPage || breached.pages.isFetchingNextPage} onMore={more} />
    </>
  );
}

/** `ticket:<id>`, `claim:<id>`: where a notice's subject lives in the console. */
function subjectLink(subjectRef: string | null): { kind: string; id: string; to: string } | null {
  const match = /^(ticket|claim):([0-9a-f-]{36})$/.exec(subjectRef ?? '');
  if (!match) return null;
  const [, kind, id] = match as unknown as [string, string, string];
  return { kind, id, to: `/${kind === 'ticket' ? 'tickets' : 'claims'}/${id}` };
}

function InboxItem({ notice }: { notice: Notice }) {
  const { t, dateTime } = useLocale();
  const queryClient = useQueryClient();
  const [assignee, setAssignee] = useState('');
  const subject = subjectLink(notice.subjectRef);
  const acknowledge = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/notifications/{id}/read', { params: { path: { id: notice.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const assign = useMutation({
    mutationFn: (ticketId: string) => unwrap(api.POST('/v1/tickets/{id}/assign', { params: { path: { id: ticketId } }, body: { assignee } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tickets'] }),
  });
  return (
    <li data-testid="inbox-item">
      <div>
        <strong>{notice.subject}</strong> · <time dateTime={notice.createdAt}>{dateTime(notice.createdAt)}</time>
      </div>
      <p>{notice.body}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => acknowledge.mutate()} disabled={acknowledge.isPending}>
          {t.now.acknowledge}
        </button>
        {subject && <Link to={subject.to}>{t.now.open}</Link>}
        {subject?.kind === 'ticket' && (
          <form
            className="actions"
            onSubmit={(event) => {
              event.preventDefault();
              assign.mutate(subject.id);
            }}
          >
            <label>
              {t.ticket.assignee}
              <input value={assignee} onChange={(e) => setAssignee(e.target.value)} required />
            </label>
            <button type="submit" disabled={assign.isPending}>
              {t.ticket.assign}
            </button>
          </form>
        )}
      </div>
      <MutationError error={acknowledge.error ?? assign.error} />
    </li>
  );
}
