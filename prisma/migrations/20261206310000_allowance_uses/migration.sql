-- Rule 15: each use of what a plan grants (visits, reinstalls, installations, training, on-site
-- hours) is recorded against the contract and counted down against the plan's allowance for its
-- period. A retried request with the same Idempotency-Key finds its first use by the unique key.
CREATE TABLE "allowance_uses" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_by" TEXT NOT NULL,
    "note" TEXT,
    "idempotency_key" TEXT,

    CONSTRAINT "allowance_uses_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "allowance_uses_amount_positive" CHECK ("amount" > 0)
);

CREATE UNIQUE INDEX "allowance_uses_contract_id_idempotency_key_key" ON "allowance_uses"("contract_id", "idempotency_key");

CREATE INDEX "allowance_uses_contract_id_kind_used_at_idx" ON "allowance_uses"("contract_id", "kind", "used_at");

ALTER TABLE "allowance_uses" ADD CONSTRAINT "allowance_uses_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
