import { z } from 'zod';
import { actingCustomerId, type Principal } from './auth';
import { ApiError } from './errors';

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
