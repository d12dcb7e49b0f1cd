#!/bin/sh
# One-shot job of docker-compose.yml (image temporalio/admin-tools): creates Temporal's two
# databases on the stack's PostgreSQL if they are missing and brings both schemas to the version
# this image's server expects. Safe to run on every `docker compose up`: each step is idempotent
# (create skips an existing database, setup-schema -v 0.0 only bootstraps an empty one,
# update-schema applies only the versions not yet applied).
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
port="${DB_PORT:-5432}"
sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"
}

for db in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  name="${db%%:*}"
  schema="${db##*:}"
  echo "temporal schema: $name ($schema)"
  sql --db "$name" create || echo "  $name exists"
  sql --db "$name" setup-schema -v 0.0 || echo "  $name already bootstrapped"
  sql --db "$name" update-schema -d "/etc/temporal/schema/postgresql/v12/$schema/versioned"
done
echo "temporal schema: up to date"
