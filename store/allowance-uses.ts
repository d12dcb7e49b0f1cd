import type { AllowanceUse, Prisma } from '../generated/prisma/client';
import type { Database } from '../platform/database';
import {
  allowanceBalance,
  decideAllowanceUse,
  RECORDED_ALLOWANCE_KINDS,
  type AllowanceBalance,
  type AllowanceDecision,
  type ExtraGrant,
  type RecordedAllowanceKind,
} from '../sla/allowance-uses';
import type { PlanEntitlements } from '../sla/entitlements';
import { readDefinition } from './json-columns';

/**
 * Rule 15's uses in the database: the balances of a contract, and the recording of one use, which
 * locks the contract's row while it counts what is left, so two uses racing for the last unit
 * cannot both be recorded.
 */

type Tx = Prisma.TransactionClient;

const NO_ENTITLEMENTS: PlanEntitlements = {
  allowances: {},
  channels: [],
  remoteConnection: false,
  dedicatedSupportPerson: false,
  technicalManager: false,
  onSite: null,
  hourlyPackages: false,
};

async function planOf(db: Database | Tx, planKey: string): Promise<PlanEntitlements> {
  const row = await db.policy.findUnique({ where: { kind_key: { kind: 'entitlements', key: planKey } } });
  return row ? readDefinition({ ...row, kind: 'entitlements' }) : NO_ENTITLEMENTS;
}

/** The reference an extra's draw carries: the recorded use it was drawn by. */
const DRAW_PREFIX = 'allowance-use:';

type EntitlementRow = {
  id: string;
  kind: string;
  quantity: number | null;
  purchasedAt: Date | null;
  expiresAt: Date | null;
  uses: { amount: number; reference: string | null }[];
};

/** How much of each recorded use was drawn from extras, by the use's id. */
function drawnFromExtras(entitlements: readonly EntitlementRow[]): Map<string, number> {
  const drawn = new Map<string, number>();
  for (const use of entitlements.flatMap((e) => e.uses)) {
    if (!use.reference?.startsWith(DRAW_PREFIX)) continue;
    const id = use.reference.slice(DRAW_PREFIX.length);
    drawn.set(id, (drawn.get(id) ?? 0) + use.amount);
  }
  return drawn;
}

const usesOf = (rows: readonly AllowanceUse[], kind: string, drawn: Map<string, number>) =>
  rows
    .filter((row) => row.kind === kind)
    .map((row) => ({ atMs: row.usedAt.getTime(), amount: row.amount, fromExtras: drawn.get(row.id) ?? 0 }));

/** The extras of a kind an admin added to the contract: one-off, from purchase (else the start) to expiry (else the end). */
const extrasOf = (
  rows: readonly EntitlementRow[],
  kind: string,
  contract: { startsAt: Date; endsAt: Date },
): ExtraGrant[] =>
  rows
    .filter((row) => row.kind === kind && row.quantity !== null)
    .map((row) => ({
      id: row.id,
      quantity: row.quantity ?? 0,
      used: row.uses.reduce((sum, use) => sum + use.amount, 0),
      fromMs: (row.purchasedAt ?? contract.startsAt).getTime(),
      untilMs: (row.expiresAt ?? contract.endsAt).getTime(),
    }));

const withDrawUses = { uses: { select: { amount: true, reference: true } } } as const;

export interface ContractAllowances {
  contract: {
    id: string;
    customerId: string;
    productId: string;
    planKey: string;
    startsAtMs: number;
    endsAtMs: number;
  };
  /** Every kind the plan grants or an admin added, with what is left of it in the current period. */
  balances: AllowanceBalance[];
  uses: AllowanceUse[];
}

/** A contract's balances at `asOfMs` and its recorded uses, or null when there is no such contract. */
export async function loadContractAllowances(
  db: Database,
  contractId: string,
  asOfMs: number,
): Promise<ContractAllowances | null> {
  const row = await db.contract.findUnique({
    where: { id: contractId },
    include: {
      policy: true,
      allowanceUses: { orderBy: [{ usedAt: 'asc' }, { id: 'asc' }] },
      entitlements: { where: { kind: { in: [...RECORDED_ALLOWANCE_KINDS] } }, include: withDrawUses },
    },
  });
  if (!row) return null;
  const entitlements = await planOf(db, row.policy.key);
  const drawn = drawnFromExtras(row.entitlements);
  const granted = RECORDED_ALLOWANCE_KINDS.filter(
    (kind) => entitlements.allowances[kind] !== undefined || row.entitlements.some((e) => e.kind === kind),
  );
  return {
    contract: {
      id: row.id,
      customerId: row.customerId,
      productId: row.productId,
      planKey: row.policy.key,
      startsAtMs: row.startsAt.getTime(),
      endsAtMs: row.endsAt.getTime(),
    },
    balances: granted.map((kind) =>
      allowanceBalance({
        entitlements,
        kind,
        contractStartMs: row.startsAt.getTime(),
        asOfMs,
        uses: usesOf(row.allowanceUses, kind, drawn),
        extras: extrasOf(row.entitlements, kind, row),
      }),
    ),
    uses: row.allowanceUses,
  };
}

export type RecordOutcome =
  | { outcome: 'recorded'; use: AllowanceUse; balance: AllowanceBalance }
  /** The same Idempotency-Key was recorded before: its use, and the balance now. */
  | { outcome: 'replayed'; use: AllowanceUse; balance: AllowanceBalance }
  /** The key was recorded before with another kind, amount or ticket. */
  | { outcome: 'key_reused'; use: AllowanceUse }
  | { outcome: 'refused'; decision: Extract<AllowanceDecision, { ok: false }> }
  | { outcome: 'no_contract' };

export async function recordAllowanceUse(
  db: Database,
  input: {
    contractId: string;
    kind: RecordedAllowanceKind;
    amount: number;
    ticketId: string | null;
    note: string | null;
    recordedBy: string;
    idempotencyKey: string | null;
    nowMs: number;
  },
): Promise<RecordOutcome> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM contracts WHERE id = ${input.contractId}::uuid FOR UPDATE`;
    if (locked.length === 0) return { outcome: 'no_contract' } as const;
    const contract = await tx.contract.findUniqueOrThrow({
      where: { id: input.contractId },
      include: {
        policy: true,
        customer: { select: { city: true } },
        entitlements: { where: { kind: input.kind }, include: withDrawUses },
      },
    });
    const entitlements = await planOf(tx, contract.policy.key);
    const uses = await tx.allowanceUse.findMany({ where: { contractId: contract.id, kind: input.kind } });
    const drawn = drawnFromExtras(contract.entitlements);
    const balanceInput = {
      entitlements,
      kind: input.kind,
      contractStartMs: contract.startsAt.getTime(),
      asOfMs: input.nowMs,
      uses: usesOf(uses, input.kind, drawn),
      extras: extrasOf(contract.entitlements, input.kind, contract),
    };

    if (input.idempotencyKey !== null) {
      const first = await tx.allowanceUse.findUnique({
        where: { contractId_idempotencyKey: { contractId: contract.id, idempotencyKey: input.idempotencyKey } },
      });
      if (first && (first.kind !== input.kind || first.amount !== input.amount || first.ticketId !== input.ticketId))
        return { outcome: 'key_reused', use: first } as const;
      if (first) return { outcome: 'replayed', use: first, balance: allowanceBalance(balanceInput) } as const;
    }
    const ticket =
      input.ticketId === null
        ? null
        : await tx.ticket.findFirst({
            where: { id: input.ticketId, contractId: contract.id },
            select: { priority: true },
          });
    const decision = decideAllowanceUse({
      ...balanceInput,
      amount: input.amount,
      planName: contract.policy.key,
      contractEndMs: contract.endsAt.getTime(),
      context: { ticketId: input.ticketId, ticket, city: contract.customer.city },
    });
    if (!decision.ok) return { outcome: 'refused', decision } as const;
    const use = await tx.allowanceUse.create({
      data: {
        contractId: contract.id,
        kind: input.kind,
        amount: input.amount,
        usedAt: new Date(input.nowMs),
        recordedBy: input.recordedBy,
        note: input.note,
        idempotencyKey: input.idempotencyKey,
        ticketId: input.ticketId,
      },
    });
    if (decision.draw.fromExtras.length > 0) {
      await tx.entitlementUse.createMany({
        data: decision.draw.fromExtras.map((draw) => ({
          entitlementId: draw.id,
          amount: draw.amount,
          usedAt: use.usedAt,
          reference: `${DRAW_PREFIX}${use.id}`,
        })),
      });
    }
    return { outcome: 'recorded', use, balance: decision.balance } as const;
  });
}
