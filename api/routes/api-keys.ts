import { z } from 'zod';
import { createKeyWithUser, generateApiKey, roles } from '../auth';
import { loadUser, presentSessionUser, sessionUserResponse } from '../people';
import { ApiError } from '../errors';
import { line } from '../text';
import { defineRoute, idParams } from '../route';
import { iso, isoOrNull } from '../../sla/iso';

const apiKeyResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  displayName: z
    .string()
    .nullable()
    .describe("How people see the holder in timelines and decisions; the role's label when null"),
  prefix: z.string(),
  role: z.enum(roles),
  customerId: z.uuid().nullable(),
  userId: z.uuid().describe('The user the key acts as'),
  createdAt: z.iso.datetime({ offset: true }),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
  lastUsedAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .describe('When the key last authenticated a request, to the minute; null if never'),
});

const createApiKeyBody = z
  .strictObject({
    name: line(200),
    displayName: line(100)
      .optional()
      .describe('How people see the holder in timelines and decisions (e.g. "Sara, support"); never the key'),
    userId: z
      .uuid()
      .optional()
      .describe(
        'The user the key acts as (their role, customer account, vendor and departments); omitted, a user of its own is made from role, customerId and displayName or name',
      ),
    role: z.enum(roles).optional().describe("Without userId: the role of the key's new user"),
    customerId: z.uuid().optional(),
  })
  .refine((b) => b.userId === undefined || (b.role === undefined && b.customerId === undefined), {
    message: "with userId the role and customer are the user's: leave them out",
    path: ['role'],
  })
  .refine((b) => b.userId !== undefined || b.role !== undefined, { message: 'required without userId', path: ['role'] })
  .refine((b) => b.userId !== undefined || (b.role === 'customer') === (b.customerId !== undefined), {
    message: 'required for the customer role and only for it',
    path: ['customerId'],
  });

type ApiKeyRow = {
  id: string;
  name: string;
  displayName: string | null;
  prefix: string;
  role: z.infer<typeof apiKeyResponse>['role'];
  customerId: string | null;
  userId: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};

const present = (row: ApiKeyRow): z.infer<typeof apiKeyResponse> => ({
  id: row.id,
  name: row.name,
  displayName: row.displayName,
  prefix: row.prefix,
  role: row.role,
  customerId: row.customerId,
  userId: row.userId,
  createdAt: iso(row.createdAt),
  revokedAt: isoOrNull(row.revokedAt),
  lastUsedAt: isoOrNull(row.lastUsedAt),
});

export const apiKeyRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/me',
    tag: 'auth',
    summary: 'The principal behind the API key',
    roles: ['customer', 'agent', 'qa', 'manager', 'admin'],
    response: z.object({
      keyId: z.string().describe("The API key's id (for a signed-in person: the user's id)"),
      role: z.enum(roles),
      customerId: z.uuid().nullable(),
      user: sessionUserResponse,
    }),
    handler: async ({ principal, deps }) => {
      const user = await loadUser(deps.db, principal.userId);
      if (!user) throw new ApiError('unauthenticated', 'the user no longer exists');
      return {
        keyId: principal.keyId,
        role: principal.role,
        customerId: principal.customerId,
        user: presentSessionUser(user),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/api-keys',
    tag: 'auth',
    summary: 'Create an API key; the secret is shown only in this answer',
    roles: ['admin'],
    body: createApiKeyBody,
    status: 201,
    errors: [422],
    response: apiKeyResponse.extend({ key: z.string() }),
    handler: async ({ body, deps }) => {
      if (body.customerId && !(await deps.db.customer.findUnique({ where: { id: body.customerId } }))) {
        throw new ApiError('unprocessable', `customer ${body.customerId} does not exist`, {
          invalidFields: [{ field: 'body.customerId', reason: 'no such customer' }],
        });
      }
      if (body.userId === undefined) {
        const created = await createKeyWithUser(deps.db, {
          name: body.name,
          displayName: body.displayName ?? null,
          role: body.role!,
          customerId: body.customerId ?? null,
        });
        return { ...present(await deps.db.apiKey.findUniqueOrThrow({ where: { id: created.id } })), key: created.key };
      }
      const user = await deps.db.user.findUnique({ where: { id: body.userId } });
      if (!user)
        throw new ApiError('unprocessable', `user ${body.userId} does not exist`, {
          invalidFields: [{ field: 'body.userId', reason: 'no such user' }],
        });
      const generated = generateApiKey();
      const row = await deps.db.apiKey.create({
        data: {
          name: body.name,
          displayName: body.displayName ?? null,
          role: user.role,
          customerId: user.customerId,
          userId: user.id,
          prefix: generated.prefix,
          secretHash: generated.secretHash,
        },
      });
      return { ...present(row), key: generated.key };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/api-keys',
    tag: 'auth',
    summary: 'List API keys (never their secrets)',
    roles: ['admin'],
    response: z.object({ items: z.array(apiKeyResponse) }),
    handler: async ({ deps }) => ({
      items: (await deps.db.apiKey.findMany({ orderBy: { createdAt: 'asc' } })).map(present),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/api-keys/:id',
    tag: 'auth',
    summary: 'Revoke an API key at once',
    roles: ['admin'],
    params: idParams,
    response: apiKeyResponse,
    handler: async ({ params, deps }) => {
      const existing = await deps.db.apiKey.findUnique({ where: { id: params.id } });
      if (!existing) throw ApiError.notFound('API key', params.id);
      const row = await deps.db.apiKey.update({
        where: { id: params.id },
        data: { revokedAt: existing.revokedAt ?? new Date() },
      });
      return present(row);
    },
  }),
];
