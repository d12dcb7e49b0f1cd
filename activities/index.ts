import type { Config } from '../platform/config';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { createDeliveryChannels } from './notifications/channels';
import { createNotificationActivities } from './notifications/outbox';
import { createChangeRequestActivities } from './change-requests';
import { createClaimActivities } from './claims';
import { createOutageActivities } from './outages';
import { createTicketActivities } from './tickets';

export interface ActivityDeps {
  db: Database;
  logger: Logger;
  config: Config;
}

/** Every activity Pasban's workflows call, bound to their I/O dependencies. */
export function createActivities(deps: ActivityDeps) {
  const notifications = createNotificationActivities({
    db: deps.db,
    logger: deps.logger,
    channels: createDeliveryChannels(deps.config, deps.logger),
  });
  return {
    ...notifications,
    ...createTicketActivities({ ...deps, notify: notifications.notify }),
    ...createChangeRequestActivities({ ...deps, notify: notifications.notify }),
    ...createClaimActivities({ ...deps, notify: notifications.notify }),
    ...createOutageActivities({ ...deps, notify: notifications.notify }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
