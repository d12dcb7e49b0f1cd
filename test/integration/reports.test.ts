/**
 * The four reports over a small world written as the workflows record it, in Aban and Azar 1405
 * (23 Oct – 21 Dec 2026): every figure checked by hand, in JSON and CSV. The world belongs to a
 * customer and product of its own, so the rest of the suite's data never enters the figures.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { closeTestDatabase, createKey, testDatabase } from '../support/fixtures';
import { apiClient, testApi } from '../support/http';
import {
  deleteWorld,
  writeTicket,
  type EscalationSpec,
  type OutcomeSpec,
  type WorldContext,
} from '../support/report-world';
import { buildSlaReport, rollupAnswers, SLA_GROUPINGS } from '../../api/reports/sla';
import { reportPeriod } from '../../api/reports/period';
import { storedComputation } from '../support/claim-rows';

const admin = testApi();
const db = testDatabase();
const PERIOD = 'from=2026-10-23&to=2026-12-21';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t = (local: string) => new Date(`${local}+03:30`);

let world: WorldContext;
let customerKey: string;
let otherCustomerId: string;
/** The random worlds' tickets are filed under this customer, and removed after each run. */
let propertyCustomer: string;

afterAll(async () => {
  await deleteWorld(db, world);
  await db.customer.delete({ where: { id: otherCustomerId } });
  await closeTestDatabase();
});

async function arrangeCustomerAndProduct(): Promise<WorldContext & { productKey: string }> {
  const owj = await db.product.findUniqueOrThrow({ where: { key: 'owj' } });
  const policy = await db.policy.findUniqueOrThrow({ where: { kind_key: { kind: 'ticket', key: 'owj-agile' } } });
  const productKey = `reports-${randomUUID().slice(0, 8)}`;
  const product = await db.product.create({
    data: {
      key: productKey,
      vendorId: owj.vendorId,
      departmentId: owj.departmentId,
      name: 'Reports',
      nameFa: 'گزارش',
      creditTable: 'owj',
    },
  });
  const customer = await db.customer.create({ data: { name: `گزارش ${randomUUID().slice(0, 6)}` } });
  const contract = await db.contract.create({
    data: {
      customerId: customer.id,
      productId: product.id,
      policyId: policy.id,
      plan: 'owj-agile',
      paid: true,
      priceRials: 10_000_000n,
      startsAt: t('2026-01-01T00:00:00'),
      endsAt: t('2027-12-01T00:00:00'),
    },
  });
  // A plan name of its own: no policy correction elsewhere in the suite signals these tickets.
  return {
    customerId: customer.id,
    productId: product.id,
    contractId: contract.id,
    policyKey: `reports-${productKey}`,
    productKey,
  };
}

async function writeTickets(): Promise<void> {
  // Aban: T1 met both; T2 answered late, resolved on time, reopened and resolved on time again.
  await writeTicket(db, world, {
    openedAt: '2026-11-01T09:00:00+03:30',
    priority: 'critical',
    status: 'closed',
    assignee: 'ali',
    outcomes: [
      { target: 'first_response', met: true, afterMinutes: 12, businessMinutes: 10 },
      { target: 'resolution', met: true, afterMinutes: 200, businessMinutes: 120 },
    ],
    escalations: [
      {
        target: 'resolution',
        kind: 'warning',
        percent: 75,
        dueAfterMinutes: 150,
        messages: [{ recipient: 'assignee', channel: 'in_app', status: 'sent' }],
      },
    ],
  });
  await writeTicket(db, world, {
    openedAt: '2026-11-10T10:00:00+03:30',
    priority: 'high',
    status: 'closed',
    assignee: 'ali',
    reopenedAfterMinutes: [1000],
    outcomes: [
      { target: 'first_response', met: false, afterMinutes: 90, dueAfterMinutes: 60, businessMinutes: 70 },
      { target: 'resolution', met: true, afterMinutes: 600, businessMinutes: 300 },
      { target: 'resolution', cycle: 2, met: true, afterMinutes: 100, businessMinutes: 60 },
    ],
    escalations: [
      {
        target: 'first_response',
        kind: 'breach',
        percent: 100,
        dueAfterMinutes: 60,
        messages: [
          { recipient: 'department_manager', channel: 'sms', status: 'sent' },
          { recipient: 'customer', channel: 'email', status: 'failed', note: 'mailbox unavailable' },
        ],
      },
    ],
  });
  // Azar: T3 paused an hour, resolved late (breach, then the 150% escalation).
  await writeTicket(db, world, {
    openedAt: '2026-11-25T09:00:00+03:30',
    priority: 'medium',
    status: 'closed',
    pauses: [[40, 100]],
    outcomes: [
      { target: 'first_response', met: true, afterMinutes: 30, businessMinutes: 20 },
      { target: 'resolution', met: false, afterMinutes: 1500, dueAfterMinutes: 1000, businessMinutes: 500 },
    ],
    escalations: [
      {
        target: 'resolution',
        kind: 'breach',
        percent: 100,
        dueAfterMinutes: 1000,
        messages: [{ recipient: 'department_manager', channel: 'sms', status: 'sent' }],
      },
      {
        target: 'resolution',
        kind: 'escalation',
        percent: 150,
        dueAfterMinutes: 1200,
        messages: [{ recipient: 'senior_management', channel: 'sms', status: 'pending' }],
      },
    ],
  });
  // T4 is open: its first response breached and is still unanswered; its resolution runs.
  await writeTicket(db, world, {
    openedAt: '2026-11-29T09:00:00+03:30',
    priority: 'critical',
    status: 'in_progress',
    running: [
      { target: 'first_response', dueAfterMinutes: 15 },
      { target: 'resolution', dueAfterMinutes: 180 },
    ],
    escalations: [
      {
        target: 'first_response',
        kind: 'breach',
        percent: 100,
        dueAfterMinutes: 15,
        messages: [{ recipient: 'department_manager', channel: 'sms', status: 'sent' }],
      },
    ],
  });
  // T5 is new, both targets running; T6 was answered in time, then cancelled (its resolution never counts).
  await writeTicket(db, world, {
    openedAt: '2026-11-30T10:00:00+03:30',
    priority: 'low',
    status: 'new',
    assignee: 'sara',
    running: [
      { target: 'first_response', dueAfterMinutes: 240 },
      { target: 'resolution', dueAfterMinutes: 4000 },
    ],
  });
  await writeTicket(db, world, {
    openedAt: '2026-12-01T11:00:00+03:30',
    priority: 'high',
    status: 'cancelled',
    outcomes: [{ target: 'first_response', met: true, afterMinutes: 8, businessMinutes: 5 }],
    running: [{ target: 'resolution', dueAfterMinutes: 600 }],
  });
}

async function writeClaim(spec: {
  receivedAt: string;
  acknowledgeDueAt: Date;
  acknowledgedAt?: Date;
  decisionDueAt: Date;
  decidedAt?: Date;
  status: 'received' | 'acknowledged' | 'approved' | 'rejected';
  justification?: string;
  credit?: { rials: bigint; month: string };
}): Promise<void> {
  const id = randomUUID();
  await db.claim.create({
    data: {
      id,
      customerId: world.customerId,
      productId: world.productId,
      contractId: world.contractId,
      kind: 'availability',
      status: spec.status,
      receivedAt: t(spec.receivedAt),
      acknowledgeDueAt: spec.acknowledgeDueAt,
      acknowledgedAt: spec.acknowledgedAt ?? null,
      decisionDueAt: spec.decisionDueAt,
      decidedAt: spec.decidedAt ?? null,
      justification: spec.justification ?? null,
      creditPercent: spec.credit ? 10 : null,
      creditAmountRials: spec.credit?.rials ?? null,
      workflowId: `claim-${id}`,
      computation: storedComputation({
        kind: 'availability',
        policyKey: world.policyKey,
        receivedAtMs: t(spec.receivedAt).getTime(),
        acknowledgeDueAtMs: spec.acknowledgeDueAt.getTime(),
        decisionDueAtMs: spec.decisionDueAt.getTime(),
      }) as never,
      events: { create: { sequence: 1, at: t(spec.receivedAt), actor: 'world', type: 'received', data: {} } },
    },
  });
  if (spec.credit) {
    await db.creditNote.create({
      data: {
        claimId: id,
        customerId: world.customerId,
        contractId: world.contractId,
        percent: 10,
        amountRials: spec.credit.rials,
        appliesToMonth: spec.credit.month,
      },
    });
  }
}

async function writeClaims(): Promise<void> {
  const received = (local: string) => t(local).getTime();
  const far = t('2030-01-01T00:00:00');
  await writeClaim({
    receivedAt: '2026-11-05T10:00:00',
    status: 'approved',
    acknowledgeDueAt: new Date(received('2026-11-05T10:00:00') + DAY),
    acknowledgedAt: new Date(received('2026-11-05T10:00:00') + HOUR),
    decisionDueAt: new Date(received('2026-11-05T10:00:00') + 7 * DAY),
    decidedAt: new Date(received('2026-11-05T10:00:00') + 2 * DAY),
    credit: { rials: 1_000_000n, month: '1405-09' },
  });
  await writeClaim({
    receivedAt: '2026-11-24T10:00:00',
    status: 'approved',
    justification: 'half the outage was announced',
    acknowledgeDueAt: new Date(received('2026-11-24T10:00:00') + DAY),
    acknowledgedAt: new Date(received('2026-11-24T10:00:00') + 2 * DAY),
    decisionDueAt: new Date(received('2026-11-24T10:00:00') + 7 * DAY),
    decidedAt: new Date(received('2026-11-24T10:00:00') + 8 * DAY),
    credit: { rials: 500_000n, month: '1405-10' },
  });
  await writeClaim({
    receivedAt: '2026-11-26T10:00:00',
    status: 'rejected',
    acknowledgeDueAt: new Date(received('2026-11-26T10:00:00') + DAY),
    acknowledgedAt: new Date(received('2026-11-26T10:00:00') + HOUR),
    decisionDueAt: new Date(received('2026-11-26T10:00:00') + 7 * DAY),
    decidedAt: new Date(received('2026-11-26T10:00:00') + DAY),
  });
  await writeClaim({
    receivedAt: '2026-12-01T10:00:00',
    status: 'received',
    acknowledgeDueAt: far,
    decisionDueAt: far,
  });
  await writeClaim({
    receivedAt: '2026-11-27T10:00:00',
    status: 'received',
    acknowledgeDueAt: t('2026-11-28T10:00:00'),
    decisionDueAt: far,
  });
  // Two hours down in Azar; the month has 43,200 minutes.
  await db.outage.create({
    data: {
      productId: world.productId,
      startedAt: t('2026-12-01T10:00:00'),
      endedAt: t('2026-12-01T12:00:00'),
      cause: 'unplanned',
      description: 'report world',
    },
  });
}

async function writeChangeRequest(
  createdAt: string,
  spec: {
    status: 'in_review' | 'rejected' | 'accepted';
    events: [string, number, Record<string, unknown>][];
    acceptedBySilence?: boolean;
    delayHours?: number;
    invoice?: { includedMinutes: number; billedMinutes: number; rials: bigint };
  },
): Promise<void> {
  const id = randomUUID();
  const created = t(createdAt).getTime();
  const events: [string, number, Record<string, unknown>][] = [
    ['opened', 0, { reviewDueAtMs: created + DAY }],
    ...spec.events,
  ];
  const acceptance = events.find(([type]) => type === 'accepted');
  await db.changeRequest.create({
    data: {
      id,
      customerId: world.customerId,
      productId: world.productId,
      contractId: world.contractId,
      title: 'report world',
      description: 'report world',
      attachments: [],
      status: spec.status,
      reviewRank: 1,
      deadlines: [],
      workflowId: `change-request-${id}`,
      createdAt: new Date(created),
      acceptedAt: acceptance ? new Date(created + acceptance[1]) : null,
      acceptedBySilence: spec.acceptedBySilence ?? false,
      events: {
        create: events.map(([type, afterMs, data], i) => ({
          sequence: i + 1,
          at: new Date(created + afterMs),
          actor: 'world',
          type,
          data: data as object,
        })),
      },
      ...(spec.delayHours
        ? {
            delays: {
              create: {
                startsAt: new Date(created + DAY),
                endsAt: new Date(created + DAY + spec.delayHours * HOUR),
                recordedBy: 'world',
              },
            },
          }
        : {}),
    },
  });
  if (spec.invoice) {
    await db.invoice.create({
      data: {
        changeRequestId: id,
        customerId: world.customerId,
        quotedRials: spec.invoice.rials,
        includedMinutesUsed: spec.invoice.includedMinutes,
        billedMinutes: spec.invoice.billedMinutes,
        amountRials: spec.invoice.rials,
      },
    });
  }
}

async function writeChangeRequests(): Promise<void> {
  await writeChangeRequest('2026-11-03T09:00:00', {
    status: 'accepted',
    delayHours: 48,
    events: [
      ['quoted', 12 * HOUR, {}],
      ['quote_approved', 13 * HOUR, {}],
      ['delivered', 10 * DAY, { dueAtMs: t('2026-11-03T09:00:00').getTime() + 11 * DAY }],
      ['defects_listed', 11 * DAY, { defects: ['a', 'b'] }],
      ['redelivered', 12 * DAY, {}],
      ['accepted', 13 * DAY, { bySilence: false }],
    ],
    invoice: { includedMinutes: 120, billedMinutes: 180, rials: 9_000_000n },
  });
  await writeChangeRequest('2026-11-26T09:00:00', {
    status: 'rejected',
    events: [['rejected', 2 * DAY, { reason: 'not feasible' }]],
  });
  await writeChangeRequest('2026-11-27T09:00:00', {
    status: 'accepted',
    acceptedBySilence: true,
    events: [
      ['quoted', 3 * HOUR, {}],
      ['quote_approved', 4 * HOUR, {}],
      ['delivered', 6 * DAY, { dueAtMs: t('2026-11-27T09:00:00').getTime() + 5 * DAY }],
      ['accepted', 12 * DAY, { bySilence: true }],
    ],
    invoice: { includedMinutes: 0, billedMinutes: 60, rials: 2_000_000n },
  });
  await writeChangeRequest('2026-12-01T09:00:00', { status: 'in_review', events: [] });
}

beforeAll(async () => {
  const arranged = await arrangeCustomerAndProduct();
  world = arranged;
  customerKey = await createKey('customer', world.customerId);
  otherCustomerId = (await db.customer.create({ data: { name: 'someone else' } })).id;
  propertyCustomer = otherCustomerId;
  await writeTickets();
  await writeClaims();
  await writeChangeRequests();
});

const staffGet = async (path: string) => {
  const res = await admin('GET', path);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
};
const csvOf = async (path: string) => {
  const response = await fetch(process.env.PASBAN_TEST_API_URL + path, {
    headers: { authorization: `Bearer ${process.env.PASBAN_TEST_ADMIN_KEY}`, accept: 'text/csv' },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
};
/** The CSV from its table header on (the preamble above it carries asOf, which moves). */
const tableFrom = (lines: string[], header: string) => lines.slice(lines.indexOf(header));

const spread = (median: number | null, p90: number | null) => ({ median, p90 });
const target = (
  name: string,
  met: number,
  breached: number,
  open: number,
  compliance: number | null,
  business: [number | null, number | null],
  clock: [number | null, number | null],
) => ({
  target: name,
  met,
  breached,
  open,
  total: met + breached + open,
  compliancePercent: compliance,
  businessMinutes: spread(...business),
  clockMinutes: spread(...clock),
});

describe('GET /v1/reports/sla', () => {
  const ABAN = {
    key: '1405-08',
    label: 'آبان ۱۴۰۵',
    tickets: 2,
    resolvedTickets: 2,
    reopenedTickets: 1,
    reopenRatePercent: 50,
    pausedMinutes: 0,
    targets: [
      target('first_response', 1, 1, 0, 50, [40, 64], [51, 82.2]),
      target('resolution', 3, 0, 0, 100, [120, 264], [200, 520]),
    ],
  };
  const AZAR = {
    key: '1405-09',
    label: 'آذر ۱۴۰۵',
    tickets: 4,
    resolvedTickets: 1,
    reopenedTickets: 0,
    reopenRatePercent: 0,
    pausedMinutes: 60,
    targets: [
      target('first_response', 2, 1, 1, 66.67, [12.5, 18.5], [19, 27.8]),
      target('resolution', 0, 1, 2, 0, [500, 500], [1500, 1500]),
    ],
  };
  const TOTAL = {
    key: 'total',
    label: 'همه',
    tickets: 6,
    resolvedTickets: 3,
    reopenedTickets: 1,
    reopenRatePercent: 33.33,
    pausedMinutes: 60,
    targets: [
      target('first_response', 3, 2, 1, 60, [15, 55], [21, 72]),
      target('resolution', 3, 1, 2, 75, [210, 440], [400, 1230]),
    ],
  };

  it('counts every target met, breached (completed late, or breached and never completed) and open, month by month, with totals that add up', async () => {
    const body = await staffGet(`/v1/reports/sla?${PERIOD}&groupBy=month&customerId=${world.customerId}`);
    expect(body.filters).toEqual({
      groupBy: 'month',
      customerId: world.customerId,
      productId: null,
      priority: null,
      plan: null,
    });
    expect(body.period).toEqual({
      from: '2026-10-23T00:00:00.000+03:30',
      to: '2026-12-22T00:00:00.000+03:30',
      fromJalali: '1405/08/01',
      toJalali: '1405/09/30',
      fromGregorian: '2026-10-23',
      toGregorian: '2026-12-21',
      months: [
        {
          month: '1405-08',
          jalali: 'آبان ۱۴۰۵',
          gregorian: 'Oct 23 – Nov 21, 2026',
          from: '2026-10-23T00:00:00.000+03:30',
          to: '2026-11-22T00:00:00.000+03:30',
        },
        {
          month: '1405-09',
          jalali: 'آذر ۱۴۰۵',
          gregorian: 'Nov 22 – Dec 21, 2026',
          from: '2026-11-22T00:00:00.000+03:30',
          to: '2026-12-22T00:00:00.000+03:30',
        },
      ],
    });
    expect(body.total).toEqual(TOTAL);
    expect(body.groups).toEqual([ABAN, AZAR]);
  });

  it('answers the same figures as CSV, UTF-8 with a byte-order mark', async () => {
    const lines = await csvOf(`/v1/reports/sla?${PERIOD}&groupBy=month&customerId=${world.customerId}`);
    expect(lines.slice(0, 4)).toEqual([
      'report,sla',
      expect.stringMatching(/^as_of,2026-|^as_of,20\d\d-/),
      'from,2026-10-23T00:00:00.000+03:30,1405/08/01,2026-10-23',
      'to_inclusive,2026-12-21,1405/09/30',
    ]);
    expect(lines).toContain(`customerId,${world.customerId}`);
    expect(
      tableFrom(
        lines,
        'group,label,target,met,breached,open,total,compliance_percent,business_minutes_median,business_minutes_p90,clock_minutes_median,clock_minutes_p90,tickets,resolved_tickets,reopened_tickets,reopen_rate_percent,paused_minutes',
      ),
    ).toEqual([
      'group,label,target,met,breached,open,total,compliance_percent,business_minutes_median,business_minutes_p90,clock_minutes_median,clock_minutes_p90,tickets,resolved_tickets,reopened_tickets,reopen_rate_percent,paused_minutes',
      'total,همه,first_response,3,2,1,6,60,15,55,21,72,6,3,1,33.33,60',
      'total,همه,resolution,3,1,2,6,75,210,440,400,1230,6,3,1,33.33,60',
      '1405-08,آبان ۱۴۰۵,first_response,1,1,0,2,50,40,64,51,82.2,2,2,1,50,0',
      '1405-08,آبان ۱۴۰۵,resolution,3,0,0,3,100,120,264,200,520,2,2,1,50,0',
      '1405-09,آذر ۱۴۰۵,first_response,2,1,1,4,66.67,12.5,18.5,19,27.8,4,1,0,0,60',
      '1405-09,آذر ۱۴۰۵,resolution,0,1,2,3,0,500,500,1500,1500,4,1,0,0,60',
      '',
    ]);
  });

  it('breaks the figures down by priority and by assignee', async () => {
    const byPriority = await staffGet(`/v1/reports/sla?${PERIOD}&groupBy=priority&customerId=${world.customerId}`);
    expect(
      byPriority.groups.map(
        (g: {
          key: string;
          tickets: number;
          targets: { target: string; met: number; breached: number; open: number }[];
        }) => [g.key, g.tickets, g.targets.map((x) => `${x.target}:${x.met}/${x.breached}/${x.open}`)],
      ),
    ).toEqual([
      ['critical', 2, ['first_response:1/1/0', 'resolution:1/0/1']],
      ['high', 2, ['first_response:1/1/0', 'resolution:2/0/0']],
      ['low', 1, ['first_response:0/0/1', 'resolution:0/0/1']],
      ['medium', 1, ['first_response:1/0/0', 'resolution:0/1/0']],
    ]);
    const byAssignee = await staffGet(`/v1/reports/sla?${PERIOD}&groupBy=assignee&customerId=${world.customerId}`);
    expect(
      byAssignee.groups.map((g: { key: string; label: string; tickets: number }) => [g.key, g.label, g.tickets]),
    ).toEqual([
      ['', 'بدون مسئول', 3],
      ['ali', 'ali', 2],
      ['sara', 'sara', 1],
    ]);
    expect(byAssignee.total).toEqual(TOTAL);
  });

  it("gives every figure of each priority, and one group equal to the total for this world's single plan, product, department and customer", async () => {
    const byPriority = await staffGet(`/v1/reports/sla?${PERIOD}&groupBy=priority&customerId=${world.customerId}`);
    expect(byPriority.total).toEqual(TOTAL);
    expect(byPriority.groups).toEqual([
      // T1 (met, met; closed) and T4 (first response breached and unanswered, resolution running).
      {
        key: 'critical',
        label: 'critical',
        tickets: 2,
        resolvedTickets: 1,
        reopenedTickets: 0,
        reopenRatePercent: 0,
        pausedMinutes: 0,
        targets: [
          target('first_response', 1, 1, 0, 50, [10, 10], [12, 12]),
          target('resolution', 1, 0, 1, 100, [120, 120], [200, 200]),
        ],
      },
      // T2 (answered late, resolved twice on time, reopened) and T6 (answered in time, cancelled: not resolved).
      {
        key: 'high',
        label: 'high',
        tickets: 2,
        resolvedTickets: 1,
        reopenedTickets: 1,
        reopenRatePercent: 100,
        pausedMinutes: 0,
        targets: [
          target('first_response', 1, 1, 0, 50, [37.5, 63.5], [49, 81.8]),
          target('resolution', 2, 0, 0, 100, [180, 276], [350, 550]),
        ],
      },
      // T5: new, both targets running, nothing resolved (no reopen rate).
      {
        key: 'low',
        label: 'low',
        tickets: 1,
        resolvedTickets: 0,
        reopenedTickets: 0,
        reopenRatePercent: null,
        pausedMinutes: 0,
        targets: [
          target('first_response', 0, 0, 1, null, [null, null], [null, null]),
          target('resolution', 0, 0, 1, null, [null, null], [null, null]),
        ],
      },
      // T3: paused an hour, resolved late.
      {
        key: 'medium',
        label: 'medium',
        tickets: 1,
        resolvedTickets: 1,
        reopenedTickets: 0,
        reopenRatePercent: 0,
        pausedMinutes: 60,
        targets: [
          target('first_response', 1, 0, 0, 100, [20, 20], [30, 30]),
          target('resolution', 0, 1, 0, 0, [500, 500], [1500, 1500]),
        ],
      },
    ]);

    const product = await db.product.findUniqueOrThrow({
      where: { id: world.productId },
      include: { department: true },
    });
    const customer = await db.customer.findUniqueOrThrow({ where: { id: world.customerId } });
    const groupings: [string, string, string][] = [
      ['plan', world.policyKey, world.policyKey],
      ['product', product.key, product.nameFa],
      ['department', product.departmentId, product.department.name],
      ['customer', customer.id, customer.name],
    ];
    for (const [groupBy, key, label] of groupings) {
      const body = await staffGet(`/v1/reports/sla?${PERIOD}&groupBy=${groupBy}&customerId=${world.customerId}`);
      expect([groupBy, body.total]).toEqual([groupBy, TOTAL]);
      expect([groupBy, body.groups]).toEqual([groupBy, [{ ...TOTAL, key, label }]]);
    }
  });

  it('a customer key reads its own compliance only, and is refused another customer’s', async () => {
    const asCustomer = apiClient(process.env.PASBAN_TEST_API_URL!, customerKey);
    const own = await asCustomer('GET', `/v1/reports/sla?${PERIOD}`);
    expect(own.status).toBe(200);
    expect(own.body.filters.customerId).toBe(world.customerId);
    expect(own.body.total).toEqual(TOTAL);
    const other = await asCustomer('GET', `/v1/reports/sla?${PERIOD}&customerId=${otherCustomerId}`);
    expect(other.status).toBe(403);
  });

  it('covers the current Jalali month when no period is given', async () => {
    const body = await staffGet(`/v1/reports/sla?customerId=${world.customerId}`);
    const now = Date.now();
    expect(Date.parse(body.period.from)).toBeLessThanOrEqual(now);
    expect(Date.parse(body.period.to)).toBeGreaterThan(now);
    expect(body.period.months).toHaveLength(1);
    expect(body.period.fromJalali.endsWith('/01')).toBe(true);
  });

  it('refuses a bad period naming the field', async () => {
    const cases: [string, string][] = [
      ['month=1405-13', 'query.month'],
      ['from=2026-11-01', 'query.to'],
      ['to=2026-11-01', 'query.from'],
      ['month=1405-09&from=2026-11-01&to=2026-11-02', 'query.from'],
      ['from=2026-11-02&to=2026-11-01', 'query.to'],
      ['from=2024-01-01&to=2026-12-31', 'query.to'],
      ['month=1405-09&groupBy=colour', 'query.groupBy'],
    ];
    for (const [query, field] of cases) {
      const res = await admin('GET', `/v1/reports/sla?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body.invalidFields.map((f: { field: string }) => f.field)).toContain(field);
    }
  });
});

describe('GET /v1/reports/breaches', () => {
  it('lists every breach and escalation with who was told, by which channel, whether it was delivered, and how late the answer came', async () => {
    const body = await staffGet(`/v1/reports/breaches?${PERIOD}&customerId=${world.customerId}`);
    expect(body.summary).toEqual({
      total: { kind: 'total', count: 4, answeredLater: 3, unanswered: 1, minutesLate: { median: 500, p90: 500 } },
      byKind: [
        { kind: 'breach', count: 3, answeredLater: 2, unanswered: 1, minutesLate: { median: 265, p90: 453 } },
        { kind: 'escalation', count: 1, answeredLater: 1, unanswered: 0, minutesLate: { median: 500, p90: 500 } },
      ],
      deliveries: [
        { channel: 'email', status: 'failed', count: 1 },
        { channel: 'sms', status: 'pending', count: 1 },
        { channel: 'sms', status: 'sent', count: 3 },
      ],
    });
    const shown = body.breaches.map(
      (
        b: Record<string, unknown> & {
          notified: {
            role: string | null;
            audience: string;
            channel: string;
            status: string;
            statusNote: string | null;
            sentAt: string | null;
          }[];
        },
      ) => ({
        target: b.target,
        cycle: b.cycle,
        kind: b.kind,
        percent: b.percent,
        dueAt: b.dueAt,
        firedAt: b.firedAt,
        completedAt: b.completedAt,
        minutesLate: b.minutesLate,
        priority: b.priority,
        notified: b.notified.map(
          (n) => `${n.role ?? n.audience}/${n.channel}/${n.status}/${n.statusNote ?? ''}/${n.sentAt ?? ''}`,
        ),
      }),
    );
    expect(shown).toEqual([
      {
        target: 'first_response',
        cycle: 1,
        kind: 'breach',
        percent: 100,
        dueAt: '2026-11-10T11:00:00.000+03:30',
        firedAt: '2026-11-10T11:00:00.000+03:30',
        completedAt: '2026-11-10T11:30:00.000+03:30',
        minutesLate: 30,
        priority: 'high',
        notified: ['customer/email/failed/mailbox unavailable/', 'manager/sms/sent//2026-11-10T11:01:00.000+03:30'],
      },
      {
        target: 'resolution',
        cycle: 1,
        kind: 'breach',
        percent: 100,
        dueAt: '2026-11-26T01:40:00.000+03:30',
        firedAt: '2026-11-26T01:40:00.000+03:30',
        completedAt: '2026-11-26T10:00:00.000+03:30',
        minutesLate: 500,
        priority: 'medium',
        notified: ['manager/sms/sent//2026-11-26T01:41:00.000+03:30'],
      },
      {
        target: 'resolution',
        cycle: 1,
        kind: 'escalation',
        percent: 150,
        dueAt: '2026-11-26T05:00:00.000+03:30',
        firedAt: '2026-11-26T05:00:00.000+03:30',
        completedAt: '2026-11-26T10:00:00.000+03:30',
        minutesLate: 500,
        priority: 'medium',
        notified: ['manager/sms/pending//'],
      },
      {
        target: 'first_response',
        cycle: 1,
        kind: 'breach',
        percent: 100,
        dueAt: '2026-11-29T09:15:00.000+03:30',
        firedAt: '2026-11-29T09:15:00.000+03:30',
        completedAt: null,
        minutesLate: null,
        priority: 'critical',
        notified: ['manager/sms/sent//2026-11-29T09:16:00.000+03:30'],
      },
    ]);
    expect(body.nextCursor).toBeNull();
  });

  it('pages oldest first, and lists warnings when asked for them', async () => {
    const first = await staffGet(`/v1/reports/breaches?${PERIOD}&customerId=${world.customerId}&limit=3`);
    expect(first.breaches.map((b: { dueAt: string }) => b.dueAt)).toEqual([
      '2026-11-10T11:00:00.000+03:30',
      '2026-11-26T01:40:00.000+03:30',
      '2026-11-26T05:00:00.000+03:30',
    ]);
    const second = await staffGet(
      `/v1/reports/breaches?${PERIOD}&customerId=${world.customerId}&limit=3&cursor=${first.nextCursor}`,
    );
    expect(second.breaches.map((b: { dueAt: string }) => b.dueAt)).toEqual(['2026-11-29T09:15:00.000+03:30']);
    expect(second.summary).toEqual(first.summary);
    const warnings = await staffGet(`/v1/reports/breaches?${PERIOD}&customerId=${world.customerId}&kind=warning`);
    expect(
      warnings.breaches.map((b: { kind: string; target: string; percent: number }) => [b.kind, b.target, b.percent]),
    ).toEqual([['warning', 'resolution', 75]]);
  });

  it('answers CSV with one line per message sent', async () => {
    const lines = await csvOf(`/v1/reports/breaches?${PERIOD}&customerId=${world.customerId}`);
    expect(
      tableFrom(lines, 'summary,kind,count,answered_later,unanswered,minutes_late_median,minutes_late_p90').slice(0, 4),
    ).toEqual([
      'summary,kind,count,answered_later,unanswered,minutes_late_median,minutes_late_p90',
      'summary,total,4,3,1,500,500',
      'summary,breach,3,2,1,265,453',
      'summary,escalation,1,1,0,500,500',
    ]);
    const table = tableFrom(
      lines,
      'fired_at,kind,percent,target,cycle,ticket_id,customer,product,priority,due_at,completed_at,minutes_late,recipient,channel,delivery_status,sent_at',
    );
    const customer = (await db.customer.findUniqueOrThrow({ where: { id: world.customerId } })).name;
    const product = (await db.product.findUniqueOrThrow({ where: { id: world.productId } })).key;
    const ticketOf = (at: string) => lines.find((l) => l.startsWith(at))!.split(',')[5];
    expect(table.slice(1)).toEqual([
      `2026-11-10T11:00:00.000+03:30,breach,100,first_response,1,${ticketOf('2026-11-10T11:00')},${customer},${product},high,2026-11-10T11:00:00.000+03:30,2026-11-10T11:30:00.000+03:30,30,customer,email,failed,`,
      `2026-11-10T11:00:00.000+03:30,breach,100,first_response,1,${ticketOf('2026-11-10T11:00')},${customer},${product},high,2026-11-10T11:00:00.000+03:30,2026-11-10T11:30:00.000+03:30,30,manager,sms,sent,2026-11-10T11:01:00.000+03:30`,
      `2026-11-26T01:40:00.000+03:30,breach,100,resolution,1,${ticketOf('2026-11-26T01:40')},${customer},${product},medium,2026-11-26T01:40:00.000+03:30,2026-11-26T10:00:00.000+03:30,500,manager,sms,sent,2026-11-26T01:41:00.000+03:30`,
      `2026-11-26T05:00:00.000+03:30,escalation,150,resolution,1,${ticketOf('2026-11-26T05:00')},${customer},${product},medium,2026-11-26T05:00:00.000+03:30,2026-11-26T10:00:00.000+03:30,500,manager,sms,pending,`,
      `2026-11-29T09:15:00.000+03:30,breach,100,first_response,1,${ticketOf('2026-11-29T09:15')},${customer},${product},critical,2026-11-29T09:15:00.000+03:30,,,manager,sms,sent,2026-11-29T09:16:00.000+03:30`,
      '',
    ]);
  });

  it('is for staff: a customer key is refused', async () => {
    const res = await apiClient(process.env.PASBAN_TEST_API_URL!, customerKey)('GET', `/v1/reports/breaches?${PERIOD}`);
    expect(res.status).toBe(403);
  });
});

describe('GET /v1/reports/claims', () => {
  const zero = {
    acknowledgedOnTime: 0,
    acknowledgedLate: 0,
    acknowledgementPending: 0,
    acknowledgementOverdue: 0,
    decidedOnTime: 0,
    decidedLate: 0,
    decisionPending: 0,
    decisionOverdue: 0,
    approved: 0,
    adjusted: 0,
    rejected: 0,
  };
  const ABAN = {
    ...zero,
    month: '1405-08',
    filed: 1,
    acknowledgedOnTime: 1,
    decidedOnTime: 1,
    approved: 1,
    creditedRials: '1000000',
  };
  const AZAR = {
    ...zero,
    month: '1405-09',
    filed: 4,
    acknowledgedOnTime: 1,
    acknowledgedLate: 1,
    acknowledgementPending: 2,
    acknowledgementOverdue: 1,
    decidedOnTime: 1,
    decidedLate: 1,
    decisionPending: 2,
    adjusted: 1,
    rejected: 1,
    creditedRials: '500000',
  };
  const TOTAL = {
    ...zero,
    month: 'total',
    filed: 5,
    acknowledgedOnTime: 2,
    acknowledgedLate: 1,
    acknowledgementPending: 2,
    acknowledgementOverdue: 1,
    decidedOnTime: 2,
    decidedLate: 1,
    decisionPending: 2,
    approved: 1,
    adjusted: 1,
    rejected: 1,
    creditedRials: '1500000',
  };

  it('counts claims on time, decisions and credits per month, credit notes per month and customer, and availability against the target', async () => {
    const body = await staffGet(`/v1/reports/claims?${PERIOD}&customerId=${world.customerId}`);
    expect(body.total).toEqual(TOTAL);
    expect(body.byMonth).toEqual([ABAN, AZAR]);
    const customer = (await db.customer.findUniqueOrThrow({ where: { id: world.customerId } })).name;
    // The Azar claim's credit applies in Dey, outside the period.
    expect(body.credits).toEqual({
      total: { creditNotes: 1, amountRials: '1000000' },
      lines: [
        {
          appliesToMonth: '1405-09',
          appliesToMonthJalali: 'آذر ۱۴۰۵',
          customerId: world.customerId,
          customerName: customer,
          creditNotes: 1,
          amountRials: '1000000',
        },
      ],
    });
    const product = await db.product.findUniqueOrThrow({ where: { id: world.productId } });
    expect(body.availability).toEqual([
      {
        productId: product.id,
        productKey: product.key,
        month: '1405-08',
        creditTable: 'owj',
        targetAvailabilityPercent: '99.91',
        downtimeMinutes: 0,
        availabilityPercent: 100,
        metTarget: true,
        creditPercent: 0,
      },
      // 120 of 43,200 minutes down: 99.7222%, under 99.91%, a 10% credit (0.1–0.5% down).
      {
        productId: product.id,
        productKey: product.key,
        month: '1405-09',
        creditTable: 'owj',
        targetAvailabilityPercent: '99.91',
        downtimeMinutes: 120,
        availabilityPercent: 99.7222,
        metTarget: false,
        creditPercent: 10,
      },
    ]);
  });

  it('answers CSV, and a customer key reads its own credits', async () => {
    const lines = await csvOf(`/v1/reports/claims?${PERIOD}&customerId=${world.customerId}`);
    const customer = (await db.customer.findUniqueOrThrow({ where: { id: world.customerId } })).name;
    const product = (await db.product.findUniqueOrThrow({ where: { id: world.productId } })).key;
    const header =
      'month,filed,acknowledgedOnTime,acknowledgedLate,acknowledgementPending,acknowledgementOverdue,decidedOnTime,decidedLate,decisionPending,decisionOverdue,approved,adjusted,rejected,creditedRials';
    expect(tableFrom(lines, header)).toEqual([
      header,
      '1405-08,1,1,0,0,0,1,0,0,0,1,0,0,1000000',
      '1405-09,4,1,1,2,1,1,1,2,0,0,1,1,500000',
      'total,5,2,1,2,1,2,1,2,0,1,1,1,1500000',
      '',
      'applies_to_month,applies_to_month_jalali,customer_id,customer,credit_notes,amount_rials',
      `1405-09,آذر ۱۴۰۵,${world.customerId},${customer},1,1000000`,
      'total,,,,1,1000000',
      '',
      'product,month,credit_table,target_percent,downtime_minutes,availability_percent,met_target,credit_percent',
      `${product},1405-08,owj,99.91,0,100,true,0`,
      `${product},1405-09,owj,99.91,120,99.7222,false,10`,
      '',
    ]);
    const own = await apiClient(process.env.PASBAN_TEST_API_URL!, customerKey)('GET', `/v1/reports/claims?${PERIOD}`);
    expect(own.status).toBe(200);
    expect(own.body.total).toEqual(TOTAL);
  });
});

describe('GET /v1/reports/change-requests', () => {
  const ABAN = {
    month: '1405-08',
    requests: 1,
    reviewedOnTime: 1,
    reviewedLate: 0,
    reviewPending: 0,
    rejected: 0,
    quoted: 1,
    quotesApproved: 1,
    delivered: 1,
    deliveredOnTime: 1,
    deliveredLate: 0,
    acceptedByCustomer: 1,
    acceptedBySilence: 0,
    cancelled: 0,
    customerDelayDays: 2,
    deliveries: 2,
    defects: 2,
    defectsPerDelivery: 1,
    invoices: 1,
    includedHoursUsed: 2,
    invoicedHours: 3,
    invoicedRials: '9000000',
  };
  const AZAR = {
    month: '1405-09',
    requests: 3,
    reviewedOnTime: 1,
    reviewedLate: 1,
    reviewPending: 1,
    rejected: 1,
    quoted: 1,
    quotesApproved: 1,
    delivered: 1,
    deliveredOnTime: 0,
    deliveredLate: 1,
    acceptedByCustomer: 0,
    acceptedBySilence: 1,
    cancelled: 0,
    customerDelayDays: 0,
    deliveries: 1,
    defects: 0,
    defectsPerDelivery: 0,
    invoices: 1,
    includedHoursUsed: 0,
    invoicedHours: 1,
    invoicedRials: '2000000',
  };
  const TOTAL = {
    month: 'total',
    requests: 4,
    reviewedOnTime: 2,
    reviewedLate: 1,
    reviewPending: 1,
    rejected: 1,
    quoted: 2,
    quotesApproved: 2,
    delivered: 2,
    deliveredOnTime: 1,
    deliveredLate: 1,
    acceptedByCustomer: 1,
    acceptedBySilence: 1,
    cancelled: 0,
    customerDelayDays: 2,
    deliveries: 3,
    defects: 2,
    defectsPerDelivery: 0.67,
    invoices: 2,
    includedHoursUsed: 2,
    invoicedHours: 4,
    invoicedRials: '11000000',
  };

  it('counts reviews and deliveries on time, delays, silence, defects and invoiced hours per month', async () => {
    const body = await staffGet(`/v1/reports/change-requests?${PERIOD}&customerId=${world.customerId}`);
    expect(body.total).toEqual(TOTAL);
    expect(body.byMonth).toEqual([ABAN, AZAR]);
  });

  it('answers CSV', async () => {
    const lines = await csvOf(`/v1/reports/change-requests?${PERIOD}&customerId=${world.customerId}`);
    const header = Object.keys(TOTAL).join(',');
    expect(tableFrom(lines, header)).toEqual([
      header,
      '1405-08,1,1,0,0,0,1,1,1,1,0,1,0,0,2,2,2,1,1,2,3,9000000',
      '1405-09,3,1,1,1,1,1,1,1,0,1,0,1,0,0,1,0,0,1,0,1,2000000',
      'total,4,2,1,1,1,2,2,2,1,1,1,1,0,2,3,2,0.67,2,2,4,11000000',
      '',
    ]);
  });
});

describe("the SLA report's maintained aggregate", () => {
  /** The report's facts for one ticket as stored, without refreshing the queue. */
  const storedFactsOf = (ticketId: string) =>
    db.$queryRaw<
      { target: string; cycle: number; result: string }[]
    >`SELECT target, cycle, result FROM report_ticket_targets WHERE ticket_id = ${ticketId}::uuid ORDER BY target, cycle`;
  const queued = async (ticketId: string) =>
    (
      await db.$queryRaw<
        { n: number }[]
      >`SELECT count(*)::int AS n FROM report_dirty_tickets WHERE ticket_id = ${ticketId}::uuid`
    )[0]!.n === 1;
  /** Refreshes the queued tickets, as a report does before it reads. */
  const refresh = () => db.$queryRaw`SELECT report_refresh_dirty()`;
  /** The report's facts for one ticket, as a report reads them. */
  const factsOf = async (ticketId: string) => {
    await refresh();
    return storedFactsOf(ticketId);
  };

  it('a write only queues its ticket; the facts change when a report refreshes the queue', async () => {
    const id = await writeTicket(
      db,
      { ...world, customerId: propertyCustomer },
      {
        openedAt: '2026-11-25T09:00:00+03:30',
        priority: 'low',
        status: 'in_progress',
        running: [{ target: 'first_response', dueAfterMinutes: 60 }],
      },
    );
    try {
      expect(await factsOf(id)).toEqual([{ target: 'first_response', cycle: 1, result: 'open' }]);
      expect(await queued(id)).toBe(false);

      await db.slaOutcome.create({
        data: {
          ticketId: id,
          target: 'first_response',
          cycle: 1,
          met: true,
          completedAt: t('2026-11-25T09:20:00'),
          businessMinutesUsed: 20,
        },
      });
      // The outcome's insert did not recompute anything: the ticket waits in the queue.
      expect(await queued(id)).toBe(true);
      expect(await storedFactsOf(id)).toEqual([{ target: 'first_response', cycle: 1, result: 'open' }]);

      // A ticket update the report does not read (its updated_at) queues nothing.
      await refresh();
      await db.ticket.update({ where: { id }, data: { updatedAt: new Date() } });
      expect(await queued(id)).toBe(false);
      // Nor does one that writes a reported column with the value it had.
      await db.ticket.update({ where: { id }, data: { status: 'in_progress' } });
      expect(await queued(id)).toBe(false);
      // One that changes a reported column queues it.
      await db.ticket.update({ where: { id }, data: { assignee: 'reza' } });
      expect(await queued(id)).toBe(true);

      // The SLA report refreshes the queue before it reads: the met target is counted.
      const report = await staffGet(
        `/v1/reports/sla?from=2026-11-25&to=2026-11-25&customerId=${propertyCustomer}&priority=low`,
      );
      expect(await queued(id)).toBe(false);
      expect(await storedFactsOf(id)).toEqual([{ target: 'first_response', cycle: 1, result: 'met' }]);
      expect(report.total.targets).toEqual([
        expect.objectContaining({ target: 'first_response', met: 1, breached: 0, open: 0 }),
      ]);
    } finally {
      await db.ticket.delete({ where: { id } });
    }
  });

  it("a message the outbox delivers later changes the breaches report's deliveries: its status change queues the ticket", async () => {
    const id = await writeTicket(
      db,
      { ...world, customerId: propertyCustomer },
      {
        openedAt: '2026-11-26T09:00:00+03:30',
        priority: 'critical',
        status: 'in_progress',
        escalations: [
          {
            target: 'first_response',
            kind: 'breach',
            percent: 100,
            dueAfterMinutes: 60,
            messages: [{ recipient: 'department_manager', channel: 'sms', status: 'pending' }],
          },
        ],
      },
    );
    const deliveries = async () =>
      (await staffGet(`/v1/reports/breaches?from=2026-11-26&to=2026-11-26&customerId=${propertyCustomer}`)).summary
        .deliveries;
    try {
      expect(await deliveries()).toEqual([{ channel: 'sms', status: 'pending', count: 1 }]);
      await db.notification.updateMany({
        where: { subjectRef: `ticket:${id}` },
        data: { status: 'sent', sentAt: new Date() },
      });
      expect(await queued(id)).toBe(true);
      expect(await deliveries()).toEqual([{ channel: 'sms', status: 'sent', count: 1 }]);
      // A relay's lease on a message is not something the report reads: nothing is queued.
      await db.notification.updateMany({ where: { subjectRef: `ticket:${id}` }, data: { leaseUntil: new Date() } });
      expect(await queued(id)).toBe(false);
    } finally {
      await db.notification.deleteMany({ where: { subjectRef: `ticket:${id}` } });
      await db.ticket.delete({ where: { id } });
    }
  });

  it("reports and a ticket's writes at once: every report answers, and the facts end as a recomputation gives them", async () => {
    const id = await writeTicket(
      db,
      { ...world, customerId: propertyCustomer },
      {
        openedAt: '2026-11-27T09:00:00+03:30',
        priority: 'medium',
        status: 'in_progress',
        running: [
          { target: 'first_response', dueAfterMinutes: 60 },
          { target: 'resolution', dueAfterMinutes: 600 },
        ],
      },
    );
    const period = `from=2026-11-27&to=2026-11-27&customerId=${propertyCustomer}`;
    try {
      const writes = (async () => {
        await db.slaOutcome.create({
          data: {
            ticketId: id,
            target: 'first_response',
            cycle: 1,
            met: false,
            dueAt: t('2026-11-27T10:00:00'),
            completedAt: t('2026-11-27T10:30:00'),
            businessMinutesUsed: 90,
          },
        });
        await db.escalation.create({
          data: {
            ticketId: id,
            dedupeKey: `ticket:${id}:first_response:breach:100`,
            target: 'first_response',
            kind: 'breach',
            percent: 100,
            dueAt: t('2026-11-27T10:00:00'),
            firedAt: t('2026-11-27T10:00:00'),
            action: {},
          },
        });
        await db.ticketEvent.create({
          data: {
            ticketId: id,
            sequence: 2,
            at: t('2026-11-27T11:00:00'),
            actor: 'agent',
            type: 'status_changed',
            data: { from: 'in_progress', to: 'waiting_on_customer' },
          },
        });
        await db.ticket.update({ where: { id }, data: { status: 'waiting_on_customer' } });
      })();
      const reports = [1, 2, 3].flatMap(() => [
        staffGet(`/v1/reports/sla?${period}`),
        staffGet(`/v1/reports/breaches?${period}`),
      ]);
      await Promise.all([writes, ...reports]);

      const sla = await staffGet(`/v1/reports/sla?${period}`);
      expect(sla.total.targets).toEqual([
        expect.objectContaining({ target: 'first_response', met: 0, breached: 1, open: 0 }),
        expect.objectContaining({ target: 'resolution', met: 0, breached: 0, open: 1 }),
      ]);
      const breaches = await staffGet(`/v1/reports/breaches?${period}`);
      expect(
        breaches.breaches.map((b: { ticketId: string; minutesLate: number }) => [b.ticketId, b.minutesLate]),
      ).toEqual([[id, 30]]);
      const snapshot = () =>
        db.$queryRaw<
          unknown[]
        >`SELECT to_jsonb(f) - 'ticket_id' AS row FROM report_ticket_targets f WHERE ticket_id = ${id}::uuid UNION ALL SELECT to_jsonb(r) FROM report_tickets r WHERE ticket_id = ${id}::uuid UNION ALL SELECT to_jsonb(e) FROM report_escalations e WHERE ticket_id = ${id}::uuid ORDER BY 1`;
      const maintained = await snapshot();
      await db.$executeRaw`SELECT report_refresh_tickets(ARRAY[${id}::uuid]), report_refresh_escalations(ARRAY[${id}::uuid])`;
      expect(await snapshot()).toEqual(maintained);
    } finally {
      await db.ticket.delete({ where: { id } });
    }
  });

  it('follows a ticket as the workflow records it: running, met, breached, waiting, resolved, and equals a recomputation from scratch', async () => {
    const customerId = propertyCustomer;
    const id = await writeTicket(
      db,
      { ...world, customerId },
      {
        openedAt: '2026-11-25T09:00:00+03:30',
        priority: 'high',
        status: 'in_progress',
        running: [
          { target: 'first_response', dueAfterMinutes: 60 },
          { target: 'resolution', dueAfterMinutes: 600 },
        ],
      },
    );
    try {
      expect(await factsOf(id)).toEqual([
        { target: 'first_response', cycle: 1, result: 'open' },
        { target: 'resolution', cycle: 1, result: 'open' },
      ]);

      // The first response is met: an outcome row, and the clock no longer runs that target.
      await db.slaOutcome.create({
        data: {
          ticketId: id,
          target: 'first_response',
          cycle: 1,
          met: true,
          completedAt: t('2026-11-25T09:20:00'),
          businessMinutesUsed: 20,
        },
      });
      expect(await factsOf(id)).toEqual([
        { target: 'first_response', cycle: 1, result: 'met' },
        { target: 'resolution', cycle: 1, result: 'open' },
      ]);

      // The resolution is breached before anyone answers.
      await db.escalation.create({
        data: {
          ticketId: id,
          dedupeKey: `ticket:${id}:resolution#1:breach:100`,
          target: 'resolution',
          kind: 'breach',
          percent: 100,
          dueAt: t('2026-11-25T19:00:00'),
          firedAt: t('2026-11-25T19:00:00'),
          action: {},
        },
      });
      expect((await factsOf(id)).map((f) => f.result)).toEqual(['met', 'breached']);

      // The agent asks the customer and waits; then the ticket is resolved, which stops the clock.
      await db.ticketEvent.create({
        data: {
          ticketId: id,
          sequence: 2,
          at: t('2026-11-25T20:00:00'),
          actor: 'agent',
          type: 'status_changed',
          data: { from: 'in_progress', to: 'waiting_on_customer' },
        },
      });
      await refresh();
      const [waiting] = await db.$queryRaw<
        { open_wait_since: Date | null; paused_minutes: number }[]
      >`SELECT open_wait_since, paused_minutes FROM report_tickets WHERE ticket_id = ${id}::uuid`;
      expect(waiting).toEqual({ open_wait_since: t('2026-11-25T20:00:00'), paused_minutes: 0 });
      await db.ticketEvent.create({
        data: {
          ticketId: id,
          sequence: 3,
          at: t('2026-11-25T20:45:00'),
          actor: 'customer',
          type: 'customer_replied',
          data: {},
        },
      });
      await db.ticket.update({
        where: { id },
        data: { status: 'resolved', clock: { ticketId: id, cycle: 1, targets: [] } },
      });
      await refresh();
      const [resolved] = await db.$queryRaw<
        { open_wait_since: Date | null; paused_minutes: number; resolved: boolean }[]
      >`SELECT open_wait_since, paused_minutes, resolved FROM report_tickets WHERE ticket_id = ${id}::uuid`;
      expect(resolved).toEqual({ open_wait_since: null, paused_minutes: 45, resolved: true });

      // Whatever sequence of writes got it here, the aggregate is what a recomputation gives.
      const snapshot = () =>
        db.$queryRaw<
          unknown[]
        >`SELECT to_jsonb(f) - 'ticket_id' AS row FROM report_ticket_targets f WHERE ticket_id = ${id}::uuid UNION ALL SELECT to_jsonb(r) FROM report_tickets r WHERE ticket_id = ${id}::uuid ORDER BY 1`;
      await refresh();
      const maintained = await snapshot();
      await db.$executeRaw`SELECT report_refresh_tickets(ARRAY[${id}::uuid])`;
      expect(await snapshot()).toEqual(maintained);
    } finally {
      await db.ticket.delete({ where: { id } });
    }
    // Deleting the ticket takes its facts with it.
    expect(await factsOf(id)).toEqual([]);
  });
});

describe('the SLA report, for random worlds', () => {
  type Fate = 'met' | 'late' | 'breached_unanswered' | 'running' | 'none';
  const fate = fc.constantFrom<Fate>('met', 'late', 'breached_unanswered', 'running', 'none');
  const ticket = fc.record({
    open: fc.boolean(),
    priority: fc.constantFrom('critical', 'high', 'medium', 'low' as const),
    minute: fc.integer({ min: 0, max: 29 * 24 * 60 }),
    firstResponse: fate,
    resolution: fate,
  });

  it('met + breached + open equals the targets recorded, per target and in every breakdown', async () => {
    const azarStart = t('2026-11-22T00:00:00').getTime();
    await fc.assert(
      fc.asyncProperty(fc.array(ticket, { minLength: 1, maxLength: 8 }), async (tickets) => {
        const expected = {
          first_response: { met: 0, breached: 0, open: 0 },
          resolution: { met: 0, breached: 0, open: 0 },
        };
        try {
          for (const spec of tickets) {
            const targets = { first_response: spec.firstResponse, resolution: spec.resolution };
            const outcomes = [];
            const escalations = [];
            const running = [];
            for (const [name, chosen] of Object.entries(targets) as ['first_response' | 'resolution', Fate][]) {
              const effective = chosen === 'running' && !spec.open ? 'none' : chosen;
              if (effective === 'met' || effective === 'late')
                outcomes.push({ target: name, met: effective === 'met', afterMinutes: 30, businessMinutes: 20 });
              if (effective === 'late' || effective === 'breached_unanswered')
                escalations.push({ target: name, kind: 'breach' as const, percent: 100, dueAfterMinutes: 20 });
              if (effective === 'running' || (effective === 'breached_unanswered' && spec.open))
                running.push({ target: name, dueAfterMinutes: 600 });
              if (effective === 'met') expected[name].met += 1;
              if (effective === 'late' || effective === 'breached_unanswered') expected[name].breached += 1;
              if (effective === 'running') expected[name].open += 1;
            }
            await writeTicket(
              db,
              { ...world, customerId: propertyCustomer },
              {
                openedAt: new Date(azarStart + spec.minute * 60_000).toISOString(),
                priority: spec.priority,
                status: spec.open ? 'in_progress' : 'closed',
                outcomes,
                escalations,
                running,
              },
            );
          }
          const body = await staffGet(`/v1/reports/sla?month=1405-09&groupBy=priority&customerId=${propertyCustomer}`);
          const counted = (
            figures: { targets: { target: string; met: number; breached: number; open: number; total: number }[] },
            name: string,
          ) => {
            const row = figures.targets.find((x) => x.target === name);
            return row
              ? { met: row.met, breached: row.breached, open: row.open, total: row.total }
              : { met: 0, breached: 0, open: 0, total: 0 };
          };
          for (const name of ['first_response', 'resolution'] as const) {
            const recorded = expected[name].met + expected[name].breached + expected[name].open;
            expect(counted(body.total, name)).toEqual({ ...expected[name], total: recorded });
            const summed = body.groups
              .map((g: Parameters<typeof counted>[0]) => counted(g, name))
              .reduce((a: { total: number }, b: { total: number }) => ({ total: a.total + b.total }), { total: 0 });
            expect(summed.total).toBe(recorded);
          }
          expect(body.total.tickets).toBe(tickets.length);
        } finally {
          const written = await db.ticket.findMany({ where: { customerId: propertyCustomer }, select: { id: true } });
          await db.notification.deleteMany({ where: { subjectRef: { in: written.map((w) => `ticket:${w.id}`) } } });
          await db.ticket.deleteMany({ where: { customerId: propertyCustomer } });
        }
      }),
      { numRuns: 25, seed: 1405 },
    );
  });
});

describe("the SLA report's monthly rollup, for random worlds", () => {
  // Mordad 1399 and the quarter around it: months no other test writes tickets in, so the whole
  // database's report (what the rollup answers: no filter) holds only this world's tickets and
  // whatever the suite wrote there (nothing).
  const month = reportPeriod({ month: '1399-05' });
  const quarter = reportPeriod({ from: '2020-06-21', to: '2020-09-21' });
  const quarterStartMs = quarter.startMs;
  const outcome = fc.record({
    fate: fc.constantFrom('met', 'late', 'breached_unanswered', 'running', 'none'),
    // Seconds: several values share a whole-minute bucket, and some are equal.
    afterSeconds: fc.integer({ min: 0, max: 400 * 60 }),
    businessMinutes: fc.integer({ min: 0, max: 300 }),
  });
  const ticket = fc.record({
    open: fc.boolean(),
    priority: fc.constantFrom('critical', 'high', 'medium', 'low' as const),
    assignee: fc.constantFrom('ali', 'sara', undefined),
    otherCustomer: fc.boolean(),
    otherProduct: fc.boolean(),
    minute: fc.integer({ min: 0, max: 92 * 24 * 60 - 1 }),
    firstResponse: outcome,
    resolution: outcome,
    reopenedResolution: fc.option(outcome, { nil: undefined }),
    // A wait on the customer to the millisecond: closed after lengthMs, or still open (counted up to asOf).
    pause: fc.option(
      fc.record({
        fromMs: fc.integer({ min: 0, max: 600 * 60_000 }),
        lengthMs: fc.option(fc.integer({ min: 1, max: 3 * 24 * 60 * 60_000 }), { nil: null }),
      }),
      { nil: undefined },
    ),
  });
  // Changes after the first reports: an outcome recorded late, an outcome corrected, the ticket
  // re-prioritised or reassigned, or deleted.
  const change = fc.record({
    ticket: fc.nat(),
    kind: fc.constantFrom('late_outcome', 'corrected_outcome', 'priority', 'assignee', 'deleted'),
    seconds: fc.integer({ min: 0, max: 400 * 60 }),
    businessMinutes: fc.integer({ min: 0, max: 300 }),
  });

  const groupings = [undefined, ...SLA_GROUPINGS];
  const bothWays = async () => {
    for (const period of [month, quarter]) {
      expect(rollupAnswers({ period, asOfMs: 0 })).toBe(true);
      for (const groupBy of groupings) {
        const input = { period, asOfMs: quarter.endMs, groupBy };
        const direct = await buildSlaReport(db, input, { rollup: false });
        expect(await buildSlaReport(db, input)).toEqual(direct);
      }
    }
  };
  /** The rollup summed over every month equals the same sums over report_ticket_targets, for every breakdown. */
  const rollupMatchesFacts = async () => {
    const differences = await db.$queryRaw<unknown[]>`
      WITH facts AS (
        SELECT m.start_at AS month_start, g.kind, g.key, f.target, count(*) FILTER (WHERE f.result = 'met')::int AS met,
               count(*) FILTER (WHERE f.result = 'breached')::int AS breached, count(*) FILTER (WHERE f.result = 'open')::int AS open
        FROM report_ticket_targets f
        JOIN report_jalali_months m ON f.opened_at >= m.start_at AND f.opened_at < m.end_at
        CROSS JOIN LATERAL (VALUES ('total', ''), ('priority', f.priority::text), ('plan', f.policy_key), ('product', f.product_id::text),
                                   ('customer', f.customer_id::text), ('assignee', coalesce(f.assignee, ''))) g(kind, key)
        GROUP BY 1, 2, 3, 4
      ), rollup AS (
        SELECT month_start, kind, key, target, met, breached, open FROM report_sla_month_targets WHERE met <> 0 OR breached <> 0 OR open <> 0
      )
      (SELECT 'facts only' AS side, * FROM (SELECT * FROM facts EXCEPT SELECT * FROM rollup) a)
      UNION ALL
      (SELECT 'rollup only', * FROM (SELECT * FROM rollup EXCEPT SELECT * FROM facts) b)
      LIMIT 5`;
    expect(differences).toEqual([]);
    // And the ticket rollup (20261208003000_report_sla_month_tickets) the same sums over report_tickets.
    const ticketDifferences = await db.$queryRaw<unknown[]>`
      WITH facts AS (
        SELECT m.start_at AS month_start, g.kind, g.key, count(*)::int AS tickets, count(*) FILTER (WHERE f.resolved)::int AS resolved,
               count(*) FILTER (WHERE f.reopened)::int AS reopened, sum(round(f.paused_minutes * 60000)::bigint)::bigint AS paused_ms,
               count(f.open_wait_since)::int AS open_waits,
               coalesce(sum((EXTRACT(EPOCH FROM f.open_wait_since) * 1000)::bigint), 0)::bigint AS open_wait_since_ms
        FROM report_tickets f
        JOIN report_jalali_months m ON f.opened_at >= m.start_at AND f.opened_at < m.end_at
        CROSS JOIN LATERAL (VALUES ('total', ''), ('priority', f.priority::text), ('plan', f.policy_key), ('product', f.product_id::text),
                                   ('customer', f.customer_id::text), ('assignee', coalesce(f.assignee, ''))) g(kind, key)
        GROUP BY 1, 2, 3
      ), rollup AS (
        SELECT month_start, kind, key, tickets, resolved, reopened, paused_ms, open_waits, open_wait_since_ms
        FROM report_sla_month_tickets WHERE tickets <> 0 OR paused_ms <> 0 OR open_waits <> 0
      )
      (SELECT 'facts only' AS side, * FROM (SELECT * FROM facts EXCEPT SELECT * FROM rollup) a)
      UNION ALL
      (SELECT 'rollup only', * FROM (SELECT * FROM rollup EXCEPT SELECT * FROM facts) b)
      LIMIT 5`;
    expect(ticketDifferences).toEqual([]);
  };

  it('answers exactly what the direct query answers, also after late and corrected outcomes, changed and deleted tickets', async () => {
    const otherProduct = (await db.product.findUniqueOrThrow({ where: { key: 'owj' } })).id;
    await fc.assert(
      fc.asyncProperty(
        fc.array(ticket, { minLength: 1, maxLength: 10 }),
        fc.array(change, { maxLength: 4 }),
        async (tickets, changes) => {
          const written: { id: string; running: ('first_response' | 'resolution')[] }[] = [];
          try {
            for (const spec of tickets) {
              const outcomes: OutcomeSpec[] = [];
              const escalations: EscalationSpec[] = [];
              const running: ('first_response' | 'resolution')[] = [];
              const reopened = spec.reopenedResolution !== undefined;
              const targets: ['first_response' | 'resolution', number, typeof spec.firstResponse][] = [
                ['first_response', 1, spec.firstResponse],
                ['resolution', 1, spec.resolution],
                ...(reopened
                  ? [['resolution', 2, spec.reopenedResolution!] as ['resolution', number, typeof spec.firstResponse]]
                  : []),
              ];
              for (const [name, cycle, chosen] of targets) {
                const current = name === 'first_response' || cycle === (reopened ? 2 : 1);
                const effective = chosen.fate === 'running' && !(spec.open && current) ? 'none' : chosen.fate;
                if (effective === 'met' || effective === 'late')
                  outcomes.push({
                    target: name,
                    cycle,
                    met: effective === 'met',
                    afterMinutes: chosen.afterSeconds / 60,
                    businessMinutes: chosen.businessMinutes,
                  });
                if (effective === 'late' || effective === 'breached_unanswered')
                  escalations.push({ target: name, cycle, kind: 'breach', percent: 100, dueAfterMinutes: 20 });
                if (effective === 'running') running.push(name);
              }
              const context = {
                ...world,
                customerId: spec.otherCustomer ? propertyCustomer : world.customerId,
                productId: spec.otherProduct ? otherProduct : world.productId,
              };
              const id = await writeTicket(db, context, {
                openedAt: new Date(quarterStartMs + spec.minute * 60_000).toISOString(),
                priority: spec.priority,
                status: spec.open ? 'in_progress' : 'closed',
                assignee: spec.assignee,
                outcomes,
                escalations,
                reopenedAfterMinutes: reopened ? [600] : undefined,
                pauses: spec.pause
                  ? [
                      [
                        spec.pause.fromMs / 60_000,
                        spec.pause.lengthMs === null ? null : (spec.pause.fromMs + spec.pause.lengthMs) / 60_000,
                      ],
                    ]
                  : undefined,
                running: running.map((target) => ({ target, dueAfterMinutes: 600 })),
              });
              written.push({ id, running });
            }
            await bothWays();

            for (const c of changes) {
              const chosen = written[c.ticket % written.length]!;
              if (c.kind === 'late_outcome') {
                // A target still running (or none recorded) gets its outcome now.
                const target = chosen.running[0] ?? 'first_response';
                await db.$executeRaw`
                INSERT INTO sla_outcomes (id, ticket_id, target, cycle, due_at, met, completed_at, breached_at, business_minutes_used)
                SELECT gen_random_uuid(), t.id, ${target}, 1, t.opened_at + interval '1 hour', false, t.opened_at + ${c.seconds} * interval '1 second', t.opened_at + interval '1 hour', ${c.businessMinutes}
                FROM tickets t WHERE t.id = ${chosen.id}::uuid
                ON CONFLICT DO NOTHING`;
              } else if (c.kind === 'corrected_outcome') {
                await db.$executeRaw`
                UPDATE sla_outcomes o SET met = NOT o.met, completed_at = t.opened_at + ${c.seconds} * interval '1 second', business_minutes_used = ${c.businessMinutes}
                FROM tickets t WHERE t.id = o.ticket_id AND o.ticket_id = ${chosen.id}::uuid AND o.cycle = 1`;
              } else if (c.kind === 'priority') {
                await db.ticket.updateMany({
                  where: { id: chosen.id },
                  data: { priority: c.businessMinutes % 2 === 0 ? 'low' : 'critical' },
                });
              } else if (c.kind === 'assignee') {
                await db.ticket.updateMany({
                  where: { id: chosen.id },
                  data: { assignee: c.businessMinutes % 2 === 0 ? null : 'reza' },
                });
              } else {
                await db.notification.deleteMany({ where: { subjectRef: `ticket:${chosen.id}` } });
                await db.ticket.deleteMany({ where: { id: chosen.id } });
              }
            }
            await bothWays();
          } finally {
            const ids = written.map((w) => w.id);
            await db.notification.deleteMany({ where: { subjectRef: { in: ids.map((id) => `ticket:${id}`) } } });
            await db.ticket.deleteMany({ where: { id: { in: ids } } });
          }
          await rollupMatchesFacts();
        },
      ),
      { numRuns: 15, seed: 1399 },
    );
  }, 240_000);
});
