// The lab wiring of two issue-5 pieces, end to end through Simulation: a recursive resolver whose
// UDP answer comes back truncated asks again over TCP port 53 (RFC 7766), so does nslookup on the PC
// when the resolver's answer to it is truncated, and the `nslookup` scenario action prints the answer
// the way BIND's nslookup does.
import { describe, expect, it } from 'vitest';
import { loadLabText } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { describeFrame } from '../testing/frames';
import { BIG_ANSWERS_ZONE } from '../testing/big-answers-zone';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDig, startGetaddrinfo, type DigResult } from '../apps/dig';
import { exportPcapng } from '../export/pcapng';

// big.test: 7 TXT records of 200 bytes (1572 bytes: over the resolver's EDNS size of 1232);
// small.test: one short TXT record; many.test: 40 A records.
const ZONE = [
  ...BIG_ANSWERS_ZONE,
  'small.test. IN TXT "hello, lab"',
  // many.test: 40 addresses (16 bytes each: over 512 bytes, under 1232).
  ...Array.from({ length: 40 }, (_, i) => `many.test. IN A 10.9.0.${i + 1}`),
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

function simulation() {
  const loaded = loadLabText(LAB);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('; '));
  return new Simulation(loaded.lab, { seed: 3 });
}

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
  it('the resolver retries a truncated answer over TCP; the PC, truncated for its 512 bytes, asks again over TCP too', () => {
    const { sim, frames } = run('big');
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
    // The PC asked without EDNS: its UDP answer is truncated, so nslookup asks the resolver again over TCP.
    const atPc = frames.filter((f) => f.linkId === 'L1').map((f) => ({ f, text: describeFrame(f.bytes) }));
    const pcTrace = atPc.map((x) => x.text).join('\n');
    const toPc = atPc.filter((x) => /10\.0\.0\.2 > 10\.0\.0\.10 .*UDP 53 >/.test(x.text));
    expect(toPc.length, pcTrace).toBe(1);
    expect(truncated(toPc[0].f.bytes)).toBe(true);
    const afterTc = atPc.slice(atPc.indexOf(toPc[0]) + 1).map((x) => x.text);
    expect(afterTc.findIndex((t) => /10\.0\.0\.10 > 10\.0\.0\.2 .*TCP \d+ > 53 .*\bS\b|10\.0\.0\.10 > 10\.0\.0\.2 .*TCP \d+ > 53 .*SYN/.test(t)), pcTrace).toBeGreaterThanOrEqual(0);
    const fromResolverTcp = atPc.filter((x) => /10\.0\.0\.2 > 10\.0\.0\.10 .*TCP 53 >/.test(x.text));
    expect(fromResolverTcp.reduce((n, x) => n + x.f.bytes.length - 54, 0), pcTrace).toBeGreaterThan(7 * 200);
    // nslookup says so, as BIND's does, and prints all 7 records.
    const out = sim.net.output.filter((o) => o.device === 'pc').map((o) => o.text);
    expect(out[0]).toBe(';; Truncated, retrying in TCP mode.');
    expect(out.slice(1, 5)).toEqual(['Server:\t\t10.0.0.2', 'Address:\t10.0.0.2#53', '', 'Non-authoritative answer:']);
    const records = out.filter((l) => l.startsWith('big.test\ttext = '));
    expect(records).toEqual(Array.from({ length: 7 }, (_, i) => `big.test\ttext = "${String(i).repeat(200)}"`));
  });

  it("nslookup prints the answer as BIND's nslookup does", () => {
    const { sim } = run('small');
    const out = sim.net.output.filter((o) => o.device === 'pc').map((o) => o.text).join('\n');
    expect(out).toContain('Server:\t\t10.0.0.2\nAddress:\t10.0.0.2#53');
    expect(out).toContain('Non-authoritative answer:');
    expect(out).toContain('small.test\ttext = "hello, lab"');
  });

  it('dig on the PC retries the truncated answer over TCP and says so, as dig does', () => {
    const sim = simulation();
    let result: DigResult | undefined;
    startDig(sim.ipDevice('pc'), sim.services.get('pc'), { name: 'big.test', qtype: 'TXT' }, (r) => (result = r));
    sim.run();
    expect(result).toBeDefined();
    const lines = result!.lines;
    expect(lines.slice(0, 4)).toEqual([';; Truncated, retrying in TCP mode.', '', '; <<>> DiG 9.18 <<>> big.test TXT', ';; Got answer:']);
    expect(lines).toContain(';; flags: qr rd ra; QUERY: 1, ANSWER: 7, AUTHORITY: 0, ADDITIONAL: 1');
    expect(lines.filter((l) => /^big\.test\.\t\t\d+\tIN\tTXT\t"/.test(l))).toHaveLength(7); // dig's columns
    expect(lines).toContain(';; SERVER: 10.0.0.2#53(10.0.0.2) (TCP)');
    expect(result!.answers).toHaveLength(7);
  });

  it("the PC's stub resolver (getaddrinfo) asks again over TCP and gets all 40 addresses", () => {
    const sim = simulation();
    let got: { addresses: number[]; source: string | undefined } | undefined;
    startGetaddrinfo(sim.ipDevice('pc'), sim.services.get('pc')!, 'many.test', 'A', (addresses, source) => (got = { addresses, source }));
    sim.run();
    expect(got?.source).toBe('network');
    expect(got!.addresses).toHaveLength(40);
    const out = sim.net.output.filter((o) => o.device === 'pc').map((o) => o.text);
    expect(out[0]).toBe('10.9.0.1\tmany.test\t(network: answer from 10.0.0.2 over TCP for many.test A)');
    const causes = Array.from({ length: sim.net.capture.count }, (_, i) => sim.net.capture.frame(i + 1)).filter((f) => f.linkId === 'L1').map((f) => f.cause);
    expect(causes.some((c) => /truncated answer \(TC\) from 10\.0\.0\.2 for many\.test A — asking 10\.0\.0\.2 again over TCP/.test(c))).toBe(true);
    // The OS cache now holds the answer: a second lookup stays on the PC.
    const before = sim.net.capture.count;
    startGetaddrinfo(sim.ipDevice('pc'), sim.services.get('pc')!, 'many.test', 'A', (addresses, source) => (got = { addresses, source }));
    sim.run();
    expect(got).toMatchObject({ source: 'os-cache' });
    expect(sim.net.capture.count).toBe(before);
  });

  it("the PC's capture reads back in tshark: TC over UDP, then DNS over TCP with 7 TXT records, nothing malformed", () => {
    const { sim } = run('big');
    const dir = mkdtempSync(join(tmpdir(), 'packetlab-pc-dns-tcp-'));
    try {
      const file = join(dir, 'pc.pcapng');
      writeFileSync(file, exportPcapng(sim.net.capture, { application: 'PacketLab test', points: ['pc-eth0', 'sw-p1'] })); // both directions on the PC's link
      const out = execFileSync('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
        '-T', 'fields', '-E', 'aggregator=;', '-E', 'occurrence=a', ...['_ws.malformed', '_ws.expert.severity', '_ws.expert.message', 'frame.protocols', 'ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'dns.flags.response', 'dns.flags.truncated', 'dns.count.answers', 'dns.txt'].flatMap((f) => ['-e', f])],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const rows = out.split('\n').filter(Boolean).map((l) => l.split('\t'));
      expect(rows.length).toBeGreaterThan(6);
      const problems: string[] = [];
      rows.forEach(([malformed, severity, message, , ipSum, udpSum, tcpSum], i) => {
        if (malformed) problems.push(`frame ${i + 1}: malformed`);
        severity.split(';').forEach((sev, j) => { if (sev && Number(sev) >= 0x00600000) problems.push(`frame ${i + 1}: ${message.split(';')[j]}`); });
        if (ipSum && ipSum !== '1') problems.push(`frame ${i + 1}: IP checksum status ${ipSum}`);
        if ((udpSum && udpSum !== '1') || (tcpSum && tcpSum !== '1')) problems.push(`frame ${i + 1}: checksum status ${udpSum}${tcpSum}`);
      });
      expect(problems).toEqual([]);
      const dns = rows.filter((r) => r[3].endsWith(':dns')).map(([, , , protocols, , , , response, tc, answers, txt]) => ({ protocols, response, tc, answers, txts: txt ? txt.split(';').length : 0 }));
      expect(dns).toEqual([
        { protocols: 'eth:ethertype:ip:udp:dns', response: '0', tc: '0', answers: '0', txts: 0 },
        { protocols: 'eth:ethertype:ip:udp:dns', response: '1', tc: '1', answers: '0', txts: 0 },
        { protocols: 'eth:ethertype:ip:tcp:dns', response: '0', tc: '0', answers: '0', txts: 0 },
        { protocols: 'eth:ethertype:ip:tcp:dns', response: '1', tc: '0', answers: '7', txts: 7 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
