/**
 * The events a webhook subscription can ask for. The triggers of the `webhooks` migration write
 * them (which timeline entry becomes which type is said there); `webhook.ping` is only ever sent
 * to the subscription that asked for it.
 */
export const WEBHOOK_EVENT_TYPES = [
  'ticket.opened',
  'ticket.replied',
  'ticket.status_changed',
  'ticket.priority_changed',
  'ticket.warning',
  'ticket.breached',
  'ticket.escalated',
  'ticket.resolved',
  'ticket.closed',
  'claim.filed',
  'claim.acknowledged',
  'claim.decided',
  'change_request.step',
  'outage.recorded',
  'outage.corrected',
  'outage.closed',
  'maintenance.announced',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const PING_EVENT_TYPE = 'webhook.ping';
