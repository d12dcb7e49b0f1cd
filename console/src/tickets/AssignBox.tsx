import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../api/client';
import { useUser } from '../auth/session';
import { SelectField, TextField } from '../common/Field';
import { MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';

/** The roles that work tickets: only they can be assignees (store/ticket-assignee.ts). */
const ASSIGNABLE = new Set(['agent', 'manager', 'admin']);

/**
 * Assign a ticket to a person picked from the staff of the ticket's vendor (GET /v1/users, which
 * managers and admins may read, with a name filter for long lists); an agent, who may not list
 * users, can take the ticket themselves.
 */
export function AssignBox({ ticketId, current }: { ticketId: string; current?: string | null }) {
  const { t } = useLocale();
  const user = useUser();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const [assignee, setAssignee] = useState(current ?? '');
  const canList = user.role === 'manager' || user.role === 'admin';
  const ticket = useQuery({
    queryKey: ['tickets', ticketId],
    queryFn: () => unwrap(api.GET('/v1/tickets/{id}', { params: { path: { id: ticketId } } })),
  });
  const products = useQuery({
    queryKey: ['products'],
    enabled: canList,
    queryFn: () => unwrap(api.GET('/v1/products')),
  });
  const vendorId = products.data?.items.find((p) => p.id === ticket.data?.productId)?.vendorId;
  const staff = useQuery({
    queryKey: ['users', 'assignable', vendorId, q],
    enabled: canList && vendorId !== undefined,
    queryFn: () =>
      unwrap(
        api.GET('/v1/users', {
          params: { query: { vendorId: vendorId!, limit: 200, ...(q.trim() && { q: q.trim() }) } },
        }),
      ),
  });
  const people = (staff.data?.items ?? []).filter((person) => ASSIGNABLE.has(person.role) && !person.disabledAt);
  const me = ASSIGNABLE.has(user.role) && !people.some((person) => person.id === user.id);
  const assign = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/v1/tickets/{id}/assign', { params: { path: { id: ticketId } }, body: { assignee } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tickets'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    assign.mutate();
  };
  return (
    <form className="actions" aria-label={t.ticket.assign} onSubmit={submit}>
      {canList && <TextField label={t.ticket.findPerson} type="search" value={q} onChange={setQ} />}
      <SelectField
        label={t.ticket.assignee}
        value={assignee}
        onChange={setAssignee}
        required
        choices={[
          { value: '', label: t.newTicket.choose },
          ...(me ? [{ value: user.id, label: `${user.name} (${t.ticket.me})` }] : []),
          ...people.map((person) => ({
            value: person.id,
            label: `${person.name}${person.id === user.id ? ` (${t.ticket.me})` : ''} · ${t.roles[person.role] ?? person.role}`,
          })),
        ]}
      />
      <button type="submit" disabled={assign.isPending || assignee === ''}>
        {t.ticket.assign}
      </button>
      <MutationError error={assign.error} />
    </form>
  );
}
