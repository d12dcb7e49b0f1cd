import { sleep } from '@temporalio/workflow';

/**
 * Durable timers that are never cancelled. `condition(predicate, timeout)` cancels its timer
 * when the predicate wins, and a cancel racing a timer that has just fired (under a burst of
 * updates) left histories the server refused (`BadCancelTimerAttributes`). Here each instant
 * gets one timer, started once; a timer for an instant that no longer matters fires later and
 * is ignored.
 */
export class WakeUps {
  private readonly pending = new Set<number>();
  private readonly rang = new Set<number>();

  /** Makes sure a timer rings at `atMs`; true once it has. */
  at(atMs: number): boolean {
    if (this.rang.has(atMs) || atMs <= Date.now()) return true;
    if (!this.pending.has(atMs)) {
      this.pending.add(atMs);
      void sleep(Math.max(1, atMs - Date.now())).then(
        () => {
          this.pending.delete(atMs);
          this.rang.add(atMs);
        },
        // Only the workflow's own cancellation cancels it; the workflow ends then anyway.
        () => this.pending.delete(atMs),
      );
    }
    return false;
  }

  /** Whether the timer for `atMs` has rung (or the instant has passed). */
  due(atMs: number): boolean {
    return this.rang.has(atMs) || atMs <= Date.now();
  }
}
