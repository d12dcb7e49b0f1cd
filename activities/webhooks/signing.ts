/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): each request carries
 * `webhook-id` (the event's id, the same on every retry and redelivery), `webhook-timestamp`
 * (seconds since the epoch) and `webhook-signature`, space-separated `v1,<base64 HMAC-SHA256>`
 * over `id.timestamp.body` keyed by the secret's bytes (base64 after the `whsec_` prefix). During
 * a rotation's overlap both the new and the previous secret sign, so a receiver still holding the
 * old one verifies too.
 */
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new secret: 32 random bytes, base64, with the `whsec_` prefix receivers' libraries expect. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return 'v1,' + createHmac('sha256', secretBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
}

/** The three headers for one request, signed with every secret given (newest first). */
export function signedHeaders(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((secret) => signature(secret, id, timestampSeconds, body)).join(' '),
  };
}
