/**
 * Rows whose workflow never ran: intake stored them, then the start failed (Temporal
 * unreachable, the process killed between the two). Tickets, claims and change requests are
 * still in their first state and have no event, because a workflow's first act is to record its
 * opening; an outage (whose workflow records no events) has no `workflowStartedAt`. The
 * recovery sweep starts them once a minute; a command that meets one starts it at once.
 */

/** The actor a recovered start records as having opened the request. */
export const RECOVERY_ACTOR = 'system:recovery';

/** Prisma filters for such rows, optionally only those stored before an instant. */
export const neverStarted = {
  tickets: (openedBefore?: Date) => ({
    status: 'new' as const,
    events: { none: {} },
    ...(openedBefore && { openedAt: { lt: openedBefore } }),
  }),
  claims: (receivedBefore?: Date) => ({
    status: 'received' as const,
    events: { none: {} },
    ...(receivedBefore && { receivedAt: { lt: receivedBefore } }),
  }),
  changeRequests: (createdBefore?: Date) => ({
    status: 'in_review' as const,
    events: { none: {} },
    ...(createdBefore && { createdAt: { lt: createdBefore } }),
  }),
  outages: (createdBefore?: Date) => ({
    workflowId: { not: null },
    workflowStartedAt: null,
    ...(createdBefore && { createdAt: { lt: createdBefore } }),
  }),
};
