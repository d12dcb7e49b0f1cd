import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiProblem, unwrap, type ApiResponse, type paths } from '../api/client';
import { Loaded } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { SelectField, TextField } from '../common/Field';

type ProductForTickets = ApiResponse<'/v1/me/products'>['items'][number];
type NewTicket = NonNullable<paths['/v1/tickets']['post']['requestBody']>['content']['application/json'];

/**
 * A customer opens a ticket: the products come from GET /v1/me/products with the plan's priorities
 * and channels, so the form offers only what the plan allows; a product the customer cannot open a
 * ticket for now is listed with the reason, in the user's language (the API's reason code), and so
 * is a refusal of the ticket itself. On success the ticket's page shows its clock.
 */
export function NewTicketPage() {
  const { t } = useLocale();
  const products = useQuery({ queryKey: ['me', 'products'], queryFn: () => unwrap(api.GET('/v1/me/products')) });
  return (
    <>
      <h1>{t.newTicket.title}</h1>
      <Loaded query={products}>
        {(answer) =>
          answer.items.length === 0 ? (
            <p>{t.newTicket.refusals.no_contract}</p>
          ) : (
            <NewTicketForm products={answer.items} />
          )
        }
      </Loaded>
    </>
  );
}

function NewTicketForm({ products }: { products: ProductForTickets[] }) {
  const { t } = useLocale();
  const navigate = useNavigate();
  const [productId, setProductId] = useState(products.find((p) => p.eligible)?.productId ?? products[0]!.productId);
  const product = products.find((p) => p.productId === productId)!;
  const [priority, setPriority] = useState('');
  const [channel, setChannel] = useState('portal');
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const open = useMutation({
    mutationFn: (body: NewTicket) => unwrap(api.POST('/v1/tickets', { body })),
    onSuccess: (ticket) => void navigate(`/tickets/${ticket.id}`),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    open.mutate({
      productId,
      priority: priority as NewTicket['priority'],
      channel: offeredChannel as NewTicket['channel'],
      subject,
      description,
    });
  };
  const channels: string[] = product.channels;
  // The channel chosen, or the product's first when its plan does not offer the one chosen before.
  const offeredChannel = channels.includes(channel) ? channel : (channels[0] ?? 'portal');
  return (
    <form className="stack" aria-label={t.newTicket.title} onSubmit={submit}>
      <label>
        {t.ticket.product}
        <select value={productId} onChange={(e) => setProductId(e.target.value)} required>
          {products.map((p) => (
            <option key={p.productId} value={p.productId}>
              {p.nameFa ?? p.name}
              {p.plan ? ` — ${p.plan.name}` : ''}
            </option>
          ))}
        </select>
      </label>
      {!product.eligible && product.refusal && (
        <p role="alert" className="error" data-testid="eligibility">
          {t.newTicket.notEligible}: {t.newTicket.refusals[product.refusal.reason] ?? product.refusal.detail}
        </p>
      )}
      <SelectField
        label={t.ticket.priority}
        value={priority}
        onChange={setPriority}
        required
        choices={[
          { value: '', label: t.newTicket.choose },
          ...product.priorities.map((p) => ({ value: p, label: t.priorities[p] ?? p })),
        ]}
      />
      <SelectField
        label={t.ticket.channel}
        value={offeredChannel}
        onChange={setChannel}
        choices={channels.map((c) => ({ value: c, label: t.newTicket.channels[c] ?? c }))}
      />
      <TextField label={t.ticket.subject} value={subject} onChange={setSubject} required maxLength={200} />
      <label>
        {t.ticket.description}
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} required rows={5} />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={open.isPending || !product.eligible}>
          {t.ticket.create}
        </button>
      </div>
      <Refusal error={open.error} />
    </form>
  );
}

/** The API's refusal, explained in the user's language when its reason code is a known one. */
function Refusal({ error }: { error: Error | null }) {
  const { t } = useLocale();
  if (!error) return null;
  const reason = error instanceof ApiProblem ? error.problem.reason : undefined;
  return (
    <p role="alert" className="error">
      {(reason && t.newTicket.refusals[reason]) ?? error.message}
    </p>
  );
}
