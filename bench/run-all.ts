/** Every benchmark, one after the other: npm run bench */
import { runCalendarBench } from './calendar.bench';

runCalendarBench();
