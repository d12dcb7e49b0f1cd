/** Every benchmark, one after the other: npm run bench */
import { runCalendarBench } from './calendar.bench';
import { runTicketsBench } from './tickets.bench';

async function main(): Promise<void> {
  runCalendarBench();
  await runTicketsBench();
}

void main();
