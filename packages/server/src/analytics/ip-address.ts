import { isIPv4, isIPv6 } from 'node:net';

/**
 * Cuts an IP address down before anything is derived from it or kept: IPv4 to its /24
 * (`203.0.113.77` → `203.0.113.0`), IPv6 to its /48 (`2001:db8:1234:5678::1` → `2001:db8:1234::`).
 * IPv4-mapped IPv6 addresses are treated as IPv4. Returns null for anything that is not an address.
 */
export function anonymiseIp(ip: string): string | null {
  const mapped = ip.toLowerCase().startsWith('::ffff:') ? ip.slice(7) : ip;
  if (isIPv4(mapped)) {
    const parts = mapped.split('.');
    return `${parts[0]}.${parts[1]}.${parts[2]}.0`;
  }
  if (!isIPv6(ip)) return null;
  const groups = expandIpv6(ip);
  return `${groups.slice(0, 3).join(':')}::`;
}

/** The eight 16-bit groups of an IPv6 address, in lowercase hex without leading zeros. */
function expandIpv6(ip: string): string[] {
  const zone = ip.indexOf('%');
  const bare = zone >= 0 ? ip.slice(0, zone) : ip;
  const [head = '', tail] = bare.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::ffff:1.2.3.4 was handled above; 64:ff9b::1.2.3.4 here) counts as two groups.
  const last = tailGroups.at(-1) ?? headGroups.at(-1);
  const v4Groups = last?.includes('.') ? 1 : 0;
  const missing = 8 - headGroups.length - tailGroups.length - v4Groups;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : Math.max(0, missing)).fill('0'), ...tailGroups];
  return groups.map((g) => (g.includes('.') ? g : Number.parseInt(g || '0', 16).toString(16)));
}
