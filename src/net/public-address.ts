// Which IP addresses an outbound fetch of a customer's URL may reach: public unicast only, unless
// the operator's allow-list names the address (tests, private deployments).
import ipaddr from 'ipaddr.js';

export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

/** The allow-list, parsed once: single addresses become /32 or /128 ranges. */
export type AllowList = [ipaddr.IPv4 | ipaddr.IPv6, number][];

export function parseAllowList(items: readonly string[]): AllowList {
  return items.map((item) => {
    if (item.includes('/')) return ipaddr.parseCIDR(item);
    const address = ipaddr.parse(item);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  });
}

// Of IPv6, only global unicast (2000::/3) is routed on the internet; everything else is refused.
const globalUnicast = ipaddr.parseCIDR('2000::/3');

/**
 * Classifies an address. IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it
 * carries; NAT64, 6to4 and Teredo addresses are refused because they reach IPv4 hosts indirectly.
 */
export function classifyAddress(raw: string, allow: AllowList = []): AddressVerdict {
  if (!ipaddr.isValid(raw)) return { allowed: false, range: 'invalid' };
  const parsed = ipaddr.parse(raw);
  const address = parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() ? (parsed as ipaddr.IPv6).toIPv4Address() : parsed;
  const allowed = allow.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  if (allowed) return { allowed: true };
  const range = address.range();
  if (range !== 'unicast') return { allowed: false, range };
  if (address.kind() === 'ipv6' && !address.match(globalUnicast)) return { allowed: false, range: 'unallocated' };
  return { allowed: true };
}
