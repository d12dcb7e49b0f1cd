import type { Config } from '../platform/config';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';

export interface ActivityDeps {
  db: Database;
  logger: Logger;
  config: Config;
}

/** Every activity Pasban's workflows call, bound to their I/O dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
