import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useUser } from '../auth/session';
import { SelectField, TextField } from '../common/Field';
import { Loaded, More } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { TicketTable, type TicketColumn, type TicketSummary } from './TicketTable';
import { useTicketPages, type TicketQuery } from './useTicketPages';

type Filter = 'all' | 'mine' | 'unassigned' | 'atRisk';

const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
const COLUMNS: TicketColumn[] = ['subject', 'priority', 'status', 'assignee', 'openedAt', 'remaining'];

/** The ticket queue (staff) or a customer's own tickets; each open one with its next deadline ticking. */
export function TicketsPage() {
  const { t } = useLocale();
  const user = useUser();
  const [filter, setFilter] = useState<Filter>('all');
  const [priority, setPriority] = useState<string>('');
  const [status, setStatus] = useState<string>('');
  const [search, setSearch] = useState('');
  const query: TicketQuery = {
    ...(filter === 'atRisk' && { atRisk: 'true' as const }),
    ...(priority && { priority: priority as (typeof PRIORITIES)[number] }),
    ...(status && { status: status as NonNullable<TicketQuery['status']> }),
  };
  const { pages, items } = useTicketPages('list', query, 15_000);
  const isCustomer = user.role === 'customer';
  return (
    <>
      <h1>{isCustomer ? t.nav.portal : t.nav.tickets}</h1>
      {isCustomer && (
        <p>
          <Link className="button primary" to="/tickets/new">
            {t.ticket.newTicket}
          </Link>
        </p>
      )}
      <div className="filters" role="search">
        {!isCustomer && (
          <SelectField
            label={t.filters.queue}
            value={filter}
            onChange={setFilter}
            choices={(['all', 'mine', 'unassigned', 'atRisk'] as const).map((f) => ({ value: f, label: t.filters[f] }))}
          />
        )}
        <SelectField
          label={t.ticket.priority}
          value={priority}
          onChange={setPriority}
          choices={[
            { value: '', label: t.filters.all },
            ...PRIORITIES.map((p) => ({ value: p, label: t.priorities[p] })),
          ]}
        />
        <SelectField
          label={t.ticket.status}
          value={status}
          onChange={setStatus}
          choices={[
            { value: '', label: t.filters.all },
            ...Object.keys(t.ticket.statuses).map((s) => ({ value: s, label: t.ticket.statuses[s] })),
          ]}
        />
        <TextField label={t.filters.search} type="search" value={search} onChange={setSearch} />
      </div>
      <Loaded query={pages}>
        {() => (
          <>
            <FilteredTickets tickets={items} filter={filter} search={search} me={user.id} />
            <More
              shown={items.length}
              hasMore={pages.hasNextPage}
              loading={pages.isFetchingNextPage}
              onMore={() => void pages.fetchNextPage()}
            />
          </>
        )}
      </Loaded>
    </>
  );
}

function FilteredTickets({
  tickets,
  filter,
  search,
  me,
}: {
  tickets: TicketSummary[];
  filter: Filter;
  search: string;
  me: string;
}) {
  const { t } = useLocale();
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
  return <TicketTable tickets={shown} columns={COLUMNS} rowTestId="ticket-row" />;
}
