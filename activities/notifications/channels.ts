/**
 * The ways a message leaves Pasban: an SMS gateway over HTTP and e-mail over SMTP. A channel whose
 * URL is unset is absent (null): its messages are held in the outbox until a worker that has it
 * starts. In-app messages need no channel: the outbox row is the message.
 */
import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../../platform/config';
import type { Logger } from '../../platform/logger';

export interface OutgoingMessage {
  /** A phone number for SMS, an e-mail address for e-mail. */
  to: string;
  subject: string;
  text: string;
  /** The outbox row this message is, so logs can name it without the recipient or the text. */
  notificationId?: string;
}

export interface NotificationChannel {
  send(message: OutgoingMessage): Promise<{ providerId?: string }>;
}

/** The channels that deliver outside Pasban, by the outbox's channel name; null where none is configured. */
export interface DeliveryChannels {
  sms: NotificationChannel | null;
  email: NotificationChannel | null;
}

/** The variable that configures each channel, for the notes of held messages. */
export const CHANNEL_SETTING = { sms: 'SMS_GATEWAY_URL', email: 'SMTP_URL' } as const;

/**
 * A delivery that did not happen. `permanent` means trying again cannot help (the provider
 * refused the message itself), so the activity stops retrying.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** A refusal is permanent unless the provider asks to be tried later (timeout, throttling, its own fault). */
const isPermanentStatus = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/** POSTs `{ to, text }` as JSON with a bearer token; any answer outside 2xx is a failure. */
export class HttpSmsGateway implements NotificationChannel {
  constructor(private readonly options: { url: string; token?: string; timeoutMs?: number }) {}

  async send(message: OutgoingMessage): Promise<{ providerId?: string }> {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify({ to: message.to, text: message.text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // fetch reports a refused connection as "fetch failed" with the system error as its cause.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new DeliveryError(`SMS gateway unreachable: ${reason}`, false, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new DeliveryError(
        `SMS gateway answered ${response.status}: ${text.slice(0, 200)}`.trim(),
        isPermanentStatus(response.status),
      );
    }
    return { providerId: providerIdFrom(text) };
  }
}

/** Gateways commonly answer `{ "id": … }` or `{ "messageId": … }`; anything else has no id to keep. */
function providerIdFrom(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const id = body.id ?? body.messageId;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}

/** E-mail through the SMTP server named by an smtp:// or smtps:// URL. */
export class SmtpMailer implements NotificationChannel {
  private readonly transport: Transporter;

  constructor(options: { url: string; from: string; timeoutMs?: number }) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.transport = createTransport(
      { url: options.url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs },
      { from: options.from },
    );
  }

  async send(message: OutgoingMessage): Promise<{ providerId?: string }> {
    try {
      const info = await this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text });
      return { providerId: info.messageId };
    } catch (error) {
      // SMTP 5xx replies reject the message itself; everything else (connection, 4xx) may pass later.
      const code = (error as { responseCode?: number }).responseCode;
      throw new DeliveryError(`SMTP delivery failed: ${(error as Error).message}`, code !== undefined && code >= 500, {
        cause: error,
      });
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** The configured providers; a channel whose URL is unset is null (its messages are held). */
export function createDeliveryChannels(
  config: Pick<Config, 'NODE_ENV' | 'SMS_GATEWAY_URL' | 'SMS_GATEWAY_TOKEN' | 'SMTP_URL' | 'MAIL_FROM'>,
  logger: Logger,
): DeliveryChannels {
  const missing = [config.SMS_GATEWAY_URL ? null : 'SMS_GATEWAY_URL', config.SMTP_URL ? null : 'SMTP_URL'].filter(
    Boolean,
  );
  if (missing.length > 0 && config.NODE_ENV === 'production') {
    logger.warn({ missing }, 'messages on these channels are held in the outbox until the channel is configured');
  }
  return {
    sms: config.SMS_GATEWAY_URL
      ? new HttpSmsGateway({ url: config.SMS_GATEWAY_URL, token: config.SMS_GATEWAY_TOKEN })
      : null,
    email: config.SMTP_URL ? new SmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM }) : null,
  };
}
