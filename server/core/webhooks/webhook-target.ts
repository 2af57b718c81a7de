import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { PaymentError } from '../../../shared/errors.js';

/**
 * Where live-mode webhooks may not go: loopback, private, link-local (cloud metadata), CGNAT, multicast,
 * reserved and IPv6 unique-local ranges. Test mode may target anything (local development).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when a live-mode webhook may be sent to this IP address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !blocked.check(mapped[1], 'ipv4');
  return !blocked.check(address, 'ipv6');
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

export class BlockedTargetError extends Error {}

/**
 * The lookup for live-mode delivery sockets: resolves, then refuses if any address is not public, at the
 * moment of connecting (a name that changes its answer after the endpoint was saved is caught too).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad || !addresses.length) return callback(new BlockedTargetError(`${hostname} resolves to a non-public address (${bad?.address ?? 'none'})`), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** Refuses a literal non-public IP host in live mode (sockets skip the lookup for IP literals). */
export function assertPublicLiteral(url: URL): void {
  const host = hostOf(url);
  if (isIP(host) && !isPublicAddress(host)) throw new BlockedTargetError(`${host} is not a public address`);
}

/**
 * Checks an endpoint URL when it is saved: https only in live mode, and a host that resolves must resolve
 * to public addresses only. A name that does not resolve yet is accepted: every delivery checks again at
 * connect time (publicOnlyLookup), which is the guard that counts. Test mode accepts http and local targets.
 */
export async function checkWebhookTarget(rawUrl: string, livemode: boolean): Promise<void> {
  if (!livemode) return;
  const url = new URL(rawUrl);
  if (url.protocol !== 'https:') throw new PaymentError('invalid_request', 'Live-mode webhook endpoints must use https.', { param: 'url' });
  const host = hostOf(url);
  const addresses = isIP(host)
    ? [host]
    : await new Promise<string[]>((resolve) =>
        dnsLookup(host, { all: true }, (e, a) => resolve(e ? [] : a.map((x) => x.address))),
      );
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad) throw new PaymentError('invalid_request', `Live-mode webhooks cannot target ${host}: it resolves to a private, loopback or link-local address (${bad}).`, { param: 'url' });
}
