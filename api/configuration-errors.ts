import type { Problem } from '../sla/problem';
import { ApiError } from './errors';

/**
 * The refusals the configuration routes share: problems the sla/ validators found, references to
 * things that do not exist, keys already taken, and deletions of things still in use.
 */

/** Each problem named by the request field at fault (`week.sat[1]` → `body.week.sat[1]`). */
export function refuseProblems(
  problems: readonly Problem[],
  fieldOf: (path: string) => string = (path) => `body.${path}`,
): void {
  if (problems.length === 0) return;
  const invalidFields = problems.map((problem) => ({ field: fieldOf(problem.path), reason: problem.message }));
  throw new ApiError('validation_failed', invalidFields.map((f) => `${f.field}: ${f.reason}`).join('; '), {
    invalidFields,
  });
}

/** A body field that names something that does not exist: 422, as for API keys. */
export function unknownReference(field: string, what: string, id: string): ApiError {
  return new ApiError('unprocessable', `${what} ${id} does not exist`, {
    invalidFields: [{ field, reason: `no such ${what}` }],
  });
}

/** 409 naming everything that still uses `what`, e.g. "policy owj-agile is still used by 3 contracts". */
export function refuseIfInUse(what: string, uses: Record<string, number>): void {
  const named = Object.entries(uses)
    .filter(([, count]) => count > 0)
    .map(([users, count]) => `${count} ${users}`);
  if (named.length > 0)
    throw new ApiError('conflict', `${what} is still used by ${named.join(', ')}`, { reason: 'in_use' });
}

/**
 * Runs a write; a unique key already taken becomes 409, and a row some other row still refers
 * to (a reference added since the in-use check) becomes 409 too.
 */
export async function writeOrConflict<T>(write: Promise<T>, takenMessage = 'that key is already taken'): Promise<T> {
  try {
    return await write;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'P2002') throw new ApiError('conflict', takenMessage, { reason: 'taken' });
    if (code === 'P2003')
      throw new ApiError('conflict', 'it is still referred to by other records', { reason: 'in_use' });
    throw error;
  }
}
