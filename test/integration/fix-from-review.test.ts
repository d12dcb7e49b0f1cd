/**
 * Rule 13 through HTTP: an Avanak ticket's fix target waits on the review (the ticket view says
 * so, with no deadline), and the review result recorded by an agent (`decision: confirm`, the
 * fault is Avanak's) starts it: 3 business days on Amoot's office calendar as stored (official
 * holidays included) from that moment, the same deadline the domain computes.
 */
import { compileCalendar } from '../../sla/calendar';
import { deadlineFor } from '../../sla/targets';
import { loadCalendarSpecs } from '../../store/sla-config';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';

const db = testDatabase();
afterAll(closeTestDatabase);

const ticketBody = (productId: string) => ({
  productId,
  priority: 'high',
  subject: 'دکمه ارسال پیام در پنل کار نمی‌کند',
  description: 'از امروز صبح دکمه ارسال پیام صوتی در پنل کاربری خطا می‌دهد.',
  channel: 'portal',
});

type Target = { target: string; state: string; startedAt: string; dueAt: string | null };
const targetOf = (body: { clock: { targets: Target[] } }, name: string) =>
  body.clock.targets.find((t) => t.target === name);

describe("rule 13: Avanak's fix counts from the review result", () => {
  it('shows the fix waiting on the review, then due 3 office days after the review is recorded', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'avanak', planKey: 'avanak' });
    const customer = testApi(key);
    const agent = testApi(await createKey('agent'));
    const opened = await customer('POST', '/v1/tickets', ticketBody(product.id));
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    const openedAtMs = Date.parse(opened.body.openedAt);

    const before = await agent('GET', `/v1/tickets/${id}`);
    expect(before.body.clock.targets.map((t: Target) => [t.target, t.state])).toEqual([
      ['first_response', 'running'],
      ['review', 'running'],
      ['resolution', 'awaiting_review'],
    ]);
    expect(targetOf(before.body, 'resolution')!.dueAt).toBeNull();
    expect(Date.parse(targetOf(before.body, 'review')!.dueAt!)).toBe(openedAtMs + 24 * 3_600_000);

    const reviewed = await agent('POST', `/v1/tickets/${id}/review`, {
      decision: 'confirm',
      finding: 'خطا از سمت آوانک است و رفع می‌شود',
    });
    expect(reviewed.status).toBe(200);
    const fix = targetOf(reviewed.body, 'resolution')!;
    expect(fix.state).toBe('running');
    const reviewedAtMs = Date.parse(fix.startedAt);
    expect(reviewedAtMs).toBeGreaterThan(openedAtMs);
    const office = compileCalendar((await loadCalendarSpecs(db, ['amoot-office']))[0]!);
    const expected = deadlineFor(
      { unit: 'business_days', amount: 3, calendar: 'amoot-office' },
      reviewedAtMs,
      () => office,
    )!;
    expect(Date.parse(fix.dueAt!)).toBe(expected);
    expect(targetOf(reviewed.body, 'review')).toBeUndefined();

    // The customer reads the same deadline, and the result on the timeline.
    const seen = await customer('GET', `/v1/tickets/${id}`);
    expect(targetOf(seen.body, 'resolution')).toMatchObject({ state: 'running', dueAt: fix.dueAt });
    const events = await customer('GET', `/v1/tickets/${id}/events`);
    expect(events.body.items.map((e: { type: string }) => e.type)).toContain('fault_confirmed');

    const again = await agent('POST', `/v1/tickets/${id}/review`, { decision: 'confirm', finding: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('already made (confirmed)');
  });

  it('refuses a confirmation without its finding (400) and on a plan whose fix counts from opening (409)', async () => {
    const { product, key } = await createCustomerWithContract({ productKey: 'avanak', planKey: 'avanak' });
    const agent = testApi(await createKey('agent'));
    const opened = await testApi(key)('POST', '/v1/tickets', ticketBody(product.id));
    const missing = await agent('POST', `/v1/tickets/${opened.body.id}/review`, { decision: 'confirm' });
    expect(missing.status).toBe(400);
    expect(missing.body.invalidFields.map((f: { field: string }) => f.field)).toContain('body.finding');
    expect(
      (await testApi(key)('POST', `/v1/tickets/${opened.body.id}/review`, { decision: 'confirm', finding: 'x' }))
        .status,
    ).toBe(403);

    const owj = await createCustomerWithContract({ productKey: 'owj', planKey: 'owj-agile' });
    const other = await testApi(owj.key)('POST', '/v1/tickets', ticketBody(owj.product.id));
    const refused = await agent('POST', `/v1/tickets/${other.body.id}/review`, { decision: 'confirm', finding: 'x' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('does not count from a review result');
  });

  it('stores the avanak plan with its fix counted from the review result', async () => {
    const row = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'avanak' } } });
    const definition = row.definition as {
      priorities: Record<string, { resolutionFrom?: string }>;
      reviewDeadline: unknown;
    };
    expect(Object.values(definition.priorities).map((p) => p.resolutionFrom)).toEqual([
      'review_result',
      'review_result',
      'review_result',
      'review_result',
    ]);
    expect(definition.reviewDeadline).toEqual({ unit: 'business_minutes', amount: 1440, calendar: 'always-open' });
  });
});
