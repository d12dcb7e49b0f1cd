// The migrated database must be exactly what schema.prisma describes: the migrations are SQL we
// keep by hand-reviewed generation, and this is what proves they have not drifted.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../../platform/logger';
import { applyMigrations, readMigrations } from '../../platform/migrations';

interface DmmfField {
  name: string;
  dbName: string | null;
  kind: 'scalar' | 'enum' | 'object';
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string }[] }[];
    indexes: DmmfIndex[];
  };
}

function loadDmmf(): Dmmf {
  (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
    set_message: () => undefined,
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const schema = readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8');
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf;
}

/** The PostgreSQL type Prisma creates for a field, as information_schema spells it. */
function expectedType(field: DmmfField, enumDbName: (name: string) => string): string {
  if (field.kind === 'enum') return `enum:${enumDbName(field.type)}`;
  const native = field.nativeType?.[0];
  switch (field.type) {
    case 'String':
      return native === 'Uuid' ? 'uuid' : 'text';
    case 'Int':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Boolean':
      return 'boolean';
    case 'Float':
      return 'double precision';
    case 'Decimal':
      return 'numeric';
    case 'Json':
      return 'jsonb';
    case 'DateTime':
      if (native === 'Date') return 'date';
      return native === 'Timestamptz' ? 'timestamp with time zone' : 'timestamp without time zone';
    default:
      throw new Error(`no mapping for ${field.type}`);
  }
}

/** A column's type as expectedType spells it; an array's element type from its `_name` type. */
function columnType(row: { data_type: string; udt_name: string }): string {
  if (row.data_type === 'USER-DEFINED') return `enum:${row.udt_name}`;
  if (row.data_type !== 'ARRAY') return row.data_type;
  const element = row.udt_name.slice(1);
  const builtIn: Record<string, string> = {
    text: 'text',
    uuid: 'uuid',
    int4: 'integer',
    int8: 'bigint',
    bool: 'boolean',
    jsonb: 'jsonb',
  };
  return `array of ${builtIn[element] ?? `enum:${element}`}`;
}

describe('the migrated database', () => {
  const dmmf = loadDmmf();
  const admin = new pg.Client({ connectionString: process.env.PASBAN_TEST_DATABASE_URL });
  const database = `schema_check_${process.pid}`;
  let db: pg.Client;
  const columnName = (f: DmmfField) => f.dbName ?? f.name;
  const tableName = (m: DmmfModel) => m.dbName ?? m.name;
  const enumDbName = (name: string) => dmmf.datamodel.enums.find((e) => e.name === name)?.dbName ?? name;
  const modelByName = (name: string) => dmmf.datamodel.models.find((m) => m.name === name)!;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = process.env.PASBAN_TEST_DATABASE_URL!.replace(/\/pasban$/, `/${database}`);
    await applyMigrations(url, readMigrations(), createLogger('silent'));
    db = new pg.Client({ connectionString: url });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  });

  it("records every migration in Prisma's _prisma_migrations table with its checksum", async () => {
    const { rows } = await db.query(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(readMigrations().map((m) => [m.name, m.checksum]));
    expect(rows.every((r) => r.finished_at !== null)).toBe(true);
  });

  it('has exactly one table per model', async () => {
    const { rows } = await db.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'",
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual(dmmf.datamodel.models.map(tableName).sort());
  });

  it('has every enum with exactly its values, in order', async () => {
    const { rows } = await db.query(
      'SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname',
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(
      dmmf.datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.name)]),
    );
    expect(actual).toEqual(expected);
  });

  it('has every column with its type and nullability, and no others', async () => {
    const { rows } = await db.query(
      "SELECT table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'",
    );
    const actual = rows
      .map(
        (r) => `${r.table_name}.${r.column_name} ${columnType(r)} ${r.is_nullable === 'NO' ? 'required' : 'optional'}`,
      )
      .sort();
    const expected = dmmf.datamodel.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind !== 'object')
          .map(
            (f) =>
              // Prisma makes a list a nullable array column (the client never writes NULL to it).
              `${tableName(m)}.${columnName(f)} ${f.isList ? `array of ${expectedType(f, enumDbName)}` : expectedType(f, enumDbName)} ${f.isRequired && !f.isList ? 'required' : 'optional'}`,
          ),
      )
      .sort();
    expect(actual).toEqual(expected);
  });

  it('has every primary key, unique constraint and index on exactly its columns', async () => {
    const { rows } = await db.query(`
      SELECT t.relname AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
             array_agg(a.attname::text ORDER BY k.ord) AS columns
      FROM pg_index ix
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
      -- key columns only: an index's INCLUDE columns are not part of what schema.prisma describes
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE t.relname <> '_prisma_migrations' AND k.ord <= ix.indnkeyatts
      GROUP BY t.relname, ix.indexrelid, ix.indisunique, ix.indisprimary`);
    const actual = rows
      .map(
        (r) => `${r.table_name} ${r.is_primary ? 'id' : r.is_unique ? 'unique' : 'normal'} (${r.columns.join(', ')})`,
      )
      .sort();
    const expected = dmmf.datamodel.indexes
      .map((index) => {
        const model = modelByName(index.model);
        const columns = index.fields.map((f) => columnName(model.fields.find((x) => x.name === f.name)!));
        return `${tableName(model)} ${index.type} (${columns.join(', ')})`;
      })
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has a foreign key for every relation, on the relation's columns", async () => {
    const { rows } = await db.query(`
      SELECT tc.table_name, array_agg(kcu.column_name::text ORDER BY kcu.ordinal_position) AS columns, ccu.table_name AS target
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
      JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
      WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
      GROUP BY tc.table_name, tc.constraint_name, ccu.table_name`);
    const actual = rows.map((r) => `${r.table_name} (${r.columns.join(', ')}) -> ${r.target}`).sort();
    const expected = dmmf.datamodel.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
          .map((f) => {
            const columns = f.relationFromFields!.map((name) => columnName(m.fields.find((x) => x.name === name)!));
            return `${tableName(m)} (${columns.join(', ')}) -> ${tableName(modelByName(f.type))}`;
          }),
      )
      .sort();
    expect(actual).toEqual(expected);
  });
});
