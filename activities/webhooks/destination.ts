/**
 * Where a webhook may be sent. Only `https` in production (plain `http` elsewhere, for local
 * receivers, and to hosts an administrator allowed), never to credentials in the URL, and never to a private, loopback, link-local,
 * shared, multicast or reserved address unless an administrator allowed the host
 * (`WEBHOOK_ALLOWED_HOSTS`). The URL is checked when a subscription is made and the addresses
 * again at connect time: `guardedLookup` resolves the name and refuses a blocked address, so a
 * name that resolves elsewhere later (DNS rebinding) is caught when it matters.
 */
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns';

export interface DestinationPolicy {
  /** Plain http allowed (anywhere but production). */
  allowHttp: boolean;
  /** Host names or literal addresses that may be private (an administrator's choice). */
  allowedHosts: ReadonlySet<string>;
}

export function destinationPolicy(config: { NODE_ENV?: string; WEBHOOK_ALLOWED_HOSTS?: string }): DestinationPolicy {
  const hosts = (config.WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => normalHost(h.trim()))
    .filter((h) => h.length > 0);
  return { allowHttp: config.NODE_ENV !== 'production', allowedHosts: new Set(hosts) };
}

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is one a webhook may not reach without an administrator's allowance. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  return blocked.check(address, 'ipv6');
}

const normalHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

/** Why a URL may not be a webhook destination, or null when it may. */
export function refuseUrl(raw: string, policy: DestinationPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  const host = normalHost(url.hostname);
  // Plain http outside production, or in production to a host an administrator allowed (an internal receiver).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (policy.allowHttp || policy.allowedHosts.has(host)))) {
    return policy.allowHttp
      ? 'must start with https:// or http://'
      : 'must start with https:// (only https in production)';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a fragment';
  if (policy.allowedHosts.has(host)) return null;
  if (host === 'localhost' || host.endsWith('.localhost'))
    return 'must not be a loopback host unless an administrator allows it (WEBHOOK_ALLOWED_HOSTS)';
  if (isIP(host) && isBlockedAddress(host)) {
    return 'must not be a private, loopback, link-local or reserved address unless an administrator allows it (WEBHOOK_ALLOWED_HOSTS)';
  }
  return null;
}

export class BlockedDestinationError extends Error {
  constructor(host: string, address: string) {
    super(
      `${host} resolves to ${address}, a private, loopback, link-local or reserved address (not in WEBHOOK_ALLOWED_HOSTS)`,
    );
    this.name = 'BlockedDestinationError';
  }
}

/**
 * A `lookup` for http(s).request that resolves the name and refuses it when any of its addresses
 * is blocked (an allowed host may resolve anywhere). The socket connects to the address checked
 * here, never to a second resolution.
 */
export function guardedLookup(policy: DestinationPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const allowed = policy.allowedHosts.has(normalHost(hostname));
      const refused = allowed ? undefined : addresses.find((a) => isBlockedAddress(a.address));
      if (refused) return callback(new BlockedDestinationError(hostname, refused.address), '', 0);
      if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
