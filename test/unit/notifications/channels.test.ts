/** Which providers the configuration selects. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { createDeliveryChannels, HttpSmsGateway, SmtpMailer } from '../../../activities/notifications/channels';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const base = {
  NODE_ENV: 'development' as const,
  MAIL_FROM: 'Pasban <no-reply@pasban.local>',
  SMS_GATEWAY_TOKEN: undefined,
};

describe('createDeliveryChannels', () => {
  it('has no SMS or e-mail channel when no gateway or SMTP server is configured (their messages are held)', () => {
    const { logger } = capturingLogger();
    const channels = createDeliveryChannels({ ...base, SMS_GATEWAY_URL: undefined, SMTP_URL: undefined }, logger);
    expect(channels).toEqual({ sms: null, email: null });
  });

  it('uses the HTTP gateway and SMTP when their URLs are set', () => {
    const { logger } = capturingLogger();
    const channels = createDeliveryChannels(
      {
        ...base,
        SMS_GATEWAY_URL: 'https://sms.example.test/send',
        SMS_GATEWAY_TOKEN: 't',
        SMTP_URL: 'smtp://mail.example.test:25',
      },
      logger,
    );
    expect(channels.sms).toBeInstanceOf(HttpSmsGateway);
    expect(channels.email).toBeInstanceOf(SmtpMailer);
  });

  it('warns in production that messages are held', () => {
    const { logger, lines } = capturingLogger();
    createDeliveryChannels(
      { ...base, NODE_ENV: 'production', SMS_GATEWAY_URL: undefined, SMTP_URL: undefined },
      logger,
    );
    expect(lines).toEqual([expect.objectContaining({ level: 40, missing: ['SMS_GATEWAY_URL', 'SMTP_URL'] })]);
  });
});
