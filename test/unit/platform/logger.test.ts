// Errors reach the logs as kind, message, code, stack and causes, never with the properties a
// driver or HTTP client hangs on them (query arguments, bodies, a gateway's echo).
import { Writable } from 'node:stream';
import { createLogger, loggableError } from '../../../platform/logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger('info', 'test', sink),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

class DriverError extends Error {
  override name = 'DriverError';
  constructor(
    message: string,
    readonly code: string,
    readonly meta: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

describe('logged errors', () => {
  it('keep kind, message, code, stack and the cause chain, and drop every other property', () => {
    const { logger, entries } = capture();
    const cause = Object.assign(new Error('connection reset'), { request: { body: { phone: '09121234567' } } });
    const error = new DriverError('query failed', 'P2010', { args: ['reza@example.test'] }, { cause });
    logger.error({ err: error, requestId: 'r-1' }, 'request failed');
    const [entry] = entries();
    expect(entry).toMatchObject({
      msg: 'request failed',
      requestId: 'r-1',
      err: {
        type: 'DriverError',
        message: 'query failed',
        code: 'P2010',
        cause: { type: 'Error', message: 'connection reset' },
      },
    });
    expect((entry!.err as { stack: string }).stack).toContain('query failed');
    const text = JSON.stringify(entry);
    expect(text).not.toContain('09121234567');
    expect(text).not.toContain('reza@example.test');
  });

  it('log a thrown non-error as its kind and text, and stop a cause chain after three levels', () => {
    expect(loggableError('plain text')).toEqual({ type: 'string', message: 'plain text' });
    let deepest: Error = new Error('level 5');
    for (let level = 4; level >= 0; level--) deepest = new Error(`level ${level}`, { cause: deepest });
    const logged = loggableError(deepest) as { cause?: unknown };
    const depth = (value: { cause?: unknown } | undefined): number =>
      value?.cause ? 1 + depth(value.cause as { cause?: unknown }) : 0;
    expect(depth(logged)).toBe(3);
  });
});
