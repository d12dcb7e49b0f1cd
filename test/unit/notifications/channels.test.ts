/** Which providers the configuration selects, and what the development stand-ins do. */
import { Writable } from 'node:stream';
import pino from 'pino';
import {
  createDeliveryChannels,
  HttpSmsGateway,
  LogMailProvider,
  LogSmsProvider,
  SmtpMailer,
} from '../../../activities/notifications/channels';

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

const base = { NODE_ENV: 'development' as const, MAIL_FROM: 'Pasban <no-reply@pasban.local>', SMS_GATEWAY_TOKEN: undefined };

describe('createDeliveryChannels', () => {
  it('logs SMS and e-mail instead of sending them when no gateway or SMTP server is configured', () => {
    const { logger } = capturingLogger();
    const channels = createDeliveryChannels({ ...base, SMS_GATEWAY_URL: undefined, SMTP_URL: undefined }, logger);
    expect(channels.sms).toBeInstanceOf(LogSmsProvider);
    expect(channels.email).toBeInstanceOf(LogMailProvider);
  });

  it('uses the HTTP gateway and SMTP when their URLs are set', () => {
    const { logger } = capturingLogger();
    const channels = createDeliveryChannels(
      { ...base, SMS_GATEWAY_URL: 'https://sms.example.test/send', SMS_GATEWAY_TOKEN: 't', SMTP_URL: 'smtp://mail.example.test:25' },
      logger,
    );
    expect(channels.sms).toBeInstanceOf(HttpSmsGateway);
    expect(channels.email).toBeInstanceOf(SmtpMailer);
  });

  it('warns in production that messages are only logged', () => {
    const { logger, lines } = capturingLogger();
    createDeliveryChannels({ ...base, NODE_ENV: 'production', SMS_GATEWAY_URL: undefined, SMTP_URL: undefined }, logger);
    expect(lines).toEqual([expect.objectContaining({ level: 40, missing: ['SMS_GATEWAY_URL', 'SMTP_URL'] })]);
  });
});

describe('the log providers', () => {
  it('log that an SMS was not sent, naming the outbox row but never the number or the text', async () => {
    const { logger, lines } = capturingLogger();
    await expect(new LogSmsProvider(logger).send({ to: '+989121234567', subject: 'موضوع', text: 'متن پیامک', notificationId: 'n-1' })).resolves.toEqual({});
    expect(lines).toEqual([expect.objectContaining({ channel: 'sms', notificationId: 'n-1' })]);
    expect(JSON.stringify(lines)).not.toMatch(/989121234567|متن پیامک/);
  });

  it('log that an e-mail was not sent, naming the outbox row but never the address, subject or text', async () => {
    const { logger, lines } = capturingLogger();
    await new LogMailProvider(logger).send({ to: 'a@example.test', subject: 'موضوع', text: 'متن', notificationId: 'n-2' });
    expect(lines).toEqual([expect.objectContaining({ channel: 'email', notificationId: 'n-2' })]);
    expect(JSON.stringify(lines)).not.toMatch(/a@example\.test|موضوع|متن/);
  });
});
