import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressPolicy, comparableAddress, hostAllowed, ipLiteral, parseHostPattern, parseNetwork, type HostPattern } from './address-policy.js';

const patterns = (...entries: string[]): HostPattern[] => entries.map((e) => {
  const p = parseHostPattern(e);
  assert.ok(p, `${e} should parse`);
  return p;
});
const allowed = (list: HostPattern[], url: string) => hostAllowed(list, new URL(url));

describe('host patterns', () => {
  it('match exact names case-insensitively, on any port when none is given', () => {
    const list = patterns('Tiles.Example.org');
    assert.equal(allowed(list, 'https://tiles.example.org/a'), true);
    assert.equal(allowed(list, 'http://TILES.EXAMPLE.ORG:8080/a'), true);
    assert.equal(allowed(list, 'http://tiles.example.org./a'), true);
    assert.equal(allowed(list, 'http://example.org/a'), false);
    assert.equal(allowed(list, 'http://a.tiles.example.org/a'), false);
    assert.equal(allowed(list, 'http://tiles.example.org.evil.com/a'), false);
  });

  it('match sub-domains of *.domain, not the domain itself', () => {
    const list = patterns('*.example.org');
    assert.equal(allowed(list, 'https://a.example.org/'), true);
    assert.equal(allowed(list, 'https://a.b.EXAMPLE.org/'), true);
    assert.equal(allowed(list, 'https://example.org/'), false);
    assert.equal(allowed(list, 'https://badexample.org/'), false);
    assert.equal(allowed(list, 'https://example.org.evil.com/'), false);
  });

  it('with a port match only that port, the scheme default counting when the URL names none', () => {
    const list = patterns('a.example.org:443', '*.example.net:8080');
    assert.equal(allowed(list, 'https://a.example.org/'), true);
    assert.equal(allowed(list, 'https://a.example.org:443/'), true);
    assert.equal(allowed(list, 'http://a.example.org/'), false);
    assert.equal(allowed(list, 'https://a.example.org:8443/'), false);
    assert.equal(allowed(list, 'http://x.example.net:8080/'), true);
    assert.equal(allowed(list, 'http://x.example.net/'), false);
    assert.equal(allowed(patterns('b.example.org:80'), 'http://b.example.org/'), true);
  });

  it('accept IP addresses, written as the URL parser writes them', () => {
    assert.equal(allowed(patterns('169.254.169.254'), 'http://169.254.169.254/latest'), true);
    assert.equal(allowed(patterns('[::FFFF:127.0.0.1]:81'), 'http://[::ffff:7f00:1]:81/'), true);
    assert.equal(allowed(patterns('127.0.0.1'), 'http://2130706433/'), true);
  });

  it('compare internationalised names in punycode', () => {
    assert.deepEqual(parseHostPattern('*.Bücher.example'), { host: 'xn--bcher-kva.example', wildcard: true, port: null });
    assert.equal(allowed(patterns('*.bücher.example'), 'https://karten.BÜCHER.example/'), true);
  });

  it('refuse what is not a host, a *.domain pattern or either with a port', () => {
    for (const bad of ['', '*', '*.', 'http://a.org', 'a.org/path', 'a.org:0', 'a.org:70000', 'a.org:x', '*.10.0.0.1', 'a b.org', 'user@a.org', '**.a.org', 'a.*.org']) {
      assert.equal(parseHostPattern(bad), null, bad);
    }
  });
});

describe('addresses', () => {
  const defaults = new AddressPolicy([]);

  it('refuses loopback, private, link-local, unspecified, multicast, CGNAT and broadcast by default', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
      '0.0.0.0', '224.0.0.1', '239.255.255.250', '100.64.0.1', '100.127.255.255', '255.255.255.255',
      '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', 'nonsense']) {
      assert.equal(defaults.allows(a), false, a);
    }
  });

  it('allows public addresses', () => {
    for (const a of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      assert.equal(defaults.allows(a), true, a);
    }
  });

  it('allows refused ranges an administrator lists, IPv4-mapped addresses checked as IPv4', () => {
    const policy = new AddressPolicy(['127.0.0.0/8', '10.1.0.0/16', 'fd00::/8', '192.168.5.5']);
    assert.equal(policy.allows('127.0.0.1'), true);
    assert.equal(policy.allows('::ffff:127.0.0.1'), true);
    assert.equal(policy.allows('10.1.200.3'), true);
    assert.equal(policy.allows('10.2.0.1'), false);
    assert.equal(policy.allows('fd00::5'), true);
    assert.equal(policy.allows('fc00::5'), false);
    assert.equal(policy.allows('192.168.5.5'), true);
    assert.equal(policy.allows('192.168.5.6'), false);
    assert.equal(policy.allows('169.254.169.254'), false);
    assert.throws(() => new AddressPolicy(['10.0.0.0/33']), /not an IP address or CIDR range/);
  });

  it('writes IPv4-mapped IPv6 addresses as IPv4 and IPv6 canonically', () => {
    assert.deepEqual(comparableAddress('::ffff:7f00:1'), { address: '127.0.0.1', family: 'ipv4' });
    assert.deepEqual(comparableAddress('::FFFF:169.254.169.254'), { address: '169.254.169.254', family: 'ipv4' });
    assert.deepEqual(comparableAddress('FE80:0::1%eth0'), { address: 'fe80::1', family: 'ipv6' });
    assert.equal(comparableAddress('example.org'), null);
  });

  it('parses CIDR ranges and bare addresses', () => {
    assert.deepEqual(parseNetwork('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseNetwork('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/', '10.0.0.0/33', 'fd00::/129', '10.0.0/8', 'example.org/8', '10.0.0.0/8/8', '10.0.0.0/-1']) {
      assert.equal(parseNetwork(bad), null, bad);
    }
  });

  it('finds IP literals in URLs', () => {
    assert.equal(ipLiteral(new URL('http://[::ffff:127.0.0.1]:8080/')), '::ffff:7f00:1');
    assert.equal(ipLiteral(new URL('http://0x7f.1/')), '127.0.0.1');
    assert.equal(ipLiteral(new URL('http://example.org/')), null);
  });
});
