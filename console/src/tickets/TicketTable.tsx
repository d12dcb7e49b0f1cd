import { Link } from 'react-router';
import type { ApiResponse } from '../api/client';
import { Countdown } from '../clock/Countdown';
import { DataTable } from '../common/DataTable';
import { useLocale } from '../i18n/locale';

export type TicketSummary = ApiResponse<'/v1/tickets'>['items'][number];

/** The columns a ticket list can show; every list of tickets in the console is this one table. */
export type TicketColumn = 'subject' | 'priority' | 'status' | 'assignee' | 'openedAt' | 'due' | 'remaining';

export const OPEN_STATUSES: readonly string[] = ['new', 'in_progress', 'waiting_on_customer'];

/** Tickets as rows: the subject links to the ticket, breached ones are marked, open ones tick down to their next deadline. */
export function TicketTable({
  tickets,
  columns,
  rowTestId,
}: {
  tickets: TicketSummary[];
  columns: readonly TicketColumn[];
  rowTestId: string;
}) {
  const { t } = useLocale();
  const headings: Record<TicketColumn, string> = {
    subject: t.ticket.subject,
    priority: t.ticket.priority,
    status: t.ticket.status,
    assignee: t.ticket.assignee,
    openedAt: t.ticket.openedAt,
    due: t.ticket.due,
    remaining: t.ticket.remaining,
  };
  return (
    <DataTable
      rows={tickets}
      rowKey={(ticket) => ticket.id}
      rowTestId={rowTestId}
      columns={columns.map((column) => ({
        key: column,
        header: headings[column],
        cell: (ticket: TicketSummary) => <Cell ticket={ticket} column={column} />,
      }))}
    />
  );
}

function Cell({ ticket, column }: { ticket: TicketSummary; column: TicketColumn }) {
  const { t, dateTime } = useLocale();
  const open = OPEN_STATUSES.includes(ticket.status);
  switch (column) {
    case 'subject':
      return (
        <>
          <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link>{' '}
          {ticket.breached && <span className="badge breached">{t.ticket.breached}</span>}
        </>
      );
    case 'priority':
      return <>{t.priorities[ticket.priority] ?? ticket.priority}</>;
    case 'status':
      return <>{t.ticket.statuses[ticket.status] ?? ticket.status}</>;
    case 'assignee':
      return <>{ticket.assigneeName ?? '—'}</>;
    case 'openedAt':
      return <>{dateTime(ticket.openedAt)}</>;
    case 'due':
      return <>{ticket.nextDeadlineAt ? dateTime(ticket.nextDeadlineAt) : '—'}</>;
    case 'remaining':
      return <Countdown due={open ? ticket.nextDeadlineAt : null} />;
  }
}
