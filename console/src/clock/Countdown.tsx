import { useLocale } from '../i18n/locale';
import { useServerNow } from './server-clock';

/** Time left until `due` (or past it), ticking every second from the server's clock; a dash when nothing is due. */
export function Countdown({ due }: { due: string | null | undefined }) {
  if (!due) return <span>—</span>;
  return <Ticking due={due} />;
}

function Ticking({ due }: { due: string }) {
  const now = useServerNow();
  const { t, number } = useLocale();
  const left = Date.parse(due) - now;
  const total = Math.floor(Math.abs(left) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => number(n).padStart(2, number(0));
  const text = `${number(h)}:${two(m)}:${two(s)}`;
  return (
    <span className={left < 0 ? 'countdown overdue' : 'countdown'} data-testid="countdown" role="timer" aria-live="off">
      {left < 0 ? `${t.ticket.overdue} ${text}` : text}
    </span>
  );
}
