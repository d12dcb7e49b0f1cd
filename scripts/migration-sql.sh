#!/usr/bin/env bash
# Prints the SQL that takes the database from one schema.prisma to another, using Prisma's own
# differ. Prisma 7's migrate commands need a native engine that cannot be downloaded offline;
# Prisma 6.19's JS engine (installed into .tools/prisma6 on first use) produces the same SQL.
#   scripts/migration-sql.sh <from-schema.prisma|--from-empty> <to-schema.prisma> <database-url>
# The database is only connected to, never changed. Save the output as
# prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql and review it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools/prisma6"
if [ ! -x "$tools/node_modules/.bin/prisma" ]; then
  mkdir -p "$tools"
  (cd "$tools" && echo '{"private":true}' > package.json && npm install --silent prisma@6.19 @prisma/adapter-pg@6.19 >/dev/null)
fi
from=$1 to=$2 url=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
with_url() { sed -e "0,/provider = \"postgresql\"/s||provider = \"postgresql\"\n  url = \"$url\"|" "$1"; }
with_url "$to" > "$work/to.prisma"
if [ "$from" = "--from-empty" ]; then from_args=(--from-empty); else with_url "$from" > "$work/from.prisma"; from_args=(--from-schema-datamodel "$work/from.prisma"); fi
cat > "$work/prisma.config.ts" <<TS
import { defineConfig } from 'prisma/config'
import { PrismaPg } from '@prisma/adapter-pg'
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'to.prisma',
  async adapter() { return new PrismaPg({ connectionString: '$url' }) },
} as never)
TS
ln -s "$tools/node_modules" "$work/node_modules"
cd "$work"
PRISMA_QUERY_ENGINE_LIBRARY=$(command -v node) PRISMA_SCHEMA_ENGINE_BINARY=$(command -v node) \
  ./node_modules/.bin/prisma migrate diff "${from_args[@]}" --to-schema-datamodel to.prisma --script 2>/dev/null
