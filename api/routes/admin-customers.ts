import { z } from 'zod';
import type { Contact, Customer } from '../../generated/prisma/client';
import type { Database } from '../../platform/database';
import type { Principal } from '../auth';
import { refuseIfInUse, writeOrConflict } from '../configuration-errors';
import { ApiError } from '../errors';
import { afterCursor, oldestFirst, paged } from '../paging';
import { defineRoute, idParams, Reply } from '../route';
import { ADMIN, STAFF } from '../schemas/common';
import {
  contactBody,
  contactParams,
  contactResponse,
  createCustomerBody,
  customerListQuery,
  customerResponse,
  updateContactBody,
  updateCustomerBody,
} from '../schemas/customers';
import { iso } from '../../sla/iso';

type CustomerRow = Customer & { contacts: Contact[] };

const withContacts = { contacts: { orderBy: [{ isPrimary: 'desc' as const }, { name: 'asc' as const }] } };

const presentContact = (row: Contact): z.infer<typeof contactResponse> => ({
  id: row.id,
  name: row.name,
  phone: row.phone,
  email: row.email,
  isPrimary: row.isPrimary,
});

const present = (row: CustomerRow): z.infer<typeof customerResponse> => ({
  id: row.id,
  name: row.name,
  messagingPreference: row.messagingPreference,
  city: row.city,
  contacts: row.contacts.map(presentContact),
  createdAt: iso(row.createdAt),
});

/** A customer key sees only its own account; to it every other id does not exist. */
async function customerOr404(db: Database, id: string, principal?: Principal): Promise<CustomerRow> {
  const visible = principal?.role !== 'customer' || principal.customerId === id;
  const row = visible ? await db.customer.findUnique({ where: { id }, include: withContacts }) : null;
  if (!row) throw ApiError.notFound('customer', id);
  return row;
}

async function contactOr404(db: Database, customerId: string, contactId: string): Promise<Contact> {
  const row = await db.contact.findFirst({ where: { id: contactId, customerId } });
  if (!row) throw ApiError.notFound('contact', contactId);
  return row;
}

/** Messages to a customer go to the one primary contact. */
async function unsetOtherPrimaries(db: Database, customerId: string, keep: string): Promise<void> {
  await db.contact.updateMany({
    where: { customerId, isPrimary: true, id: { not: keep } },
    data: { isPrimary: false },
  });
}

export const customerRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/customers',
    tag: 'customers',
    summary: 'List customers, oldest first; `name` filters by a part of the name',
    roles: STAFF,
    query: customerListQuery,
    response: z.object({ items: z.array(customerResponse), nextCursor: z.string().nullable() }),
    handler: async ({ query, deps }) => {
      const rows = await deps.db.customer.findMany({
        where: {
          AND: [query.name ? { name: { contains: query.name, mode: 'insensitive' } } : {}, afterCursor(query.cursor)],
        },
        include: withContacts,
        orderBy: oldestFirst(),
        take: query.limit + 1,
      });
      const page = paged(rows, query.limit);
      return { items: page.rows.map(present), nextCursor: page.nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/customers/:id',
    tag: 'customers',
    summary: 'One customer with contacts (a customer key: only its own account)',
    roles: ['customer', ...STAFF],
    params: idParams,
    response: customerResponse,
    handler: async ({ params, principal, deps }) => present(await customerOr404(deps.db, params.id, principal)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/customers',
    tag: 'customers',
    summary: 'Create a customer with contacts and messaging preference',
    roles: ADMIN,
    body: createCustomerBody,
    status: 201,
    response: customerResponse,
    handler: async ({ body, deps }) => {
      const row = await deps.db.customer.create({
        data: {
          name: body.name,
          messagingPreference: body.messagingPreference,
          city: body.city ?? null,
          contacts: {
            create: body.contacts.map((c) => ({
              name: c.name,
              phone: c.phone ?? null,
              email: c.email ?? null,
              isPrimary: c.isPrimary,
            })),
          },
        },
        include: withContacts,
      });
      return present(row);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/customers/:id',
    tag: 'customers',
    summary: 'Rename a customer or change its messaging preference',
    roles: ADMIN,
    params: idParams,
    body: updateCustomerBody,
    response: customerResponse,
    handler: async ({ params, body, deps }) => {
      await customerOr404(deps.db, params.id);
      return present(await deps.db.customer.update({ where: { id: params.id }, data: body, include: withContacts }));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/customers/:id',
    tag: 'customers',
    summary: 'Delete a customer with no tickets, claims or change requests; contacts, contracts and keys go with it',
    roles: ADMIN,
    params: idParams,
    status: 204,
    errors: [409],
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      const customer = await customerOr404(deps.db, params.id);
      const where = { customerId: params.id };
      refuseIfInUse(`customer ${customer.name}`, {
        tickets: await deps.db.ticket.count({ where }),
        claims: await deps.db.claim.count({ where }),
        'change requests': await deps.db.changeRequest.count({ where }),
        'credit notes': await deps.db.creditNote.count({ where }),
        invoices: await deps.db.invoice.count({ where }),
        outages: await deps.db.outage.count({ where }),
      });
      await writeOrConflict(deps.db.customer.delete({ where: { id: params.id } }));
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/customers/:id/contacts',
    tag: 'customers',
    summary: 'Add a contact to a customer',
    roles: ADMIN,
    params: idParams,
    body: contactBody,
    status: 201,
    response: contactResponse,
    handler: async ({ params, body, deps }) => {
      await customerOr404(deps.db, params.id);
      const row = await deps.db.contact.create({
        data: {
          customerId: params.id,
          name: body.name,
          phone: body.phone ?? null,
          email: body.email ?? null,
          isPrimary: body.isPrimary,
        },
      });
      if (row.isPrimary) await unsetOtherPrimaries(deps.db, params.id, row.id);
      return presentContact(row);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/v1/customers/:id/contacts/:contactId',
    tag: 'customers',
    summary: "Change a customer's contact",
    roles: ADMIN,
    params: contactParams,
    body: updateContactBody,
    response: contactResponse,
    handler: async ({ params, body, deps }) => {
      await contactOr404(deps.db, params.id, params.contactId);
      const row = await deps.db.contact.update({ where: { id: params.contactId }, data: body });
      if (row.isPrimary) await unsetOtherPrimaries(deps.db, params.id, row.id);
      return presentContact(row);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/customers/:id/contacts/:contactId',
    tag: 'customers',
    summary: "Remove a customer's contact",
    roles: ADMIN,
    params: contactParams,
    status: 204,
    response: z.undefined(),
    handler: async ({ params, deps }) => {
      await contactOr404(deps.db, params.id, params.contactId);
      await deps.db.contact.delete({ where: { id: params.contactId } });
      return new Reply(204, undefined);
    },
  }),
];
