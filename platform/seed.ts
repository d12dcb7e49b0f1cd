import type { Database } from './database';
import type { Logger } from './logger';
export async function seedPresets(_db: Database, _logger: Logger): Promise<void> {}
