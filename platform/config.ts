import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.join(' or ')}//`,
    )
    .optional();

/**
 * Every setting Pasban reads from the environment, parsed once. An unset DATABASE_URL or
 * TEMPORAL_ADDRESS means "start the embedded stand-in" (only `npm start` does that).
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASBAN_DATA_DIR: z.string().min(1).default('.data'),

  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  EMBEDDED_POSTGRES_PORT: port.default(54329),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. temporal.internal:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('pasban'),
  // Worker sizing (unset: the SDK's defaults, which follow the V8 heap limit): workflows kept in the
  // sticky cache bound a worker's memory however many are open; a miss replays the workflow's history.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).optional(),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).optional(),
  EMBEDDED_TEMPORAL_PORT: port.default(7233),
  EMBEDDED_TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),

  PASBAN_ADMIN_API_KEY: z
    .string()
    .regex(/^pk_[a-z0-9]{8}_[A-Za-z0-9_-]{24,}$/, 'must look like pk_<8 lowercase letters/digits>_<24+ characters>')
    .optional(),
  PASBAN_ADMIN_EMAIL: z.email({ error: 'must be an e-mail address' }).optional(),
  PASBAN_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(200).optional(),
  /** Sessions of people (api/sessions.ts): idle and absolute lifetimes. */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(12),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** How long an Idempotency-Key's request is remembered (api/idempotency.ts); then it is purged. */
  IDEMPOTENCY_KEY_RETENTION_HOURS: z.coerce.number().int().min(1).max(8760).default(24),
  /** How far past now a recorded outage may end (clocks differ a little); further is refused. */
  OUTAGE_END_MARGIN_MINUTES: z.coerce.number().int().min(0).max(1440).default(15),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must be a size such as 100kb')
    .default('100kb'),

  SMS_GATEWAY_URL: optionalUrl(['http:', 'https:']),
  SMS_GATEWAY_TOKEN: z.string().optional(),
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  MAIL_FROM: z.string().min(3).default('Pasban <no-reply@pasban.local>'),

  /** Webhook hosts an administrator allows to be private or loopback (comma-separated names or addresses). */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .regex(
      /^[A-Za-z0-9.:[\]_-]+(,[A-Za-z0-9.:[\]_-]+)*$/,
      'must be host names or addresses separated by commas, e.g. 127.0.0.1,hooks.internal',
    )
    .optional(),
});

export type Config = z.infer<typeof configSchema> & { dataDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses the environment; a bad value throws a ConfigError naming the variable and why. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        reason: issue.message,
      })),
    );
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.PASBAN_DATA_DIR) };
}
