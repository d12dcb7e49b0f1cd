import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap, type ApiResponse } from '../api/client';
import { useUser } from '../auth/session';
import { Countdown } from '../clock/Countdown';
import { DataTable } from '../common/DataTable';
import { TextField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { Timeline } from '../common/Timeline';
import { useLocale } from '../i18n/locale';

type Claim = ApiResponse<'/v1/claims/{id}'>;

/** A claim with the whole evidence, and QA's decision on it. */
export function ClaimPage() {
  const { id = '' } = useParams();
  const claim = useQuery({
    queryKey: ['claims', id],
    queryFn: () => unwrap(api.GET('/v1/claims/{id}', { params: { path: { id } } })),
  });
  return <Loaded query={claim}>{(data) => <ClaimView claim={data} />}</Loaded>;
}

function ClaimView({ claim }: { claim: Claim }) {
  const { t, dateTime, number } = useLocale();
  const user = useUser();
  const undecided = claim.status === 'received' || claim.status === 'acknowledged';
  return (
    <>
      <h1>
        {t.claims.title}: {t.claims.kinds[claim.kind] ?? claim.kind} <span className="badge">{claim.status}</span>
      </h1>
      <div className="grid-2">
        <section className="card" aria-labelledby="claim-facts">
          <h2 id="claim-facts">{t.claims.evidence}</h2>
          <dl className="facts">
            <dt>{t.ticket.openedAt}</dt>
            <dd>{dateTime(claim.receivedAt)}</dd>
            <dt>{t.claims.decisionDue}</dt>
            <dd>
              {dateTime(claim.deadlines.decisionDueAt)} {undecided && <Countdown due={claim.deadlines.decisionDueAt} />}
            </dd>
            {claim.note && (
              <>
                <dt>{t.ticket.description}</dt>
                <dd>{claim.note}</dd>
              </>
            )}
            <dt>{t.claims.computed}</dt>
            <dd>
              {claim.computedCredit.percent === null ? '—' : `${number(claim.computedCredit.percent)}٪`}
              {claim.computedCredit.amountRials !== null &&
                ` · ${number(claim.computedCredit.amountRials)} ${t.claims.amountRials}`}
            </dd>
          </dl>
          {claim.months.length > 0 && (
            <DataTable
              caption={t.claims.availability}
              rows={claim.months}
              rowKey={(month) => month.month}
              columns={[
                { header: t.claims.month, cell: (month) => month.month },
                { header: t.claims.availability, cell: (month) => `${number(month.availabilityPercent, 3)}٪` },
                { header: t.claims.downtime, cell: (month) => `${number(month.downtimeMinutes)} ${t.claims.minutes}` },
                {
                  header: t.claims.creditPercent,
                  cell: (month) => (month.creditPercent === null ? '—' : number(month.creditPercent)),
                },
              ]}
            />
          )}
          {claim.computation && claim.computation.outages.length > 0 && (
            <DataTable
              caption={t.claims.outages}
              rows={claim.computation.outages}
              rowKey={(outage) => outage.id}
              columns={[
                { header: t.claims.cause, cell: (outage) => outage.cause },
                { header: t.claims.counted, cell: (outage) => (outage.counted ? '✓' : '✗') },
                { header: t.claims.exclusion, cell: (outage) => outage.exclusion ?? '—' },
                { key: 'minutes', header: t.claims.minutes, cell: (outage) => number(outage.minutesInPeriod) },
              ]}
            />
          )}
          {claim.tickets.length > 0 && (
            <>
              <h3>{t.claims.ticketsCited}</h3>
              <ul>
                {claim.tickets.map((ticket) => (
                  <li key={ticket.id}>
                    <Link to={`/tickets/${ticket.id}`}>{ticket.subject}</Link> · {t.ticket.breached}{' '}
                    {dateTime(ticket.breachedAt)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="claim-decision">
          <h2 id="claim-decision">{t.claims.decision}</h2>
          {claim.decision ? (
            <dl className="facts" data-testid="claim-decision">
              <dt>{t.claims.decided}</dt>
              <dd>
                {claim.decision.outcome} · {claim.decision.decidedBy.name} · {dateTime(claim.decision.decidedAt)}{' '}
                {claim.decision.late && `(${t.claims.late})`}
              </dd>
              <dt>{t.claims.credit}</dt>
              <dd>
                {claim.decision.creditPercent === null ? '—' : `${number(claim.decision.creditPercent)}٪`}
                {claim.decision.creditAmountRials !== null && ` · ${number(claim.decision.creditAmountRials)}`}
              </dd>
              {claim.decision.justification && (
                <>
                  <dt>{t.claims.justification}</dt>
                  <dd>{claim.decision.justification}</dd>
                </>
              )}
            </dl>
          ) : (
            undecided &&
            (user.role === 'qa' || user.role === 'admin' || user.role === 'manager') && <DecisionForms claim={claim} />
          )}
        </section>
      </div>
      <h2>{t.claims.timeline}</h2>
      <Timeline events={claim.events} />
    </>
  );
}

function DecisionForms({ claim }: { claim: Claim }) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const [amount, setAmount] = useState('');
  const [justification, setJustification] = useState('');
  const [reason, setReason] = useState('');
  const path = { params: { path: { id: claim.id } } };
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'adjust' | 'reject') => {
      if (decision === 'approve') return unwrap(api.POST('/v1/claims/{id}/approve', { ...path, body: {} }));
      if (decision === 'adjust')
        return unwrap(
          api.POST('/v1/claims/{id}/approve-adjusted', { ...path, body: { amountRials: amount, justification } }),
        );
      return unwrap(api.POST('/v1/claims/{id}/reject', { ...path, body: { reason } }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['claims'] }),
  });
  const submit = (decision: 'approve' | 'adjust' | 'reject') => (event: React.FormEvent) => {
    event.preventDefault();
    decide.mutate(decision);
  };
  return (
    <div className="decision-forms">
      <form onSubmit={submit('approve')}>
        <button type="submit" className="primary" disabled={decide.isPending}>
          {t.claims.approve}
        </button>
      </form>
      <form onSubmit={submit('adjust')} className="actions">
        <TextField
          label={t.claims.amountRials}
          inputMode="numeric"
          pattern="[0-9]+"
          required
          value={amount}
          onChange={setAmount}
          dir="ltr"
        />
        <TextField label={t.claims.justification} required value={justification} onChange={setJustification} />
        <button type="submit" disabled={decide.isPending}>
          {t.claims.approveAdjusted}
        </button>
      </form>
      <form onSubmit={submit('reject')} className="actions">
        <TextField label={t.claims.reason} required value={reason} onChange={setReason} />
        <button type="submit" className="danger" disabled={decide.isPending}>
          {t.claims.reject}
        </button>
      </form>
      <MutationError error={decide.error} />
    </div>
  );
}
