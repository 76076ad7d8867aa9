// The lab wiring of two issue-5 pieces, end to end through Simulation: a recursive resolver whose
// UDP answer comes back truncated asks again over TCP port 53 (RFC 7766), and the `nslookup`
// scenario action prints the answer the way BIND's nslookup does.
import { describe, expect, it } from 'vitest';
import { loadLabText } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { describeFrame } from '../testing/frames';

// big.test: 7 TXT records of 200 bytes (1572 bytes: over the resolver's EDNS size of 1232);
// small.test: one short TXT record.
const ZONE = [
  '$ORIGIN .', '$TTL 3600',
  '@ IN SOA a.root-servers.test. hostmaster.test. 1 7200 900 1209600 300',
  '@ IN NS a.root-servers.test.',
  'a.root-servers.test. IN A 10.0.0.53',
  ...Array.from({ length: 7 }, (_, i) => `big.test. IN TXT "${String(i).repeat(200)}"`),
  'small.test. IN TXT "hello, lab"',
];
const dev = (name: string, type: string, ip: string, extra: object = {}) => ({ name, type, position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: ip }], ...extra });
const LAB = JSON.stringify({
  version: 2,
  devices: [
    dev('pc', 'host', '10.0.0.10/24', { nameservers: ['10.0.0.2'] }),
    dev('resolver', 'dns-server', '10.0.0.2/24', { dns: { mode: 'recursive', rootHints: [{ name: 'a.root-servers.test', address: '10.0.0.53' }] } }),
    dev('root', 'dns-server', '10.0.0.53/24', { tables: { zone: ZONE } }),
    { name: 'sw', type: 'switch', position: { x: 0, y: 0 }, interfaces: [{ name: 'p1' }, { name: 'p2' }, { name: 'p3' }] },
  ],
  links: [
    { a: { device: 'pc', interface: 'eth0' }, b: { device: 'sw', interface: 'p1' } },
    { a: { device: 'resolver', interface: 'eth0' }, b: { device: 'sw', interface: 'p2' } },
    { a: { device: 'root', interface: 'eth0' }, b: { device: 'sw', interface: 'p3' } },
  ],
  scenarios: [
    { name: 'big', actions: [{ type: 'nslookup', atMs: 0, from: 'pc', name: 'big.test', qtype: 'TXT' }] },
    { name: 'small', actions: [{ type: 'nslookup', atMs: 0, from: 'pc', name: 'small.test', qtype: 'TXT' }] },
  ],
});

function run(scenario: string) {
  const loaded = loadLabText(LAB);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('; '));
  const sim = new Simulation(loaded.lab, { seed: 3 });
  sim.startScenario(scenario);
  sim.run();
  const frames = Array.from({ length: sim.net.capture.count }, (_, i) => sim.net.capture.frame(i + 1));
  return { sim, frames };
}

/** The DNS flags' TC bit of a UDP/IPv4 frame (Ethernet 14 + IPv4 20 + UDP 8 = DNS at 42). */
const truncated = (frame: Uint8Array) => (frame[44] & 0x02) !== 0;

describe('DNS over TCP and nslookup in a lab', () => {
  it('the resolver retries a truncated answer over TCP, then answers the PC (truncated for its 512 bytes)', () => {
    const { frames } = run('big');
    // The root's link (L3) sees each packet once.
    const atRoot = frames.filter((f) => f.linkId === 'L3').map((f) => ({ f, text: describeFrame(f.bytes) }));
    const trace = atRoot.map((x) => x.text).join('\n');
    const tcAnswer = atRoot.findIndex((x) => /10\.0\.0\.53 > 10\.0\.0\.2 .*UDP 53 >/.test(x.text) && truncated(x.f.bytes));
    expect(tcAnswer, trace).toBeGreaterThanOrEqual(0);
    const after = atRoot.slice(tcAnswer + 1).map((x) => x.text);
    const syn = after.findIndex((t) => /10\.0\.0\.2 > 10\.0\.0\.53 .*TCP \d+ > 53 .*\bS\b|10\.0\.0\.2 > 10\.0\.0\.53 .*TCP \d+ > 53 .*SYN/.test(t));
    expect(syn, trace).toBeGreaterThanOrEqual(0);
    // The whole answer comes back over TCP: more bytes from port 53 than a UDP answer could carry.
    const fromRootTcp = atRoot.slice(tcAnswer + 1).filter((x) => /10\.0\.0\.53 > 10\.0\.0\.2 .*TCP 53 >/.test(x.text));
    const tcpBytes = fromRootTcp.reduce((n, x) => n + x.f.bytes.length - 54, 0);
    expect(tcpBytes, trace).toBeGreaterThan(7 * 200);
    // The PC asked without EDNS: its answer is truncated too (nslookup does not retry over TCP yet).
    const toPc = frames.filter((f) => f.linkId === 'L1' && /10\.0\.0\.2 > 10\.0\.0\.10 .*UDP 53 >/.test(describeFrame(f.bytes)));
    expect(toPc.length).toBe(1);
    expect(truncated(toPc[0].bytes)).toBe(true);
  });

  it("nslookup prints the answer as BIND's nslookup does", () => {
    const { sim } = run('small');
    const out = sim.net.output.filter((o) => o.device === 'pc').map((o) => o.text).join('\n');
    expect(out).toContain('Server:\t\t10.0.0.2\nAddress:\t10.0.0.2#53');
    expect(out).toContain('Non-authoritative answer:');
    expect(out).toContain('small.test\ttext = "hello, lab"');
  });
});
