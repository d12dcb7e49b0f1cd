import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, unwrap, type ApiResponse, type paths } from '../api/client';
import { DataTable } from '../common/DataTable';
import { SelectField, TextField } from '../common/Field';
import { Loaded, MutationError } from '../common/Status';
import { TEHRAN, useLocale } from '../i18n/locale';
import { AdminTabs } from './AdminTabs';

type Policy = ApiResponse<'/v1/policies/{id}'>;
type PreviewBody = NonNullable<paths['/v1/sla/preview']['post']['requestBody']>['content']['application/json'];
type TicketTerms = NonNullable<PreviewBody['definition']>;
type Priority = PreviewBody['priority'];
type TargetSpec = TicketTerms['priorities'][Priority]['firstResponse'];
type Preview = ApiResponse<'/v1/sla/preview', 'post'>;

const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];
const UNITS: readonly TargetSpec['unit'][] = [
  'business_minutes',
  'business_days',
  'same_business_day',
  'end_of_next_business_day',
  'review',
  'none',
];
/** The two targets a priority sets, and their names in the API's answers. */
const TARGETS = [
  ['firstResponse', 'first_response'],
  ['resolution', 'resolution'],
] as const;
/** The units that take an amount (minutes or whole days); the others are a point in the calendar. */
const COUNTED = new Set<string>(['business_minutes', 'business_days']);

/** Admin — the plans' ticket policies; each opens to edit its targets with a what-if preview before saving. */
export function PoliciesPage() {
  const { t, dateTime, number } = useLocale();
  const policies = useQuery({
    queryKey: ['policies', 'ticket'],
    queryFn: () => unwrap(api.GET('/v1/policies', { params: { query: { kind: 'ticket' } } })),
  });
  return (
    <>
      <AdminTabs />
      <h1>{t.admin.policies}</h1>
      <Loaded query={policies}>
        {(answer) => (
          <DataTable
            testId="policies-table"
            rowTestId="policy-row"
            rows={answer.items}
            rowKey={(policy) => policy.id}
            columns={[
              {
                header: t.admin.key,
                rowHeader: true,
                ltr: true,
                cell: (policy) => <Link to={`/admin/policies/${policy.id}`}>{policy.key}</Link>,
              },
              { header: t.admin.name, cell: (policy) => policy.name },
              { header: t.admin.version, cell: (policy) => number(policy.version) },
              { header: t.admin.updatedAt, cell: (policy) => dateTime(policy.updatedAt) },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

/** Admin — one ticket policy: its targets per priority to edit, the deadlines they give before saving, then save. */
export function PolicyPage() {
  const { id = '' } = useParams();
  const policy = useQuery({
    queryKey: ['policies', id],
    queryFn: () => unwrap(api.GET('/v1/policies/{id}', { params: { path: { id } } })),
  });
  return (
    <>
      <AdminTabs />
      <Loaded query={policy}>
        {(row) =>
          row.kind === 'ticket' ? (
            // After a save the draft is what was saved: the editor keeps it and says which version it made.
            <PolicyEditor policy={row} terms={row.definition as TicketTerms} />
          ) : (
            <h1>{row.name}</h1>
          )
        }
      </Loaded>
    </>
  );
}

function PolicyEditor({ policy, terms }: { policy: Policy; terms: TicketTerms }) {
  const { t, number } = useLocale();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<TicketTerms>(terms);
  const setTarget = (priority: Priority, target: 'firstResponse' | 'resolution', spec: TargetSpec) =>
    setDraft((d) => ({
      ...d,
      priorities: { ...d.priorities, [priority]: { ...d.priorities[priority], [target]: spec } },
    }));
  const save = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/v1/policies/{id}', { params: { path: { id: policy.id } }, body: { definition: draft } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['policies'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <>
      <h1>
        {policy.name} <span dir="ltr">({policy.key})</span>
      </h1>
      <form aria-label={t.admin.editPolicy} onSubmit={submit}>
        <h2>{t.admin.editPolicy}</h2>
        <DataTable
          testId="policy-targets"
          rowTestId={(priority) => `terms-${priority}`}
          rows={PRIORITIES}
          rowKey={(priority) => priority}
          columns={[
            { header: t.ticket.priority, rowHeader: true, cell: (priority) => t.priorities[priority] },
            ...TARGETS.map(([target, name]) => ({
              key: target,
              header: t.ticket.targets[name],
              cell: (priority: Priority) => (
                <TargetEditor
                  label={`${t.priorities[priority]}، ${t.ticket.targets[name]}`}
                  spec={draft.priorities[priority][target]}
                  onChange={(spec) => setTarget(priority, target, spec)}
                />
              ),
            })),
          ]}
        />
        <WhatIf policy={policy} draft={draft} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {t.admin.save}
          </button>
          {save.data && (
            <span role="status" data-testid="policy-saved">
              {t.admin.savedVersion
                .replace('{version}', number(save.data.version))
                .replace('{n}', number(save.data.ticketsSignalled))}
            </span>
          )}
        </div>
        <MutationError error={save.error} />
      </form>
    </>
  );
}

function TargetEditor({
  label,
  spec,
  onChange,
}: {
  label: string;
  spec: TargetSpec;
  onChange: (spec: TargetSpec) => void;
}) {
  const { t } = useLocale();
  const counted = COUNTED.has(spec.unit);
  return (
    <span className="target-editor">
      <input
        type="number"
        min={1}
        step={1}
        aria-label={`${label}: ${t.admin.amount}`}
        disabled={!counted}
        required={counted}
        value={counted ? (spec.amount ?? '') : ''}
        onChange={(e) => onChange({ ...spec, amount: e.target.value === '' ? undefined : Number(e.target.value) })}
      />
      <select
        aria-label={`${label}: ${t.admin.unit}`}
        value={spec.unit}
        onChange={(e) => {
          const unit = e.target.value as TargetSpec['unit'];
          const { amount, ...rest } = spec;
          onChange(COUNTED.has(unit) ? { ...rest, unit, amount: amount ?? 1 } : { ...rest, unit });
        }}
      >
        {UNITS.map((unit) => (
          <option key={unit} value={unit}>
            {t.admin.units[unit]}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The current minute in Tehran, as a datetime-local input holds it. */
function tehranNow(): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TEHRAN,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date());
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

/** What a ticket opened at a chosen time would get, on the stored terms and on the draft, side by side (nothing saved). */
function WhatIf({ policy, draft }: { policy: Policy; draft: TicketTerms }) {
  const { t, dateTime } = useLocale();
  const [priority, setPriority] = useState<Priority>('critical');
  const [openedAt, setOpenedAt] = useState(tehranNow);
  const preview = useMutation({
    mutationFn: async () => {
      const body: PreviewBody = { policyId: policy.id, priority, openedAt: `${openedAt}:00+03:30` };
      const [stored, edited] = await Promise.all([
        unwrap(api.POST('/v1/sla/preview', { body })),
        unwrap(api.POST('/v1/sla/preview', { body: { ...body, definition: draft } })),
      ]);
      return { stored, edited };
    },
  });
  const due = (answer: Preview, target: string) => {
    const dueAt = answer.targets.find((f) => f.target === target)?.dueAt;
    return dueAt ? dateTime(dueAt) : '—';
  };
  return (
    <section aria-labelledby="what-if" className="card">
      <h2 id="what-if">{t.admin.whatIf}</h2>
      <p>{t.admin.whatIfNote}</p>
      <div className="actions">
        <SelectField
          label={t.ticket.priority}
          value={priority}
          onChange={setPriority}
          choices={PRIORITIES.map((p) => ({ value: p, label: t.priorities[p] }))}
        />
        <TextField label={t.admin.openedAt} type="datetime-local" value={openedAt} onChange={setOpenedAt} required />
        {openedAt && <span className="hint">{dateTime(`${openedAt}:00+03:30`)}</span>}
        <button type="button" onClick={() => preview.mutate()} disabled={preview.isPending || !openedAt}>
          {t.admin.preview}
        </button>
      </div>
      <MutationError error={preview.error} />
      {preview.data && (
        <DataTable
          testId="what-if-table"
          rows={preview.data.edited.targets.map((target) => target.target)}
          rowKey={(target) => target}
          rowTestId={(target) => `what-if-${target}`}
          columns={[
            { header: t.ticket.target, rowHeader: true, cell: (target) => t.ticket.targets[target] ?? target },
            { header: t.admin.asStored, cell: (target) => due(preview.data.stored, target) },
            { header: t.admin.asEdited, cell: (target) => due(preview.data.edited, target) },
          ]}
        />
      )}
    </section>
  );
}
