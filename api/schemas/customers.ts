import { z } from 'zod';
import { ALLOWANCE_KINDS } from '../../sla/entitlements';
import { email, label, phone, rials, rialsOut, timestamp } from './common';
import { line } from '../text';

/** Customers with their contacts and messaging preference, their contracts, and what the contracts include. */

const nonEmpty = (body: object) => Object.keys(body).length > 0;
const NOTHING_TO_CHANGE = 'name at least one field to change';

const MESSAGING_PREFERENCES = ['all', 'no_advertising', 'no_messages'] as const;

const city = line(100).describe(
  'Where the customer is served on site, e.g. "Tehran" or "تهران": Kian\'s and Iotex\'s on-site terms are Tehran only',
);

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
};

export const contactBody = z.strictObject({
  name: label,
  phone: phone.nullable().optional(),
  email: email.nullable().optional(),
  isPrimary: z
    .boolean()
    .default(false)
    .describe('The one contact messages to the customer go to; setting it unsets the others'),
});

export const updateContactBody = z
  .strictObject({
    name: label.optional(),
    phone: phone.nullable().optional(),
    email: email.nullable().optional(),
    isPrimary: z.boolean().optional(),
  })
  .refine(nonEmpty, NOTHING_TO_CHANGE);

export const contactParams = z.strictObject({
  id: z.uuid({ error: 'must be a UUID' }),
  contactId: z.uuid({ error: 'must be a UUID' }),
});

export const createCustomerBody = z
  .strictObject({
    name: label,
    messagingPreference: z
      .enum(MESSAGING_PREFERENCES)
      .default('all')
      .describe('Set by the voice-of-customer officer: no advertising messages, or no messages at all'),
    city: city.nullable().optional(),
    contacts: z.array(contactBody).max(50).default([]),
  })
  .refine((body) => body.contacts.filter((c) => c.isPrimary).length <= 1, {
    message: 'at most one contact can be primary',
    path: ['contacts'],
  });

export const updateCustomerBody = z
  .strictObject({
    name: label.optional(),
    messagingPreference: z.enum(MESSAGING_PREFERENCES).optional(),
    city: city.nullable().optional(),
  })
  .refine(nonEmpty, NOTHING_TO_CHANGE);

export const customerListQuery = z.strictObject({ name: line(200).optional(), ...pageQuery });

export const contactResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  isPrimary: z.boolean(),
});

export const customerResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  messagingPreference: z.enum(MESSAGING_PREFERENCES),
  city: z.string().nullable().describe('null: not on file'),
  contacts: z.array(contactResponse),
  createdAt: timestamp,
});

const contractTerms = {
  plan: line(100).optional().describe("Defaults to the policy's key"),
  startsAt: timestamp,
  endsAt: timestamp.describe('Exclusive'),
  paid: z.boolean().default(false),
  priceRials: rials.optional().describe('Rials, as a string of digits or an integer; default 0'),
};

const endsAfterStart = (body: { startsAt?: string; endsAt?: string }) =>
  body.startsAt === undefined || body.endsAt === undefined || Date.parse(body.endsAt) > Date.parse(body.startsAt);
const ENDS_AFTER_START = { message: 'must be later than startsAt', path: ['endsAt'] };

export const createContractBody = z
  .strictObject({
    customerId: z.uuid(),
    productId: z.uuid(),
    policyId: z.uuid().describe('The ticket policy of the plan; its key also finds the plan’s other terms'),
    ...contractTerms,
  })
  .refine(endsAfterStart, ENDS_AFTER_START);

export const updateContractBody = z
  .strictObject({
    policyId: z.uuid().optional(),
    plan: contractTerms.plan,
    startsAt: timestamp.optional(),
    endsAt: timestamp.optional(),
    paid: z.boolean().optional(),
    priceRials: rials.optional(),
  })
  .refine(nonEmpty, NOTHING_TO_CHANGE)
  .refine(endsAfterStart, ENDS_AFTER_START);

export const contractListQuery = z.strictObject({
  customerId: z.uuid().optional(),
  productId: z.uuid().optional(),
  ...pageQuery,
});

export const contractResponse = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  productId: z.uuid(),
  policyId: z.uuid(),
  policyKey: z.string(),
  plan: z.string(),
  startsAt: timestamp,
  endsAt: timestamp,
  paid: z.boolean(),
  priceRials: rialsOut,
  createdAt: timestamp,
});

export const HOURLY_PACKAGE_KIND = 'hourly_package';

export const ENTITLEMENT_KINDS = [...ALLOWANCE_KINDS, HOURLY_PACKAGE_KIND] as const;

/** A count, minutes or hours: positive, and within the PostgreSQL integer column that holds it. */
const quantity = z.number().int().positive().max(2_147_483_647);

export const createEntitlementBody = z
  .strictObject({
    kind: z.enum(ENTITLEMENT_KINDS),
    quantity: quantity
      .optional()
      .describe('A count, minutes for other hour-based kinds, or the hours of an hourly package (required for one)'),
    purchasedAt: timestamp.optional().describe('Hourly packages: when bought (default now)'),
    expiresAt: timestamp
      .optional()
      .describe(
        'Hourly packages: default the end of the Jalali year, or of the next one if bought in its last three months',
      ),
  })
  .refine((body) => body.kind !== HOURLY_PACKAGE_KIND || body.quantity !== undefined, {
    message: 'an hourly package needs its hours',
    path: ['quantity'],
  });

export const updateEntitlementBody = z
  .strictObject({
    quantity: quantity.nullable().optional(),
    purchasedAt: timestamp.nullable().optional(),
    expiresAt: timestamp.nullable().optional(),
  })
  .refine(nonEmpty, NOTHING_TO_CHANGE);

export const entitlementParams = z.strictObject({
  id: z.uuid({ error: 'must be a UUID' }),
  entitlementId: z.uuid({ error: 'must be a UUID' }),
});

export const entitlementResponse = z.object({
  id: z.uuid(),
  contractId: z.uuid(),
  kind: z.string(),
  quantity: z.number().int().nullable(),
  purchasedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  used: z.number().describe('Sum of the recorded uses (minutes for hour-based kinds)'),
});
