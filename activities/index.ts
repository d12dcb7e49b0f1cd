import type { Config } from '../platform/config';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { createDeliveryChannels, type DeliveryChannels } from './notifications/channels';
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

/**
 * Every activity Pasban's workflows call, bound to their I/O dependencies. Messages are only
 * queued in the outbox: `channels` says which ones this process's relay can deliver (the rest are
 * held), and `queued` wakes that relay.
 */
export function createActivities(deps: ActivityDeps & { channels?: DeliveryChannels; queued?: () => void }) {
  const notifications = createNotificationActivities({
    db: deps.db,
    logger: deps.logger,
    channels: deps.channels ?? createDeliveryChannels(deps.config, deps.logger),
    queued: deps.queued,
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
