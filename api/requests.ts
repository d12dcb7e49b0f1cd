import { z } from 'zod';
import { checkEligibility } from '../platform/eligibility';
import type { Database } from '../platform/database';
import type { Eligibility, RequestKind } from '../sla/eligibility';
import { actingCustomerId, type Principal } from './auth';
import { ApiError } from './errors';
import { refusal } from './workflow-commands';

/** Free text of at most `max` characters, trimmed, not empty. */
export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const idempotencyKey = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1–200 letters, digits or . _ : -');

/**
 * The customer a new ticket, claim or change request is for: a customer key's own account, or
 * the one staff name in `body.customerId` (required then).
 */
export function requestingCustomer(principal: Principal, bodyCustomerId: string | undefined, what: string): string {
  const customerId = actingCustomerId(principal, bodyCustomerId);
  if (!customerId) {
    const reason = `required when staff ${what}`;
    throw new ApiError('validation_failed', `body.customerId: ${reason}`, { invalidFields: [{ field: 'body.customerId', reason }] });
  }
  return customerId;
}

/** The `Idempotency-Key` header, validated; undefined when the client sent none. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const header = headers['idempotency-key'];
  if (header === undefined) return undefined;
  const parsed = idempotencyKey.safeParse(header);
  if (!parsed.success) throw ApiError.fromZod(parsed.error, 'header');
  return parsed.data;
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
    throw new ApiError('unprocessable', `customer ${request.customerId} does not exist`, { invalidFields: [{ field: 'body.customerId', reason: 'no such customer' }] });
  }
  if (!(await db.product.findUnique({ where: { id: request.productId } }))) {
    throw new ApiError('unprocessable', `product ${request.productId} does not exist`, { invalidFields: [{ field: 'body.productId', reason: 'no such product' }] });
  }
  const eligibility = await checkEligibility(db, request);
  if (!eligibility.ok) throw refusal(eligibility);
  return eligibility;
}
