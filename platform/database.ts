import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

/**
 * A client on `databaseUrl`. Errors are 'minimal': the default ('pretty') renders the query's
 * arguments into the message, and a failed request's message is logged.
 */
export function createDatabase(databaseUrl: string): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }), errorFormat: 'minimal' });
}
