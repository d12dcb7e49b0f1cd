import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type ApiResponse, type paths } from '../api/client';
import { useUser } from '../auth/session';
import { Countdown } from '../clock/Countdown';
import { Loaded } from '../common/Status';
import { useLocale } from '../i18n/locale';

type TicketSummary = ApiResponse<'/v1/tickets'>['items'][number];
type Query = NonNullable<paths['/v1/tickets']['get']['parameters']['query']>;
type Filter = 'all' | 'mine' | 'unassigned' | 'atRisk';

const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
const OPEN_STATUSES = ['new', 'in_progress', 'waiting_on_customer'] as const;

/** The ticket queue (staff) or a customer's own tickets; each open one with its next deadline ticking. */
export function TicketsPage() {
  const { t } = useLocale();
  const user = useUser();
  const [filter, setFilter] = useState<Filter>('all');
  const [priority, setPriority] = useState<string>('');
  const [status, setStatus] = useState<string>('');
  const [search, setSearch] = useState('');
  const query: Query = {
    limit: 100,
    ...(filter === 'atRisk' && { atRisk: 'true' as const }),
    ...(priority && { priority: priority as (typeof PRIORITIES)[number] }),
    ...(status && { status: status as NonNullable<Query['status']> }),
  };
  const tickets = useQuery({
    queryKey: ['tickets', 'list', query],
    refetchInterval: 15_000,
    queryFn: () => unwrap(api.GET('/v1/tickets', { params: { query } })),
  });
  const isCustomer = user.role === 'customer';
  return (
    <>
      <h1>{isCustomer ? t.nav.portal : t.nav.tickets}</h1>
      <div className="filters" role="search">
        {!isCustomer && (
          <label>
            {t.filters.all}
            <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
              {(['all', 'mine', 'unassigned', 'atRisk'] as const).map((f) => (
                <option key={f} value={f}>
                  {t.filters[f]}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t.ticket.priority}
          <select value={priority} onChange={(e) => setPriority(e.target.value)}>
            <option value="">{t.filters.all}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t.priorities[p]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.ticket.status}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t.filters.all}</option>
            {Object.keys(t.ticket.statuses).map((s) => (
              <option key={s} value={s}>
                {t.ticket.statuses[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.filters.search}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </div>
      <Loaded query={tickets}>{(page) => <TicketTable tickets={page.items} filter={filter} search={search} me={user.name} />}</Loaded>
    </>
  );
}

function TicketTable({ tickets, filter, search, me }: { tickets: TicketSummary[]; filter: Filter; search: string; me: string }) {
  const { t, dateTime } = useLocale();
  // "Mine", "unassigned" and text search narrow the page the API answered (its filters for them come with issue 15).
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return tickets.filter(
      (ticket) =>
        (filter !== 'mine' || ticket.assignee === me) &&
        (filter !== 'unassigned' || ticket.assignee === null) &&
        (needle === '' || ticket.subject.toLowerCase().includes(needle)),
    );
  }, [tickets, filter, search, me]);
  if (shown.length === 0) return <p>{t.empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t.ticket.subject}</th>
          <th scope="col">{t.ticket.priority}</th>
          <th scope="col">{t.ticket.status}</th>
          <th scope="col">{t.ticket.assignee}</th>
          <th scope="col">{t.ticket.openedAt}</th>
          <th scope="col">{t.ticket.remaining}</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((ticket) => (
          <tr key={ticket.id} data-testid="ticket-row">
            <td>
              <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link> {ticket.breached && <span className="badge breached">{t.ticket.breached}</span>}
            </td>
            <td>{t.priorities[ticket.priority] ?? ticket.priority}</td>
            <td>{t.ticket.statuses[ticket.status] ?? ticket.status}</td>
            <td>{ticket.assignee ?? '—'}</td>
            <td>{dateTime(ticket.openedAt)}</td>
            <td>{ticket.nextDeadlineAt && (OPEN_STATUSES as readonly string[]).includes(ticket.status) ? <Countdown due={ticket.nextDeadlineAt} /> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
