import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type Database = PrismaClient;

/**
 * A value for a JSON column. Prisma's input type has an index signature no domain interface
 * has, so every write would need a cast; this is the one. Reads parse (store/json-columns.ts).
 */
export const asJson = (value: unknown) => value as Prisma.InputJsonValue;

/**
 * A client on `databaseUrl`. Errors are 'minimal': the default ('pretty') renders the query's
 * arguments into the message, and a failed request's message is logged.
 */
export function createDatabase(databaseUrl: string): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }), errorFormat: 'minimal' });
}
