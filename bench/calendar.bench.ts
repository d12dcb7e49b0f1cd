/**
 * Deadline computations per second on one core, on the compiled preset
 * calendars with the official holidays of 1404–1407:
 *   (a) a 180-business-minute target from varied instants of 1404–1405;
 *   (b) a 4-business-day target from instants in the ten days before Nowruz
 *       1405 and 1406, so every deadline crosses the holiday stretch.
 * "cold" is the first pass over freshly compiled calendars (days are computed
 * as they are reached); "warm" repeats the same starts with the day cache full.
 * Run: npx tsx bench/calendar.bench.ts
 */
import { compileCalendar, type BusinessCalendar } from '../sla/calendar';
import { iranianOfficialHolidays } from '../sla/holidays';
import { CALENDAR_PRESET_KEYS, calendarPresets, withHolidays } from '../sla/presets';
import { deadlineFor, type TargetSpec } from '../sla/targets';
import { describeMachine, writeResult } from './support';

const STARTS_PER_CASE = 50_000;
const WARM_SECONDS = 1.5;
const GOAL_PER_SECOND = 200_000;

interface Case {
  name: string;
  unit: TargetSpec['unit'];
  amount: number;
  windows: [string, string][];
}

const CASES: Case[] = [
  { name: '180 business minutes', unit: 'business_minutes', amount: 180, windows: [['2025-03-21', '2027-03-21']] },
  {
    name: '4 business days across Nowruz',
    unit: 'business_days',
    amount: 4,
    windows: [
      ['2026-03-10', '2026-03-20'],
      ['2027-03-10', '2027-03-20'],
    ],
  },
];

function compilePresets(): (key: string) => BusinessCalendar {
  const holidays = iranianOfficialHolidays(1404, 1407);
  const compiled = new Map(
    CALENDAR_PRESET_KEYS.map((key) => [key as string, compileCalendar(withHolidays(calendarPresets[key], holidays))]),
  );
  return (key) => compiled.get(key)!;
}

/** Deterministic pseudo-random starts (a linear congruential generator), spread over the case's windows and calendars. */
function startsFor(benchCase: Case): Inputs {
  let seed = 20_260_321;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return Array.from({ length: STARTS_PER_CASE }, (_, i) => {
    const [from, to] = benchCase.windows[i % benchCase.windows.length]!;
    const fromMs = Date.parse(`${from}T00:00:00+03:30`);
    const toMs = Date.parse(`${to}T00:00:00+03:30`);
    const calendar = CALENDAR_PRESET_KEYS[i % CALENDAR_PRESET_KEYS.length]!;
    return {
      target: { unit: benchCase.unit, amount: benchCase.amount, calendar },
      startMs: Math.floor(fromMs + next() * (toMs - fromMs)),
    };
  });
}

type Inputs = { target: TargetSpec; startMs: number }[];

function timePass(inputs: Inputs, calendars: (key: string) => BusinessCalendar): { count: number; seconds: number } {
  const started = process.hrtime.bigint();
  for (const { target, startMs } of inputs) deadlineFor(target, startMs, calendars);
  return { count: inputs.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function timeWarm(inputs: Inputs, calendars: (key: string) => BusinessCalendar): { count: number; seconds: number } {
  let count = 0;
  let seconds = 0;
  while (seconds < WARM_SECONDS) {
    const pass = timePass(inputs, calendars);
    count += pass.count;
    seconds += pass.seconds;
  }
  return { count, seconds };
}

export function runCalendarBench() {
  const results = CASES.map((benchCase) => {
    const inputs = startsFor(benchCase);
    const calendars = compilePresets();
    const cold = timePass(inputs, calendars);
    const warm = timeWarm(inputs, calendars);
    return {
      case: benchCase.name,
      calendars: CALENDAR_PRESET_KEYS.length,
      distinctStarts: inputs.length,
      coldPerSecond: Math.round(cold.count / cold.seconds),
      warmPerSecond: Math.round(warm.count / warm.seconds),
      warmIterations: warm.count,
      meetsGoal: warm.count / warm.seconds >= GOAL_PER_SECOND,
    };
  });
  for (const result of results) {
    console.log(
      `${result.case.padEnd(32)} warm ${result.warmPerSecond.toLocaleString('en-US').padStart(11)}/s   cold ${result.coldPerSecond.toLocaleString('en-US').padStart(11)}/s   ${result.meetsGoal ? 'meets' : 'MISSES'} the ${GOAL_PER_SECOND.toLocaleString('en-US')}/s goal`,
    );
  }
  const report = { machine: describeMachine(), goalPerSecond: GOAL_PER_SECOND, results };
  writeResult('calendar', report, { quiet: true });
  return report;
}

if (require.main === module) runCalendarBench();
