/**
 * One webhook request: a POST with a bounded body, a short overall timeout, the answer read up to
 * a bound, redirects never followed (a 3xx is a failed attempt), and the destination checked at
 * connect time (activities/webhooks/destination.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { BlockedDestinationError, guardedLookup, isBlockedAddress, type DestinationPolicy } from './destination';

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** How much of the answer is read (and kept in the delivery log). */
  maxResponseBytes: number;
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

export type WebhookSender = (options: SendOptions) => Promise<SendResult>;

/** A sender whose connections (kept alive) go only where the policy allows. */
export function createWebhookSender(policy: DestinationPolicy): WebhookSender {
  const lookup = guardedLookup(policy);
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 20, lookup }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 20, lookup }),
  };
  return (options) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const url = new URL(options.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    // A literal address is never looked up, so it is checked here.
    if (isIP(host) && isBlockedAddress(host) && !policy.allowedHosts.has(host.toLowerCase())) {
      return Promise.resolve({
        ok: false,
        statusCode: null,
        durationMs: 0,
        responseBody: null,
        error: new BlockedDestinationError(host, host).message,
      });
    }
    const transport = url.protocol === 'https:' ? https : http;
    const agent = agents[url.protocol as 'http:' | 'https:'];
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, durationMs: elapsed() });
      };
      const request = transport.request(url, {
        method: 'POST',
        agent,
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(options.body)),
          'user-agent': 'Pasban-Webhooks/1',
        },
      });
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      request.on('error', (error) => finish({ ok: false, statusCode: null, responseBody: null, error: error.message }));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const status = response.statusCode ?? 0;
          const body = Buffer.concat(chunks).subarray(0, options.maxResponseBytes).toString('utf8');
          const redirect =
            status >= 300 && status < 400
              ? `redirect not followed (${status} to ${response.headers.location ?? 'nowhere'})`
              : null;
          const ok = status >= 200 && status < 300;
          finish({
            ok,
            statusCode: status,
            responseBody: body || null,
            error: ok ? null : (redirect ?? `answered ${status}`),
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (size >= options.maxResponseBytes) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= options.maxResponseBytes) {
            // Enough of the answer: stop reading the rest.
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', () => done());
      });
      request.end(options.body);
    });
  };
}
