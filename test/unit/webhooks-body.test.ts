// The body a receiver gets is bounded: an event too big for it loses its details, keeps its ids.
import { webhookBody } from '../../activities/webhooks/relay';

describe('webhookBody', () => {
  const occurredAt = new Date('2026-12-03T10:00:00.000Z');

  it('is the Standard Webhooks envelope (type, timestamp, data) when it fits', () => {
    const body = webhookBody({
      type: 'ticket.replied',
      occurredAt,
      data: { ticketId: 't-1', details: { body: 'سلام' } },
    });
    expect(JSON.parse(body)).toEqual({
      type: 'ticket.replied',
      timestamp: '2026-12-03T13:30:00.000+03:30',
      data: { ticketId: 't-1', details: { body: 'سلام' } },
    });
  });

  it('leaves the details out, and says so, when the body would pass the bound', () => {
    const body = webhookBody(
      { type: 'ticket.replied', occurredAt, data: { ticketId: 't-1', details: { body: 'x'.repeat(100_000) } } },
      64 * 1024,
    );
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(64 * 1024);
    expect(JSON.parse(body)).toEqual({
      type: 'ticket.replied',
      timestamp: '2026-12-03T13:30:00.000+03:30',
      data: { ticketId: 't-1', truncated: true },
    });
  });
});
