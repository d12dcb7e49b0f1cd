import type { AllowanceUse, Prisma } from '../generated/prisma/client';
import type { Database } from '../platform/database';
import {
  allowanceBalance,
  decideAllowanceUse,
  RECORDED_ALLOWANCE_KINDS,
  type AllowanceBalance,
  type AllowanceDecision,
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

const usesOf = (rows: readonly AllowanceUse[], kind: string) => rows.filter((row) => row.kind === kind).map((row) => ({ atMs: row.usedAt.getTime(), amount: row.amount }));

export interface ContractAllowances {
  contract: { id: string; customerId: string; productId: string; planKey: string; startsAtMs: number; endsAtMs: number };
  /** Every kind the plan grants, with what is left of it in the current period. */
  balances: AllowanceBalance[];
  uses: AllowanceUse[];
}

/** A contract's balances at `asOfMs` and its recorded uses, or null when there is no such contract. */
export async function loadContractAllowances(db: Database, contractId: string, asOfMs: number): Promise<ContractAllowances | null> {
  const row = await db.contract.findUnique({ where: { id: contractId }, include: { policy: true, allowanceUses: { orderBy: [{ usedAt: 'asc' }, { id: 'asc' }] } } });
  if (!row) return null;
  const entitlements = await planOf(db, row.policy.key);
  const granted = RECORDED_ALLOWANCE_KINDS.filter((kind) => entitlements.allowances[kind] !== undefined);
  return {
    contract: { id: row.id, customerId: row.customerId, productId: row.productId, planKey: row.policy.key, startsAtMs: row.startsAt.getTime(), endsAtMs: row.endsAt.getTime() },
    balances: granted.map((kind) => allowanceBalance({ entitlements, kind, contractStartMs: row.startsAt.getTime(), asOfMs, uses: usesOf(row.allowanceUses, kind) })),
    uses: row.allowanceUses,
  };
}

export type RecordOutcome =
  | { outcome: 'recorded'; use: AllowanceUse; balance: AllowanceBalance }
  /** The same Idempotency-Key was recorded before: its use, and the balance now. */
  | { outcome: 'replayed'; use: AllowanceUse; balance: AllowanceBalance }
  /** The key was recorded before with another kind or amount. */
  | { outcome: 'key_reused'; use: AllowanceUse }
  | { outcome: 'refused'; decision: Extract<AllowanceDecision, { ok: false }> }
  | { outcome: 'no_contract' };

export async function recordAllowanceUse(
  db: Database,
  input: { contractId: string; kind: RecordedAllowanceKind; amount: number; note: string | null; recordedBy: string; idempotencyKey: string | null; nowMs: number },
): Promise<RecordOutcome> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM contracts WHERE id = ${input.contractId}::uuid FOR UPDATE`;
    if (locked.length === 0) return { outcome: 'no_contract' } as const;
    const contract = await tx.contract.findUniqueOrThrow({ where: { id: input.contractId }, include: { policy: true } });
    const entitlements = await planOf(tx, contract.policy.key);
    const uses = await tx.allowanceUse.findMany({ where: { contractId: contract.id, kind: input.kind } });
    const balanceNow = () => allowanceBalance({ entitlements, kind: input.kind, contractStartMs: contract.startsAt.getTime(), asOfMs: input.nowMs, uses: usesOf(uses, input.kind) });

    if (input.idempotencyKey !== null) {
      const first = await tx.allowanceUse.findUnique({ where: { contractId_idempotencyKey: { contractId: contract.id, idempotencyKey: input.idempotencyKey } } });
      if (first && (first.kind !== input.kind || first.amount !== input.amount)) return { outcome: 'key_reused', use: first } as const;
      if (first) return { outcome: 'replayed', use: first, balance: balanceNow() } as const;
    }
    const decision = decideAllowanceUse({
      entitlements,
      kind: input.kind,
      amount: input.amount,
      planName: contract.policy.key,
      contractStartMs: contract.startsAt.getTime(),
      contractEndMs: contract.endsAt.getTime(),
      asOfMs: input.nowMs,
      uses: usesOf(uses, input.kind),
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
      },
    });
    return { outcome: 'recorded', use, balance: decision.balance } as const;
  });
}
