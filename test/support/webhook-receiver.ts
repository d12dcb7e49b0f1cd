/**
 * A real HTTP receiver for webhooks on loopback: keeps every request (headers, body, when) and
 * answers as told: accept (204), refuse (503), or hang (never answer until released).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  headers: Record<string, string>;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
  receivedAtMs: number;
  /** The status this receiver answered (null while hanging or when the sender went away). */
  answered: number | null;
  /** The sender went away (its connection closed) before this receiver answered. */
  abandoned?: boolean;
}

export type ReceiverMode = 'accept' | 'refuse' | 'hang';

export async function startWebhookReceiver(mode: ReceiverMode = 'accept') {
  const received: ReceivedWebhook[] = [];
  const hanging = new Set<() => void>();
  const state = { mode };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(req.headers[name] ?? '');
      const entry: ReceivedWebhook = {
        id: header('webhook-id'),
        timestamp: header('webhook-timestamp'),
        signature: header('webhook-signature'),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body,
        json: JSON.parse(body),
        receivedAtMs: Date.now(),
        answered: null,
      };
      received.push(entry);
      const answer = (status: number) => {
        entry.answered = status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? '' : 'not now');
      };
      if (state.mode === 'accept') answer(204);
      else if (state.mode === 'refuse') answer(503);
      else {
        const release = () => {
          hanging.delete(release);
          if (!res.writableEnded && !res.destroyed) answer(204);
        };
        hanging.add(release);
        res.on('close', () => {
          hanging.delete(release);
          if (entry.answered === null) entry.abandoned = true;
        });
      }
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** The requests this receiver accepted (answered 2xx). */
    accepted: () => received.filter((r) => r.answered !== null && r.answered < 300),
    setMode(next: ReceiverMode) {
      state.mode = next;
      if (next !== 'hang') for (const release of [...hanging]) release();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of [...hanging]) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
