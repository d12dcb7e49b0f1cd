import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_SERVER_VERSION, temporalServerConfig } from '../../../platform/temporal-server';

describe('the real Temporal server (platform/temporal-server.ts)', () => {
  it('is the version docker-compose.yml runs, everywhere the compose file names one', () => {
    const compose = readFileSync(path.join(__dirname, '..', '..', '..', 'docker-compose.yml'), 'utf8');
    const versions = [...compose.matchAll(/temporalio\/(?:server|admin-tools):\$\{TEMPORAL_VERSION:-([\d.]+)\}/g)].map(
      (m) => m[1],
    );
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(versions)).toEqual(new Set([TEMPORAL_SERVER_VERSION]));
  });

  it('binds every service to loopback on the ports given, and both stores to the PostgreSQL given', () => {
    const config = temporalServerConfig(
      { host: '127.0.0.1', port: 6543, user: 'postgres', password: 'secret' },
      { frontend: 7300, internalBase: 7310 },
      { historyShards: 8, maxConns: 20 },
    );
    const ports = [...config.matchAll(/(?:grpcPort|membershipPort|httpPort): (\d+)/g)].map((m) => Number(m[1]));
    expect(ports.sort((a, b) => a - b)).toEqual([7300, 7310, 7311, 7312, 7313, 7314, 7315, 7316, 7317]);
    expect(config.match(/bindOnLocalHost: true/g)).toHaveLength(4);
    expect(config.match(/connectAddr: "127.0.0.1:6543"/g)).toHaveLength(2);
    expect(config).toContain('numHistoryShards: 8');
    expect(config).toContain('rpcAddress: "127.0.0.1:7300"');
  });
});
