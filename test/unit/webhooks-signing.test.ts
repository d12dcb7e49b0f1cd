/**
 * Our signatures verify with the Standard Webhooks reference library (an independent
 * implementation), with either secret during a rotation's overlap, and not with another secret or
 * a changed body.
 */
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, signedHeaders } from '../../activities/webhooks/signing';

const body = JSON.stringify({
  type: 'ticket.opened',
  timestamp: '2026-12-03T09:00:00.000Z',
  data: { ticketId: 'x', subject: 'سلام' },
});
const now = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signing', () => {
  it('verifies with the reference library', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = signedHeaders([secret], 'evt_1', now(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('signs with both secrets during a rotation, so either one verifies', () => {
    const [fresh, previous] = [newWebhookSecret(), newWebhookSecret()];
    const headers = signedHeaders([fresh, previous], 'evt_2', now(), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(fresh).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
  });

  it('does not verify with another secret, another body or another id', () => {
    const secret = newWebhookSecret();
    const headers = signedHeaders([secret], 'evt_3', now(), body);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('x', 'y'), headers)).toThrow();
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'evt_4' })).toThrow();
  });
});
