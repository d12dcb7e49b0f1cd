import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { api, unwrap, type ApiResponse } from '../api/client';
import { useUser } from '../auth/session';
import { Countdown } from '../clock/Countdown';
import { DataTable } from '../common/DataTable';
import { SelectField, TextField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { Timeline } from '../common/Timeline';
import { useLocale } from '../i18n/locale';
import { AssignBox } from './AssignBox';

type Ticket = ApiResponse<'/v1/tickets/{id}'>;
type Target = Ticket['clock']['targets'][number];

const OPEN = new Set(['new', 'in_progress', 'waiting_on_customer']);
const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

/** One ticket: its live clock per target, the timeline, and what the signed-in role may do with it. */
export function TicketPage() {
  const { id = '' } = useParams();
  const ticket = useQuery({
    queryKey: ['tickets', id],
    refetchInterval: 15_000,
    queryFn: () => unwrap(api.GET('/v1/tickets/{id}', { params: { path: { id } } })),
  });
  const events = useQuery({
    queryKey: ['tickets', id, 'events'],
    refetchInterval: 15_000,
    queryFn: () => unwrap(api.GET('/v1/tickets/{id}/events', { params: { path: { id } } })),
  });
  const { t } = useLocale();
  return (
    <Loaded query={ticket}>
      {(data) => (
        <>
          <h1>
            {data.subject} <span className="badge">{t.ticket.statuses[data.status] ?? data.status}</span>{' '}
            {data.breached && <span className="badge breached">{t.ticket.breached}</span>}
          </h1>
          <div className="grid-2">
            <section className="card" aria-labelledby="clock">
              <h2 id="clock">{t.ticket.clock}</h2>
              <Clock ticket={data} />
              <p>{data.description}</p>
            </section>
            <section className="card" aria-labelledby="ticket-actions">
              <h2 id="ticket-actions">{t.ticket.actions}</h2>
              <Actions ticket={data} />
            </section>
          </div>
          <h2>{t.ticket.timeline}</h2>
          <Loaded query={events}>{(page) => <Timeline events={page.items} />}</Loaded>
        </>
      )}
    </Loaded>
  );
}

function Clock({ ticket }: { ticket: Ticket }) {
  const { t, dateTime } = useLocale();
  return (
    <DataTable
      rows={ticket.clock.targets}
      rowKey={(target) => target.target}
      rowTestId={(target) => `target-${target.target}`}
      columns={[
        { header: t.ticket.target, cell: (target) => t.ticket.targets[target.target] ?? target.target },
        { header: t.ticket.due, cell: (target) => (target.dueAt ? dateTime(target.dueAt) : '—') },
        { header: t.ticket.remaining, cell: (target) => <TargetState target={target} /> },
      ]}
    />
  );
}

function TargetState({ target }: { target: Target }) {
  const { t } = useLocale();
  if (target.state === 'met') return <span>{t.ticket.met}</span>;
  if (target.breached) return <span className="breached">{t.ticket.breached}</span>;
  if (target.paused) return <span>{t.ticket.paused}</span>;
  return <Countdown due={target.state === 'running' ? target.dueAt : null} />;
}

function Actions({ ticket }: { ticket: Ticket }) {
  const { t } = useLocale();
  const user = useUser();
  const queryClient = useQueryClient();
  const path = { params: { path: { id: ticket.id } } };
  const [reply, setReply] = useState('');
  const [internal, setInternal] = useState(false);
  const [priority, setPriority] = useState<(typeof PRIORITIES)[number]>(ticket.priority);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const act = useMutation({
    mutationFn: (command: () => Promise<unknown>) => command(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tickets'] }),
  });
  const run = (command: () => Promise<unknown>, reset?: () => void) => (event: FormEvent) => {
    event.preventDefault();
    act.mutate(command, { onSuccess: reset });
  };
  const staff = user.role !== 'customer';
  const open = OPEN.has(ticket.status);
  return (
    <div className="decision-forms">
      <form
        onSubmit={run(
          () => unwrap(api.POST('/v1/tickets/{id}/replies', { ...path, body: { body: reply, public: !internal } })),
          () => setReply(''),
        )}
      >
        <label>
          {t.ticket.reply}
          <textarea required rows={3} value={reply} onChange={(e) => setReply(e.target.value)} />
        </label>
        {staff && (
          <label className="inline">
            <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />{' '}
            {t.ticket.internal}
          </label>
        )}
        <button type="submit" className="primary" disabled={act.isPending}>
          {t.ticket.send}
        </button>
      </form>
      {staff && open && (
        <>
          <div className="actions">
            {(['in_progress', 'waiting_on_customer'] as const).map((status) => (
              <button
                key={status}
                type="button"
                disabled={act.isPending || ticket.status === status}
                onClick={run(() => unwrap(api.POST('/v1/tickets/{id}/status', { ...path, body: { status } })))}
              >
                {t.ticket.statuses[status]}
              </button>
            ))}
          </div>
          <AssignBox ticketId={ticket.id} current={ticket.assignee} />
          <form
            className="actions"
            onSubmit={run(
              () => unwrap(api.POST('/v1/tickets/{id}/priority', { ...path, body: { priority, reason } })),
              () => setReason(''),
            )}
          >
            <SelectField
              label={t.ticket.priority}
              value={priority}
              onChange={setPriority}
              choices={PRIORITIES.map((p) => ({ value: p, label: t.priorities[p] }))}
            />
            <TextField label={t.ticket.reason} required value={reason} onChange={setReason} />
            <button type="submit" disabled={act.isPending}>
              {t.ticket.changePriority}
            </button>
          </form>
          <form
            className="actions"
            onSubmit={run(
              () => unwrap(api.POST('/v1/tickets/{id}/resolve', { ...path, body: { note } })),
              () => setNote(''),
            )}
          >
            <TextField label={t.ticket.note} required value={note} onChange={setNote} />
            <button type="submit" disabled={act.isPending}>
              {t.ticket.resolve}
            </button>
          </form>
        </>
      )}
      {ticket.status === 'resolved' && (
        <form
          className="actions"
          onSubmit={run(
            () => unwrap(api.POST('/v1/tickets/{id}/reopen', { ...path, body: { reason } })),
            () => setReason(''),
          )}
        >
          <TextField label={t.ticket.reason} required value={reason} onChange={setReason} />
          <button type="submit" disabled={act.isPending}>
            {t.ticket.reopen}
          </button>
        </form>
      )}
      <MutationError error={act.error} />
    </div>
  );
}
