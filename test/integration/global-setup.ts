import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, TEST_ADMIN_KEY, type Stack } from '../support/stack';

declare global {
  var pasbanStack: Stack | undefined;
}

/** One full stack (the run command itself) for the whole integration layer. */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pasban-it-'));
  const stack = await startStack(dataDir);
  globalThis.pasbanStack = stack;
  process.env.PASBAN_TEST_API_URL = stack.apiUrl;
  process.env.PASBAN_TEST_DATABASE_URL = stack.databaseUrl;
  process.env.PASBAN_TEST_TEMPORAL_ADDRESS = stack.temporalAddress;
  process.env.PASBAN_TEST_ADMIN_KEY = TEST_ADMIN_KEY;
}
