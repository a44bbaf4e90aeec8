import { BlockList, isIP } from 'node:net';

/**
 * Whether an address is one of TRUSTED_PROXIES (CIDRs as libs/config's `cidrList` parses them).
 * Anything that is not an IP address is untrusted.
 */
export function trustedProxies(cidrs: readonly string[]): (address: string) => boolean {
  if (cidrs.length === 0) return () => false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = '', prefix] = cidr.split('/');
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The client's address: the TCP peer, unless it is a trusted proxy; then X-Forwarded-For read
 * from the right, skipping trusted proxies, and the first untrusted hop is the client. A client
 * can prepend anything to the header, but never past the hop a trusted proxy appended for it.
 * The same walk Express does for `req.ip` with `trust proxy` (proxy-addr).
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: (address: string) => boolean): string {
  let address = peer ?? 'unknown';
  if (peer === undefined || !trusted(peer)) return address;
  const hops = [forwardedFor ?? []].flat().join(',').split(',').map((h) => h.trim()).filter(Boolean);
  for (const hop of hops.reverse()) {
    address = hop;
    if (!trusted(address)) return address;
  }
  return address;
}

// Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d.
function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/** The client address of an HTTP request: `req.ip`, which honours TRUSTED_PROXIES through Express's `trust proxy`. */
export function requestAddress(req: { ip?: string }): string {
  return req.ip ?? 'unknown';
}
