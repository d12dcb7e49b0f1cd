import { useLocale } from '../i18n/locale';

import type { ApiResponse } from '../api/client';

type Event = ApiResponse<'/v1/tickets/{id}/events'>['items'][number];

/** Event types only staff see (api/visibility.ts decides; here they are only marked). */
const INTERNAL = (event: Event) => event.type === 'internal_note' || /escalat|alarm|warning/.test(event.type);

export function Timeline({ events }: { events: Event[] }) {
  const { t, dateTime } = useLocale();
  return (
    <ol className="timeline">
      {events.map((event) => {
        const internal = INTERNAL(event);
        const body =
          typeof event.data.body === 'string'
            ? event.data.body
            : typeof event.data.reason === 'string'
              ? event.data.reason
              : typeof event.data.note === 'string'
                ? event.data.note
                : null;
        return (
          <li key={event.sequence} className={internal ? 'internal' : undefined} data-event={event.type}>
            <div>
              <strong>{t.events[event.type] ?? event.type.replaceAll('_', ' ')}</strong> · <bdi>{event.actor.name}</bdi>{' '}
              · <time dateTime={event.at}>{dateTime(event.at)}</time>{' '}
              {internal && <span className="badge internal">{t.ticket.internal}</span>}
            </div>
            {body && <p>{body}</p>}
          </li>
        );
      })}
    </ol>
  );
}
