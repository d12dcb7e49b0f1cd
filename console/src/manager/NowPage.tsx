import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type ApiResponse } from '../api/client';
import { Loaded, More, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { AssignBox } from '../tickets/AssignBox';
import { OPEN_STATUSES, TicketTable, type TicketColumn, type TicketSummary } from '../tickets/TicketTable';
import { ticketPagesOptions, useTicketPages } from '../tickets/useTicketPages';

type Notice = ApiResponse<'/v1/notifications'>['items'][number];

const COLUMNS: TicketColumn[] = ['subject', 'priority', 'due', 'remaining'];
/** Polling stands in for a push channel: the lists are small and the API answers them from indexed columns. */
const REFRESH_MS = 15_000;

const AT_RISK = { atRisk: 'true', order: 'due' } as const;
const BREACHED = { breached: 'true', order: 'due' } as const;

const inboxOptions = queryOptions({
  queryKey: ['notifications', 'unread'],
  refetchInterval: REFRESH_MS,
  queryFn: () => unwrap(api.GET('/v1/notifications', { params: { query: { unread: 'true', limit: 50 } } })),
});

/** What /now asks the API for: prefetch.ts starts these while the session check is still under way. */
export const nowQueries = {
  atRisk: ticketPagesOptions('at-risk', AT_RISK, REFRESH_MS),
  breached: ticketPagesOptions('breached', BREACHED, REFRESH_MS),
  inbox: inboxOptions,
};

/**
 * Open tickets at risk (next deadline within the hour) and breached ones, what falls due first on
 * top: both lists come from the API next deadline first, a page of each at a time, so at thousands
 * of open tickets the first screen is still one page of each.
 */
function useAtRiskTickets() {
  const atRisk = useTicketPages('at-risk', AT_RISK, REFRESH_MS);
  const breached = useTicketPages('breached', BREACHED, REFRESH_MS);
  return { atRisk, breached };
}

export function NowPage() {
  const { t } = useLocale();
  const tickets = useAtRiskTickets();
  const inbox = useQuery(inboxOptions);
  return (
    <>
      <h1>{t.now.title}</h1>
      <div className="grid-2">
        <section aria-labelledby="at-risk">
          <h2 id="at-risk">{t.now.atRisk}</h2>
          {/* Whichever list answers first is shown at once; the other joins it, in due order, when it answers. */}
          <Loaded query={tickets.atRisk.pages.isPending ? tickets.breached.pages : tickets.atRisk.pages}>
            {() => <AtRiskTable {...tickets} />}
          </Loaded>
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
    for (const ticket of [...atRisk.items, ...breached.items])
      if (OPEN_STATUSES.includes(ticket.status)) byId.set(ticket.id, ticket);
    const due = (ticket: TicketSummary) =>
      ticket.nextDeadlineAt ? Date.parse(ticket.nextDeadlineAt) : Number.POSITIVE_INFINITY;
    return [...byId.values()].sort((a, b) => due(a) - due(b));
  }, [atRisk.items, breached.items]);
  const hasMore = atRisk.pages.hasNextPage || breached.pages.hasNextPage;
  const more = () => {
    if (atRisk.pages.hasNextPage) void atRisk.pages.fetchNextPage();
    if (breached.pages.hasNextPage) void breached.pages.fetchNextPage();
  };
  const stillLoading = atRisk.pages.isPending || breached.pages.isPending;
  // The list that answered is on screen; the other one's failure is said under it (with its retry).
  const failed = [atRisk.pages, breached.pages].find((pages) => pages.isError);
  return (
    <>
      {tickets.length > 0 ? (
        <TicketTable tickets={tickets} columns={COLUMNS} rowTestId="at-risk-ticket" />
      ) : stillLoading ? null : (
        <p>{t.empty}</p>
      )}
      {stillLoading && <p aria-busy="true">{t.loading}</p>}
      {failed && <Loaded query={failed}>{() => null}</Loaded>}
      {tickets.length > 0 && (
        <More
          shown={tickets.length}
          hasMore={hasMore}
          loading={atRisk.pages.isFetchingNextPage || breached.pages.isFetchingNextPage}
          onMore={more}
        />
      )}
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
  const subject = subjectLink(notice.subjectRef);
  const acknowledge = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/notifications/{id}/read', { params: { path: { id: notice.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
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
        {subject?.kind === 'ticket' && <AssignBox ticketId={subject.id} />}
      </div>
      <MutationError error={acknowledge.error} />
    </li>
  );
}
