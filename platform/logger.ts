import pino from 'pino';

export type Logger = pino.Logger;

/**
 * What an error may put in a log: its kind, message, code and stack, and its causes' the same
 * way. Never its other properties: a driver's or an HTTP client's error can carry query
 * arguments, request bodies or a gateway's echo of a message, i.e. personal data.
 */
export function loggableError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message,
    ...((typeof code === 'string' || typeof code === 'number') && { code }),
    stack: error.stack,
    ...(error.cause !== undefined && depth < 3 && { cause: loggableError(error.cause, depth + 1) }),
  };
}

/**
 * JSON logs on stdout (or `destination`, e.g. a buffer in tests). Secrets never reach them: the
 * redact list covers every place one can sit, and an error under `err` is logged by
 * `loggableError`, never with all its properties.
 */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  name = 'pasban',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    serializers: { err: loggableError },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.apiKey', '*.secret', '*.password'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
