import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type ApiResponse } from '../api/client';
import { Countdown } from '../clock/Countdown';
import { Loaded, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';

type TicketSummary = ApiResponse<'/v1/tickets'>['items'][number];
type Notice = ApiResponse<'/v1/notifications'>['items'][number];

const OPEN = new Set(['new', 'in_progress', 'waiting_on_customer']);
/** Polling stands in for a push channel: the lists are small and the API answers them from indexed columns. */
const REFRESH_MS = 15_000;

/** Open tickets at risk (next deadline within the hour) and breached ones, what falls due first on top. */
function useAtRiskTickets() {
  return useQuery({
    queryKey: ['tickets', 'now'],
    refetchInterval: REFRESH_MS,
    queryFn: async () => {
      const [atRisk, breached] = await Promise.all([
        unwrap(api.GET('/v1/tickets', { params: { query: { atRisk: 'true', limit: 100 } } })),
        unwrap(api.GET('/v1/tickets', { params: { query: { breached: 'true', limit: 100 } } })),
      ]);
      const byId = new Map<string, TicketSummary>();
      for (const ticket of [...atRisk.items, ...breached.items]) if (OPEN.has(ticket.status)) byId.set(ticket.id, ticket);
      const due = (t: TicketSummary) => (t.nextDeadlineAt ? Date.parse(t.nextDeadlineAt) : Number.POSITIVE_INFINITY);
      return [...byId.values()].sort((a, b) => due(a) - due(b));
    },
  });
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
          <Loaded query={tickets}>{(items) => <AtRiskTable tickets={items} />}</Loaded>
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

function AtRiskTable({ tickets }: { tickets: TicketSummary[] }) {
  const { t, dateTime } = useLocale();
  if (tickets.length === 0) return <p>{t.empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.ticket.subject}</th>
          <th scope="col">{t.ticket.priority}</th>
          <th scope="col">{t.ticket.due}</th>
          <th scope="col">{t.ticket.remaining}</th>
        </tr>
      </thead>
      <tbody>
        {tickets.map((ticket) => (
          <tr key={ticket.id} data-testid="at-risk-ticket">
            <td>
              <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link>{' '}
              {ticket.breached && <span className="badge breached">{t.ticket.breached}</span>}
            </td>
            <td>{t.priorities[ticket.priority] ?? ticket.priority}</td>
            <td>{ticket.nextDeadlineAt ? dateTime(ticket.nextDeadlineAt) : '—'}</td>
            <td>{ticket.nextDeadlineAt ? <Countdown due={ticket.nextDeadlineAt} /> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
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
