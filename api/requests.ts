import { z } from 'zod';
import { checkEligibility } from '../store/eligibility';
import type { Database } from '../platform/database';
import type { Eligibility, RequestKind } from '../sla/eligibility';
import { actingCustomerId, type Principal } from './auth';
import { ApiError, type InvalidField } from './errors';
import { refusedText } from './text';
import { refusal } from './services/workflow-command';

export { line, text } from './text';

/**
 * Every string (and object key) in a request part that could not be stored, named as the API
 * names fields (`body.contacts.0.name`). Checked for every route before its own schema, so no
 * string field can carry NUL into PostgreSQL, whichever zod type it has.
 */
export function unstorableTextFields(value: unknown, location: string): InvalidField[] {
  // Iterative, and paths spelled out only when found: a body may nest thousands of levels deep.
  type At = { key: string; parent: At | null };
  const fieldOf = (at: At) => {
    const keys: string[] = [];
    for (let node: At | null = at; node; node = node.parent) keys.push(node.key);
    return keys.reverse().join('.');
  };
  const found: InvalidField[] = [];
  const pending: [unknown, At][] = [[value, { key: location, parent: null }]];
  while (pending.length > 0) {
    const [item, at] = pending.pop()!;
    if (typeof item === 'string') {
      const reason = refusedText(item);
      if (reason) found.push({ field: fieldOf(at), reason });
    } else if (Array.isArray(item)) {
      item.forEach((element, i) => pending.push([element, { key: String(i), parent: at }]));
    } else if (item && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        const reason = refusedText(key);
        if (!reason) pending.push([element, { key, parent: at }]);
        else
          found.push({
            field: fieldOf({ key: JSON.stringify(key).slice(1, -1), parent: at }),
            reason: `the field name ${reason}`,
          });
      }
    }
  }
  return found;
}

/** What an Idempotency-Key may be (also declared in the OpenAPI document). */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
/** What the key does on a route that creates a ticket, claim or change request (OpenAPI). */
export const IDEMPOTENT_CREATION =
  "A retry with the same key answers the first request's result (200, Idempotent-Replayed: true) and creates nothing twice; the same key with a different body is a 409.";
/** What the key does on a command to a running workflow (OpenAPI). */
export const IDEMPOTENT_COMMAND =
  'A retry with the same key (per API key and command) runs the command once and answers its first outcome while the workflow runs.';
const idempotencyKey = z.string().regex(IDEMPOTENCY_KEY_PATTERN, 'must be 1–200 letters, digits or . _ : -');

/**
 * The customer a new ticket, claim or change request is for: a customer key's own account, or
 * the one staff name in `body.customerId` (required then).
 */
export function requestingCustomer(principal: Principal, bodyCustomerId: string | undefined, what: string): string {
  const customerId = actingCustomerId(principal, bodyCustomerId);
  if (!customerId) {
    const reason = `required when staff ${what}`;
    throw new ApiError('validation_failed', `body.customerId: ${reason}`, {
      invalidFields: [{ field: 'body.customerId', reason }],
    });
  }
  return customerId;
}

/** The `Idempotency-Key` header, validated; undefined when the client sent none. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['idempotency-key'];
  if (header === undefined) return undefined;
  // Parsed under its name, so a refusal names `header.idempotency-key`.
  const parsed = z.object({ 'idempotency-key': idempotencyKey }).safeParse({ 'idempotency-key': header });
  if (!parsed.success) throw ApiError.fromZod(parsed.error, 'header');
  return parsed.data['idempotency-key'];
}

/**
 * The contract under which the customer may make this request now: the customer and product
 * must exist (422 naming the field), and the eligibility decision must allow it (422 with the
 * reason code).
 */
export async function requireEligible(
  db: Database,
  request: { kind: RequestKind; customerId: string; productId: string; nowMs: number },
): Promise<Extract<Eligibility, { ok: true }>> {
  if (!(await db.customer.findUnique({ where: { id: request.customerId } }))) {
    throw new ApiError('unprocessable', `customer ${request.customerId} does not exist`, {
      invalidFields: [{ field: 'body.customerId', reason: 'no such customer' }],
    });
  }
  if (!(await db.product.findUnique({ where: { id: request.productId } }))) {
    throw new ApiError('unprocessable', `product ${request.productId} does not exist`, {
      invalidFields: [{ field: 'body.productId', reason: 'no such product' }],
    });
  }
  const eligibility = await checkEligibility(db, request);
  if (!eligibility.ok) throw refusal(eligibility);
  return eligibility;
}
