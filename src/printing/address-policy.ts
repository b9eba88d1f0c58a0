/**
 * Which hosts and addresses a print may reach (printing.md §13 rules 2–3): allow-list host
 * patterns (`name`, `*.domain`, either with `:port`) and the address ranges refused unless an
 * administrator lists them in `print.allowedNetworks`.
 * @module printing/address-policy
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** One allow-list entry. */
export interface HostPattern {
  /** Lower-case host as the URL parser writes it (IPv6 in brackets), without a trailing dot. */
  host: string;
  /** `*.host`: sub-domains of `host`, not `host` itself. */
  wildcard: boolean;
  /** Only this port, or any port when null. */
  port: number | null;
}

/** A CIDR range. */
export interface Network {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const PATTERN = /^(\*\.)?(\[[^\]]+\]|[^:/?#@\[\]\s]+)(?::(\d{1,5}))?$/;

/** Parses an allow-list entry; null when it is not a host name, an IP address or `*.domain`, optionally with `:port`. */
export function parseHostPattern(pattern: string): HostPattern | null {
  const match = PATTERN.exec(pattern.trim());
  if (!match) return null;
  const [, star, rawHost, rawPort] = match;
  const port = rawPort === undefined ? null : Number(rawPort);
  if (port !== null && (port < 1 || port > 65535)) return null;
  const host = canonicalHost(rawHost!);
  if (host === null || (star && isIpLiteral(host))) return null;
  return { host, wildcard: star !== undefined, port };
}

/** Whether a URL's host and port (the scheme's default when it names none) match an allow-list entry. */
export function hostAllowed(patterns: readonly HostPattern[], url: URL): boolean {
  const host = withoutTrailingDot(url.hostname);
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return patterns.some((p) =>
    (p.port === null || p.port === port) && (p.wildcard ? host.endsWith(`.${p.host}`) : host === p.host));
}

/** The IP address a URL names directly (brackets removed), or null when it names a host. */
export function ipLiteral(url: URL): string | null {
  const host = url.hostname;
  if (host.startsWith('[')) return host.slice(1, -1);
  return isIPv4(host) ? host : null;
}

/** Parses `address/prefix` (or a bare address: that address alone); null when invalid. */
export function parseNetwork(cidr: string): Network | null {
  const [address = '', prefixText, extra] = cidr.trim().split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
  if (family === null || extra !== undefined) return null;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) return null;
  return { address, prefix: Number(prefixText), family };
}

/**
 * Refused by default: loopback, private (RFC 1918, unique local), link-local (cloud metadata
 * lives at 169.254.169.254), unspecified, multicast, CGNAT, reserved and broadcast.
 */
const REFUSED_RANGES = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4',
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const network = parseNetwork(cidr);
    if (!network) throw new Error(`'${cidr}' is not an IP address or CIDR range`);
    list.addSubnet(network.address, network.prefix, network.family);
  }
  return list;
}

const refused = blockList(REFUSED_RANGES);

/** Decides whether an address may be connected to. */
export class AddressPolicy {
  private readonly allowed: BlockList;

  /** Throws when an entry of `allowedNetworks` is not a CIDR range (see `parseNetwork`). */
  constructor(allowedNetworks: readonly string[]) {
    this.allowed = blockList(allowedNetworks);
  }

  /** Whether `address` is outside the refused ranges or inside an allowed network; unparsable addresses are refused. */
  allows(address: string): boolean {
    const checked = comparableAddress(address);
    if (!checked) return false;
    return !refused.check(checked.address, checked.family) || this.allowed.check(checked.address, checked.family);
  }
}

/**
 * The address in the form it is checked in: IPv6 canonical (zone dropped), IPv4-mapped IPv6
 * (`::ffff:a.b.c.d`) as the IPv4 address it reaches.
 */
export function comparableAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  if (isIPv4(address)) return { address, family: 'ipv4' };
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return null;
  // The URL parser writes IPv6 canonically, mapped IPv4 included (`::ffff:7f00:1`).
  const canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return { address: canonical, family: 'ipv6' };
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 'ipv4' };
}

function canonicalHost(host: string): string | null {
  try {
    // Internationalised names come back as punycode; anything else but letters, digits, `.-_` is no host.
    const name = withoutTrailingDot(new URL(`http://${host}/`).hostname);
    return /^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(\.[a-z0-9_-]+)*)$/.test(name) ? name : null;
  } catch {
    return null;
  }
}

function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || isIPv4(host);
}

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
