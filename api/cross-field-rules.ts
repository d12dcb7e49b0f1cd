/**
 * Rules between fields (or against the clock, or against other records' keys) that JSON Schema
 * cannot state, by operation. The OpenAPI document lists them as `x-rules` and in the
 * operation's description; a request that breaks one is a 400 naming the field. Schemathesis's
 * positive-data check skips exactly these operations (fuzz/schemathesis.ts).
 */
export const CROSS_FIELD_RULES: Record<string, string[]> = {
  'POST /v1/api-keys': [
    'either userId (the key acts as that user) or role, with customerId for the customer role and only for it',
  ],
  'POST /v1/users': [
    'customerId is required for the customer role and only for it',
    'a customer user has no vendorId or departmentIds',
    'a password comes with an email',
  ],
  'POST /v1/availability/preview': [
    'periodEnd is after periodStart, at most 400 days later',
    "each outage's end is not before its start",
  ],
  'POST /v1/calendars': ['timeZone is an IANA time zone', "each day's intervals are ordered and do not overlap"],
  'PATCH /v1/calendars/{id}': ['timeZone is an IANA time zone', "each day's intervals are ordered and do not overlap"],
  'PUT /v1/calendars/{id}/exceptions/{date}': [
    'each interval ends after it starts, and the intervals are ordered and do not overlap',
  ],
  'POST /v1/change-requests/{id}/record-delay': ['endsAt is after startsAt'],
  'POST /v1/change-requests/{id}/commit-delivery': ['deliverBy is in the future'],
  'POST /v1/change-requests/{id}/review': ["a quote's proposedDeliveryAt is in the future"],
  'POST /v1/claims': ['exactly one of outageIds, period and ticketIds', 'period.end is after period.start'],
  'POST /v1/claims/{id}/reject': ['an exclusion, a reason, or both'],
  'POST /v1/contracts': ['endsAt is later than startsAt'],
  'PATCH /v1/contracts/{id}': ['endsAt is later than startsAt'],
  'POST /v1/contracts/{id}/entitlements': ['expiresAt is later than purchasedAt'],
  'POST /v1/customers/{id}/emergency-approvals': ['expiresAt is in the future and at most 7 days away'],
  'POST /v1/holidays': ['date is a real calendar date (YYYY-MM-DD) in 1970–2199'],
  'PATCH /v1/holidays/{id}': ['date is a real calendar date (YYYY-MM-DD) in 1970–2199'],
  'POST /v1/outages': [
    'customerId is given for customer-specific causes and only for them',
    'endedAt is not before startedAt',
  ],
  'POST /v1/outages/{id}/corrections': ['void comes with reason alone', 'something besides reason is corrected'],
  'POST /v1/policies': ['every calendar a target names exists', 'the terms are within sla/limits.ts'],
  'PATCH /v1/policies/{id}': ['every calendar a target names exists', 'the terms are within sla/limits.ts'],
  'POST /v1/products/{id}/maintenance-windows': [
    'endsAt is after startsAt',
    'the window is announced before it starts',
  ],
  'POST /v1/sla/preview': ['exactly one of preset and policyId'],
  'GET /v1/reports/sla': ['month, or from and to together (real dates, at most 732 days apart)'],
  'GET /v1/reports/breaches': ['month, or from and to together (real dates, at most 732 days apart)'],
  'GET /v1/reports/claims': ['month, or from and to together (real dates, at most 732 days apart)'],
  'GET /v1/reports/change-requests': ['month, or from and to together (real dates, at most 732 days apart)'],
  'GET /v1/holidays': ['from and to are real calendar dates'],
  'GET /v1/holidays/estimated': ['asOf is a real calendar date'],
  'GET /v1/products/{id}/availability': ['month is a Jalali month such as 1405-09'],
  'POST /v1/webhooks': [
    'url is https (http only outside production or to an allowed host), without credentials, and not a private, loopback or link-local address unless allowed',
    'a customer names no staff-only event type (ticket.warning, ticket.breached, ticket.escalated) and no vendorId',
    "productIds exist and are within the subscriber's scope (a customer's contracts, the vendor's products)",
  ],
  'PATCH /v1/webhooks/{id}': ['at least one field', 'url, eventTypes and productIds as for POST /v1/webhooks'],
  'POST /v1/webhooks/{id}/redeliver': [
    'either eventId, or from and to together (to after from, at most 31 days later)',
  ],
};
