import { useSyncExternalStore } from 'react';

/**
 * The server's clock as seen from the browser: every API answer's `Date` header moves the offset,
 * so countdowns tick from the server's time, not from a wrong laptop clock. `Date` has whole
 * seconds; the smallest offset seen over the last answers is kept (an answer is never early).
 */
class ServerClock {
  private offsetMs = 0;
  private seen = false;

  observe(dateHeader: string | null): void {
    if (!dateHeader) return;
    const server = Date.parse(dateHeader);
    if (Number.isNaN(server)) return;
    // The header is truncated to the second: the server's time was somewhere in [server, server + 1000).
    const offset = server + 500 - Date.now();
    if (!this.seen || Math.abs(offset - this.offsetMs) > 1000) this.offsetMs = offset;
    this.seen = true;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }
}

export const serverClock = new ServerClock();

const listeners = new Set<() => void>();
let second = Math.floor(serverClock.now() / 1000);
setInterval(() => {
  const next = Math.floor(serverClock.now() / 1000);
  if (next === second) return;
  second = next;
  for (const listener of listeners) listener();
}, 250);

/** The server's time, re-rendering the caller once a second (one shared timer for every countdown). */
export function useServerNow(): number {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => second * 1000,
  );
}
