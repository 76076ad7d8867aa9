import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadLabText, formatIssue } from './validate';
import { parseJsonSource, locate } from './json-source';

const twoLans = readFileSync(fileURLToPath(new URL('../../topologies/two-lans.lab.json', import.meta.url)), 'utf8');

function minimal(extra = ''): string {
  return `{
  "version": 2,
  "devices": [
    { "name": "pc1", "type": "host", "position": { "x": 0, "y": 0 },
      "interfaces": [{ "name": "eth0", "ipv4": "192.0.2.10/24" }] }${extra}
  ],
  "links": []
}`;
}

describe('JSON positions', () => {
  it('maps paths to line:col and reports syntax errors with positions', () => {
    const r = parseJsonSource('{\n  "a": [1,\n    {"b": "x"}]\n}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(locate(r.source, ['a', 1, 'b'])).toEqual({ line: 3, col: 11 });
    expect(locate(r.source, ['a', 1, 'missing'])).toEqual({ line: 3, col: 5 });
    const bad = parseJsonSource('{\n  "a": 1,\n  "b": tru\n}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ line: 3, col: 8 });
    const dup = parseJsonSource('{"a":1,"a":2}');
    expect(!dup.ok && dup.error.message).toMatch(/duplicate key "a"/);
    const deep = parseJsonSource('['.repeat(5000));
    expect(!deep.ok && deep.error.message).toMatch(/nesting deeper/);
  });

  it('keeps keys such as __proto__ as plain data', () => {
    const r = parseJsonSource('{"__proto__": {"polluted": true}}');
    expect(r.ok && Object.keys(r.source.value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('lab validation', () => {
  it('accepts the two-LAN sample lab', () => {
    const r = loadLabText(twoLans);
    expect(r.ok ? 'ok' : r.errors).toBe('ok');
  });

  it('reports structure errors at the offending value', () => {
    const text = minimal().replace('"ipv4": "192.0.2.10/24"', '"ipv4": "192.0.2.10", "speed": 3');
    const r = loadLabText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => formatIssue('lab.json', e))).toEqual([
      'lab.json:5:48: expected an address with prefix length, like 192.0.2.10/24 (at devices[0].interfaces[0].ipv4)',
      'lab.json:5:71: unknown property "speed" (at devices[0].interfaces[0].speed)',
    ]);
  });

  it('reports missing properties and unknown action types', () => {
    const text = `{"version": 2, "devices": [], "links": [{"a": {"device": "x", "interface": "y"}}],
 "scenarios": [{"name": "s", "actions": [{"type": "teleport", "atMs": 0}]}]}`;
    const r = loadLabText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = r.errors.map((e) => formatIssue('f', e));
    expect(msgs).toContain('f:1:41: missing required property "b" (at links[0].b)');
    expect(msgs).toContain('f:2:51: unknown action type (expected ping, traceroute, udp-echo, link, lookup, nslookup, dhcp, flush or browse) (at scenarios[0].actions[0].type)');
  });

  it('points table errors at the character inside the JSON string', () => {
    const asArray = minimal().replace('}] }', '}],\n      "tables": { "routes": ["default via 192.0.2.1 dev eth0", "10.0.0.0/8 via 10.0.0.999"] } }');
    const r = loadLabText(asArray);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatIssue('lab.json', r.errors[0])).toBe(
      "lab.json:6:87: line 2, column 23: bad gateway '10.0.0.999': IPv4 octet 999 is greater than 255 (at devices[0].tables.routes[1])",
    );
    const asString = minimal().replace('}] }', '}],\n      "tables": { "routes": "default via 192.0.2.1 dev eth0\\n10.0.0.0/8 dev eth9" } }');
    const s = loadLabText(asString);
    expect(s.ok).toBe(false);
    if (!s.ok) expect(formatIssue('lab.json', s.errors[0])).toBe('lab.json:6:29: route to 10.0.0.0/8 uses unknown interface "eth9" on pc1 (at devices[0].tables.routes)');
    const badLine = minimal().replace('}] }', '}],\n      "tables": { "arp": "192.0.2.1 dev eth0\\n192.0.2.2 lladdr zz dev eth0" } }');
    const b = loadLabText(badLine);
    expect(!b.ok && formatIssue('lab.json', b.errors[0])).toMatch(/^lab\.json:6:45: line 1, column 19: an entry needs 'lladdr MAC'/);
  });

  it('accepts server devices with zone and dhcpd.conf tables and locates their errors', () => {
    const server = (type: string, tables: string) =>
      minimal(`,\n    { "name": "srv", "type": "${type}", "position": { "x": 0, "y": 0 }, "interfaces": [{ "name": "eth0", "ipv4": "192.0.2.53/24" }],\n      "tables": ${tables} }`);
    const zone = '$ORIGIN example.com.\\n$TTL 300\\n@ IN SOA ns1 admin 1 3600 600 86400 300\\n@ IN NS ns1\\nns1 IN A 192.0.2.53\\nwww IN A 192.0.2.80';
    expect(loadLabText(server('dns-server', `{ "zone": "${zone}" }`)).ok).toBe(true);
    const badZone = zone.replace('www IN A 192.0.2.80', 'www IN A 192.0.2.800');
    const z = loadLabText(server('dns-server', `{ "zone": "${badZone}" }`));
    expect(z.ok).toBe(false);
    if (!z.ok) expect(formatIssue('lab.json', z.errors[0])).toMatch(/^lab\.json:7:\d+: line 6, column 10: .*192\.0\.2\.800.* \(at devices\[1\]\.tables\.zone\)$/);
    const dhcpd = 'subnet 192.0.2.0 netmask 255.255.255.0 {\\n  range 192.0.2.100 192.0.2.149;\\n  option routers 192.0.2.1;\\n}';
    expect(loadLabText(server('dhcp-server', `{ "dhcpd": "${dhcpd}" }`)).ok).toBe(true);
    const d = loadLabText(server('dhcp-server', `{ "dhcpd": "${dhcpd.replace('range', 'rnage')}" }`));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(formatIssue('lab.json', d.errors[0])).toMatch(/line 2, column 3: .*rnage.* \(at devices\[1\]\.tables\.dhcpd\)$/);
    const nat = loadLabText(minimal(`,\n    { "name": "web", "type": "web-server", "position": { "x": 0, "y": 0 }, "interfaces": [], "nat": { "outside": "eth0" } }`));
    expect(!nat.ok && nat.errors.map((e) => e.message)).toContain('"nat" is for routers');
  });

  it('checks references between records', () => {
    const lab = JSON.parse(twoLans);
    lab.links[0].b.interface = 'p9';
    lab.links[1].b.interface = 'p1';
    lab.links[2].a.device = 'sw1';
    lab.links[2].a.interface = 'p1';
    lab.devices.push({ ...lab.devices[0] });
    lab.scenarios[0].actions[0].from = 'nobody';
    lab.scenarios[1].actions[0].to = '198.51.100.300';
    const r = loadLabText(JSON.stringify(lab, null, 2));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = r.errors.map((e) => e.message);
    expect(msgs).toContain('sw1 has no interface "p9" (it has p1, p2, p3)');
    expect(msgs).toContain('sw1 p1 is already connected by link 2');
    expect(msgs).toContain('duplicate device name "pc1"');
    expect(msgs).toContain('MAC 02:00:00:00:01:0a is already used by pc1 eth0');
    expect(msgs).toContain('unknown device "nobody"');
    expect(msgs.some((m) => m.startsWith('bad IPv4 address "198.51.100.300"'))).toBe(true);
    expect(r.errors.every((e) => typeof e.line === 'number' && typeof e.col === 'number')).toBe(true);
  });

  it('rejects documents of unknown versions clearly', () => {
    expect(loadLabText('{"version": 9, "devices": [], "links": []}')).toMatchObject({ ok: false, errors: [{ line: 1, col: 13, message: expect.stringMatching(/newer than this PacketLab/) }] });
    expect(loadLabText('[]')).toMatchObject({ ok: false, errors: [{ message: 'a lab file must be a JSON object' }] });
    expect(loadLabText('{"devices": []}')).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/missing "version"/) }] });
  });

  it('checks the service fields: relay on routers only, resolver settings, zone errors inside tables.zones', () => {
    const text = minimal(`,
    { "name": "dns1", "type": "dns-server", "position": { "x": 0, "y": 0 }, "interfaces": [{ "name": "eth0", "ipv4": "192.0.2.53/24", "dhcp": false }],
      "dhcpRelay": { "servers": ["192.0.2.1"] }, "dns": { "mode": "recursive" }, "nameservers": ["192.0.2.999"],
      "tables": { "zones": ["$ORIGIN a.test.\\n@ IN SOA ns h 1 2 3 4 5\\n@ IN NS ns\\nns IN A 192.0.2.53", "$ORIGIN b.test.\\n@ IN SOA ns h 1 2 3 4 5\\n@ IN NS ns\\nns IN BOGUS 1"] } }`).replace('"links": []', `"links": [], "scenarios": [{ "name": "s", "actions": [
      { "type": "dhcp", "atMs": 0, "from": "pc1", "action": "renew", "interface": "eth9" },
      { "type": "lookup", "atMs": 0, "from": "pc1", "name": "a.test", "qtype": "A", "server": "192.0.2.53" },
      { "type": "flush", "atMs": 0, "from": "pc1", "cache": "os" }] }]`);
    const r = loadLabText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = r.errors.map((e) => formatIssue('f', e).replace(/^f:\d+:\d+: /, ''));
    expect(msgs).toContain('"dhcpRelay" is for routers (at devices[1].dhcpRelay)');
    expect(msgs).toContain('a recursive resolver needs root hints (at devices[1].dns.rootHints)');
    expect(msgs).toContain('bad IPv4 address "192.0.2.999" (at devices[1].nameservers)');
    expect(msgs).toContain('pc1 has no interface "eth9" (at scenarios[0].actions[0].interface)');
    expect(msgs.some((m) => /unknown type "BOGUS"|BOGUS/.test(m) && m.includes('devices[1].tables.zones[1]'))).toBe(true);
    expect(msgs).toHaveLength(5);
  });

  it('checks hstsPreload host names and nslookup actions, with their positions', () => {
    const text = minimal(`,
    { "name": "r1", "type": "router", "position": { "x": 0, "y": 0 }, "interfaces": [], "hstsPreload": ["example.com"] }`)
      .replace('"interfaces": [{ "name": "eth0", "ipv4": "192.0.2.10/24" }] }', '"interfaces": [{ "name": "eth0", "ipv4": "192.0.2.10/24" }],\n      "hstsPreload": ["www.example.com", "bad_name.com", "-x.com", "a..b", "example.com."] }')
      .replace('"links": []', `"links": [], "scenarios": [{ "name": "s", "actions": [
      { "type": "nslookup", "atMs": 0, "from": "pc1", "name": "www.example.com", "qtype": "AAAA", "server": "192.0.2.53" },
      { "type": "nslookup", "atMs": 0, "from": "nobody", "name": "x", "server": "dns" }] }]`);
    const r = loadLabText(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = r.errors.map((e) => formatIssue('f', e));
    const bad = 'expected a DNS host name like example.com (labels of letters, digits and inner hyphens, at most 63 characters each, no trailing dot)';
    expect(msgs).toEqual([
      `f:6:42: ${bad} (at devices[0].hstsPreload[1])`,
      `f:6:58: ${bad} (at devices[0].hstsPreload[2])`,
      `f:6:68: ${bad} (at devices[0].hstsPreload[3])`,
      `f:6:76: ${bad} (at devices[0].hstsPreload[4])`,
      'f:11:81: server must be an IPv4 address like 192.0.2.53 (at scenarios[0].actions[1].server)',
    ]);
    const valid = loadLabText(text.replace(/"bad_name.com", "-x.com", "a..b", "example.com."/, '"xn--bcher-kva.example"').replace('"from": "nobody", "name": "x", "server": "dns"', '"from": "nobody", "name": "x"'));
    expect(valid.ok ? [] : valid.errors.map((e) => formatIssue('f', e))).toEqual(['f:7:104: "hstsPreload" is for hosts (it is the browser\'s preload list) (at devices[1].hstsPreload)', 'f:11:48: unknown device "nobody" (at scenarios[0].actions[1].from)']);
  });
});
