import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { dayOfWeek, formatIsoDate, parseIsoDate } from '../../sla/civil-date';
import { TEHRAN } from '../../sla/jalali';
import { wallTimeToEpoch } from '../../sla/time-zone';

/** Tehran wall-clock time for time-skipping workflow tests. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The instant the Tehran clocks show `hhmm` on the local date `days` after `date`. */
export function tehranAt(date: string, hhmm: string, days = 0): number {
  const [h, m] = hhmm.split(':').map(Number);
  return wallTimeToEpoch(TEHRAN, parseIsoDate(date)! + days, h! * 60 + m!);
}

/** The local date `days` after `date`. */
export function plusDays(date: string, days: number): string {
  return formatIsoDate(parseIsoDate(date)! + days);
}

/** The first local date after the test server's "now" that falls on `weekday` (0 = Sunday). */
export async function nextLocalDate(env: TestWorkflowEnvironment, weekday: number): Promise<string> {
  const now = await env.currentTimeMs();
  let day = parseIsoDate(new Date(now + 3.5 * HOUR).toISOString().slice(0, 10))! + 1;
  while (dayOfWeek(day) !== weekday) day += 1;
  return formatIsoDate(day);
}

export async function skipTo(env: TestWorkflowEnvironment, instantMs: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instantMs > now) await env.sleep(instantMs - now);
}

/** A refused update: the validator's message travels as the failure's cause. */
export async function expectRefused(update: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await update.then(
    () => undefined,
    (e: unknown) => e as Error & { cause?: Error },
  );
  expect(error).toBeDefined();
  expect(error!.cause?.message).toMatch(message);
}
