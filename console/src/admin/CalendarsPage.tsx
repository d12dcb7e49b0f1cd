import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiResponse } from '../api/client';
import { DataTable } from '../common/DataTable';
import { Loaded, MutationError } from '../common/Status';
import { useLocale } from '../i18n/locale';
import { AdminTabs } from './AdminTabs';

type EstimatedHoliday = ApiResponse<'/v1/holidays/estimated'>['items'][number];

/** Admin — calendars and their holidays: estimated dates are flagged, to confirm as official (or correct through the API). */
export function CalendarsPage() {
  const { t, date, number, language } = useLocale();
  const calendars = useQuery({ queryKey: ['calendars'], queryFn: () => unwrap(api.GET('/v1/calendars')) });
  const estimated = useQuery({
    queryKey: ['holidays', 'estimated'],
    queryFn: () => unwrap(api.GET('/v1/holidays/estimated')),
  });
  return (
    <>
      <AdminTabs />
      <h1>{t.admin.calendars}</h1>
      <Loaded query={calendars}>
        {(answer) => (
          <DataTable
            testId="calendars-table"
            rows={answer.items}
            rowKey={(calendar) => calendar.id}
            columns={[
              { header: t.admin.key, ltr: true, cell: (calendar) => calendar.key },
              { header: t.admin.name, cell: (calendar) => calendar.name },
              { header: t.admin.holidaySet, ltr: true, cell: (calendar) => calendar.holidaySet ?? '—' },
            ]}
          />
        )}
      </Loaded>
      <h2>{t.admin.estimatedHolidays}</h2>
      <p>{t.admin.estimatedNote}</p>
      <Loaded query={estimated}>
        {(answer) => (
          <DataTable
            testId="estimated-holidays"
            rowTestId="estimated-holiday"
            empty
            rows={answer.items}
            rowKey={(item) => item.holiday.id}
            columns={[
              { header: t.admin.date, cell: ({ holiday }) => date(holiday.date) },
              {
                header: t.admin.name,
                cell: ({ holiday }) => (
                  <>
                    {language === 'en' ? (holiday.nameEn ?? holiday.name) : holiday.name}{' '}
                    <span className="badge estimated">{t.admin.estimated}</span>
                  </>
                ),
              },
              { header: t.admin.holidaySet, ltr: true, cell: ({ holiday }) => holiday.set },
              { header: t.admin.daysUntil, cell: (item) => number(item.daysUntil) },
              { header: t.ticket.actions, cell: (item) => <ConfirmHoliday item={item} /> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

function ConfirmHoliday({ item }: { item: EstimatedHoliday }) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const { holiday } = item;
  const confirm = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/holidays/{id}/confirm', { params: { path: { id: holiday.id } }, body: {} })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['holidays'] }),
  });
  return (
    <>
      <button
        type="button"
        onClick={() => confirm.mutate()}
        disabled={confirm.isPending}
        aria-label={`${t.admin.confirm}: ${holiday.name} ${holiday.date}`}
      >
        {t.admin.confirm}
      </button>
      <MutationError error={confirm.error} />
    </>
  );
}
