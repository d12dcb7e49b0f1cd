import pino from 'pino';

export type Logger = pino.Logger;

/**
 * JSON logs on stdout (or `destination`, e.g. a buffer in tests). Secrets never reach them: the
 * redact list covers every place one can sit.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'pasban', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.apiKey', '*.secret', '*.password'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
