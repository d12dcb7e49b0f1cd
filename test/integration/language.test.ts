/**
 * Problem details in the caller's language (issue 15): the same code, type, reason and field
 * names, with title and detail in Persian or English as Accept-Language asks, Persian by default
 * for customers and English for staff; Content-Language says which.
 */
import { randomUUID } from 'node:crypto';
import { closeTestDatabase, createCustomerWithContract, createKey, testDatabase } from '../support/fixtures';
import { testApi } from '../support/http';

testDatabase();
afterAll(closeTestDatabase);

describe('problem details in the caller language', () => {
  it('answers one refused ticket in Persian by default for a customer and in English when asked', async () => {
    const { key } = await createCustomerWithContract({ productKey: 'kian-crm-project', planKey: 'kian-project-gold' });
    const customer = testApi(key);
    const asked = (language: string) =>
      customer('POST', '/v1/tickets', { subject: '', priority: 'urgent-ish' }, { 'accept-language': language });

    const unspoken = await asked('*');
    const persian = await asked('fa-IR,fa;q=0.9');
    const english = await asked('en-US,en;q=0.9');
    for (const res of [unspoken, persian, english]) expect(res.status).toBe(400);
    expect(unspoken.body).toEqual({ ...persian.body, requestId: unspoken.body.requestId });
    expect(unspoken.headers.get('content-language')).toBe('fa');
    expect(english.headers.get('content-language')).toBe('en');
    expect(english.headers.get('vary')).toMatch(/Accept-Language/i);

    const same = ({ type, status, code, invalidFields }: Record<string, unknown>) => ({
      type,
      status,
      code,
      invalidFields,
    });
    expect(same(persian.body)).toEqual(same(english.body));
    expect(english.body).toMatchObject({
      code: 'validation_failed',
      title: 'The request is invalid',
      detail: expect.stringContaining('body.subject'),
    });
    expect(english.body.detailEn).toBeUndefined();
    expect(persian.body).toMatchObject({
      title: 'درخواست نامعتبر است',
      detail: expect.stringMatching(/^برخی از مقادیر درخواست نامعتبرند\. \(.*body\.subject/),
      detailEn: english.body.detail,
    });
    expect(persian.body.invalidFields.map((f: { field: string }) => f.field)).toContain('body.subject');
  });

  it('answers staff in English unless they ask for Persian, and a 404 the same way', async () => {
    const agent = testApi(await createKey('agent'));
    const path = `/v1/tickets/${randomUUID()}`;
    const plain = await agent('GET', path, undefined, { 'accept-language': '*' });
    const persian = await agent('GET', path, undefined, { 'accept-language': 'fa' });
    expect(plain).toMatchObject({ status: 404, body: { code: 'not_found', title: 'Not found' } });
    expect(plain.headers.get('content-language')).toBe('en');
    expect(persian).toMatchObject({
      status: 404,
      body: { code: 'not_found', type: plain.body.type, title: 'پیدا نشد', detailEn: plain.body.detail },
    });
    expect(persian.headers.get('content-language')).toBe('fa');
  });
});
