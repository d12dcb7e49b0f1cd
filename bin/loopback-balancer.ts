// A small TCP load balancer on loopback for the production-shape run: each new connection goes
// to the next API process in turn, skipping one that refuses the connection. Stands in for the
// real balancer (nginx, a cloud load balancer) in front of several API processes.
import net from 'node:net';

export interface Balancer {
  close(): Promise<void>;
}

export async function startBalancer(port: number, backends: readonly number[]): Promise<Balancer> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const connect = (client: net.Socket, tries: number) => {
    const backendPort = backends[next++ % backends.length]!;
    const upstream = net.connect({ host: '127.0.0.1', port: backendPort });
    upstream.once('connect', () => {
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      upstream.destroy();
      if (error.code === 'ECONNREFUSED' && tries + 1 < backends.length && !client.destroyed) connect(client, tries + 1);
      else client.destroy();
    });
    client.once('close', () => upstream.destroy());
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
  };
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    connect(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
