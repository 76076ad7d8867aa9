// A truncated UDP answer makes the recursive resolver ask the same server again over TCP, as BIND
// does (RFC 7766 §5): on a two-device lab at exact virtual times — the UDP query, the answer with
// TC, the TCP handshake, the length-prefixed query and the answer in two segments, the close —
// read back by tshark with no malformed packets, good checksums and no warnings. The authoritative
// server's truncation is compared with a live named on the same zone. Needs tshark and named;
// fails, not skips, without them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabText, tableText } from '../../../../src-shared/lab';
import { parseZone } from '../../../../src-shared/lab/tables/zone';
import { ipv4 } from '../../../../src-shared/net/addr';
import { DnsType, parseDns, recordToText, type DnsMessage } from '../../../../src-shared/net/wire/dns';
import { askUdp, startNamed, type LiveNamed } from '../../testing/live-named';
import { Rng } from '../../sim/rng';
import type { OutboundDatagram, ServiceStep } from '../types';
import { exportPcapng } from '../../export/pcapng';
import { ServiceRunner } from '../../journey/service-runner';
import { deriveRng } from '../../sim/rng';
import { Simulation } from '../../simulation';
import { describeFrame } from '../../testing/frames';
import { BIG_ANSWERS_ZONE } from '../../testing/big-answers-zone';
import { DnsAuthoritativeServer } from './authoritative';
import { DnsResolver, type ResolverEvent } from './resolver';
import { DnsTcpClient, serveDnsOverTcp } from './tcp-transport';

// big.test: 7 TXT records of 200 bytes (1572 bytes: over 1232 even with EDNS); mid.test: 3 (over 512 only).
const ZONE = [
  ...BIG_ANSWERS_ZONE,
  ...['x', 'y', 'z'].map((c) => `mid.test. IN TXT "${c.repeat(200)}"`),
];
const LAB = JSON.stringify({
  version: 2,
  devices: [
    { name: 'resolver', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.1/24' }] },
    { name: 'root', type: 'dns-server', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.53/24' }], tables: { zone: ZONE } },
  ],
  links: [{ a: { device: 'resolver', interface: 'eth0' }, b: { device: 'root', interface: 'eth0' }, latencyMs: 1, bandwidthMbps: 100 }],
});

function lab() {
  const loaded = loadLabText(LAB);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
  return loaded.lab;
}

/** The lab with the resolver driven the way the engine drives a service, its TCP queries on the device's TCP stack. */
function run() {
  const sim = new Simulation(lab());
  serveDnsOverTcp(sim.tcp('root'), sim.services.get('root')!.authoritative!);
  const resolver = new DnsResolver({ name: 'resolver', mode: 'recursive', rootHints: [{ name: 'a.root-servers.test', address: ipv4('10.0.0.53') }] }, deriveRng(1, 'dns:test'));
  const events: ResolverEvent[] = [];
  // The runner's callbacks run after `client` exists (the scheduler calls them later).
  const runner = new ServiceRunner<ResolverEvent>(sim.ipDevice('resolver'), {
    label: 'DNS resolver',
    poll: (now) => client.take(resolver.poll(now)),
    ports: () => resolver.ports(),
    receive: (now, d) => client.take(resolver.receive(now, d)),
    onEvents: (e) => void events.push(...e),
  });
  const client: DnsTcpClient = new DnsTcpClient(sim.tcp('resolver'), (token, reply, failure) => runner.apply(client.take(resolver.tcpAnswer(sim.net.now, token, reply, failure))));
  sim.net.scheduler.at(1000, 'test lookup', () => runner.apply(client.take(resolver.lookup(sim.net.now, 'big.test', DnsType.TXT, 'q'))));
  sim.run({ until: 5_000_000 });
  return { sim, resolver, events };
}

/** Serialization at 100 Mbit/s: (frame + 24 bytes of preamble, FCS and gap; at least 60) × 8 / 100, whole µs up. */
const ser = (len: number) => Math.ceil(((Math.max(len, 60) + 24) * 8) / 100);
/** Sent at `t`, `len` bytes long: when it arrives after 1 ms of latency (and the reply leaves at once). */
const arrive = (t: number, len: number) => t + ser(len) + 1000;

describe('recursive resolver: TC → retry over TCP (RFC 7766)', () => {
  it('shows the truncated UDP answer, the handshake and the DNS-over-TCP exchange at exact times', () => {
    const { sim, resolver, events } = run();
    const frames = Array.from({ length: sim.net.capture.count }, (_, i) => sim.net.capture.frame(i + 1));
    const seen = frames.map((f) => [f.time, f.bytes.length, describeFrame(f.bytes).replace(/\d{4,5} > 53|53 > \d{4,5}/, (p) => p.replace(/\d{4,5}/, 'P'))]);
    const t: number[] = [1000];
    const next = (time: number) => (t.push(time), time);
    expect(seen).toEqual([
      [t[0], 42, 'ARP who-has 10.0.0.53 tell 10.0.0.1'],
      [next(arrive(t[0], 42)), 42, expect.stringMatching(/^ARP 10\.0\.0\.53 is-at/)],
      [next(arrive(t[1], 42)), 79, '10.0.0.1 > 10.0.0.53 ttl 64 UDP P > 53 len 37'],
      [next(arrive(t[2], 79)), 79, '10.0.0.53 > 10.0.0.1 ttl 64 UDP 53 > P len 37'], // TC: question and OPT only
      [next(arrive(t[3], 79)), 74, '10.0.0.1 > 10.0.0.53 ttl 64 TCP P > 53 [SYN]'],
      [next(arrive(t[4], 74)), 74, '10.0.0.53 > 10.0.0.1 ttl 64 TCP 53 > P [SYN, ACK]'],
      [next(arrive(t[5], 74)), 66, '10.0.0.1 > 10.0.0.53 ttl 64 TCP P > 53 [ACK]'],
      [next(t[6] + ser(66)), 105, '10.0.0.1 > 10.0.0.53 ttl 64 TCP P > 53 [PSH, ACK]'], // 2-byte length + 37-byte query
      [next(arrive(t[7], 105)), 1514, '10.0.0.53 > 10.0.0.1 ttl 64 TCP 53 > P [ACK]'], // 1574-byte answer: one full segment …
      [next(t[8] + ser(1514)), 192, '10.0.0.53 > 10.0.0.1 ttl 64 TCP 53 > P [PSH, ACK]'], // … and the rest
      [next(arrive(t[9], 192)), 66, '10.0.0.1 > 10.0.0.53 ttl 64 TCP P > 53 [FIN, ACK]'], // the resolver closes first
      [next(arrive(t[10], 66)), 66, '10.0.0.53 > 10.0.0.1 ttl 64 TCP 53 > P [ACK]'],
      [next(t[11] + ser(66)), 66, '10.0.0.53 > 10.0.0.1 ttl 64 TCP 53 > P [FIN, ACK]'],
      [next(arrive(t[12], 66)), 66, '10.0.0.1 > 10.0.0.53 ttl 64 TCP P > 53 [ACK]'],
    ]);
    expect(frames[3].cause).toMatch(/1572 bytes do not fit in 1232: truncated \(TC\), retry over TCP$/);
    expect(frames[4].cause).toMatch(/^resolver: DNS over TCP to 10\.0\.0\.53: truncated answer \(TC\) from a\.root-servers\.test \(10\.0\.0\.53\): retrying over TCP/);
    expect(frames[8].cause).toMatch(/^root: authoritative answer from zone \. for big\.test TXT: 7 record\(s\) \(over TCP\)/);
    expect(events.map((e) => [e.rcode, e.answers.length, e.cause])).toEqual([[0, 7, 'resolver: answer from a.root-servers.test (10.0.0.53) over TCP: 7 TXT record(s) for big.test — 2 upstream queries']]);
    expect(resolver.snapshot(sim.net.now).stats).toMatchObject({ upstreamQueries: 2, tcpQueries: 1, timeouts: 0, servfails: 0 });
    expect(resolver.ports()).toEqual([53]); // nothing left outstanding
  });

  it('reads back in tshark: TC on the UDP answer, DNS over TCP reassembled, nothing malformed', () => {
    const { sim } = run();
    const dir = mkdtempSync(join(tmpdir(), 'packetlab-dns-tcp-'));
    try {
      const file = join(dir, 'dns-tcp.pcapng');
      writeFileSync(file, exportPcapng(sim.net.capture, { application: 'PacketLab test' }));
      const out = execFileSync('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE',
        '-T', 'fields', '-E', 'aggregator=;', '-E', 'occurrence=a', ...['_ws.malformed', '_ws.expert.severity', '_ws.expert.message', 'frame.protocols', 'ip.checksum.status', 'udp.checksum.status', 'tcp.checksum.status', 'dns.flags.response', 'dns.flags.truncated', 'dns.count.answers', 'dns.txt'].flatMap((f) => ['-e', f])],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const rows = out.split('\n').filter(Boolean).map((l) => l.split('\t'));
      expect(rows).toHaveLength(sim.net.capture.count);
      const problems: string[] = [];
      rows.forEach(([malformed, severity, message, , ipSum, udpSum, tcpSum], i) => {
        if (malformed) problems.push(`frame ${i + 1}: malformed`);
        severity.split(';').forEach((s, j) => { if (s && Number(s) >= 0x00600000) problems.push(`frame ${i + 1}: ${message.split(';')[j]}`); });
        if (ipSum && ipSum !== '1') problems.push(`frame ${i + 1}: IP checksum status ${ipSum}`);
        if ((udpSum && udpSum !== '1') || (tcpSum && tcpSum !== '1')) problems.push(`frame ${i + 1}: checksum status ${udpSum}${tcpSum}`);
      });
      expect(problems).toEqual([]);
      const dns = rows.map(([, , , protocols, , , , response, truncated, answers, txt], i) => ({ no: i + 1, protocols, response, truncated, answers, txts: txt ? txt.split(';').length : 0 })).filter((r) => r.protocols.endsWith(':dns'));
      expect(dns).toEqual([
        { no: 3, protocols: 'eth:ethertype:ip:udp:dns', response: '0', truncated: '0', answers: '0', txts: 0 },
        { no: 4, protocols: 'eth:ethertype:ip:udp:dns', response: '1', truncated: '1', answers: '0', txts: 0 },
        { no: 8, protocols: 'eth:ethertype:ip:tcp:dns', response: '0', truncated: '0', answers: '0', txts: 0 },
        { no: 10, protocols: 'eth:ethertype:ip:tcp:dns', response: '1', truncated: '0', answers: '7', txts: 7 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('authoritative truncation vs live BIND 9 on the same zone', () => {
  const PORT = 25388;
  const dir = mkdtempSync(join(tmpdir(), 'packetlab-tc-named-'));
  let named: LiveNamed | undefined;
  const ask = (q: DnsMessage) => askUdp(PORT, q);
  const query = (id: number, name: string, edns: boolean): DnsMessage => ({
    id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0,
    questions: [{ name, type: DnsType.TXT, class: 1 }], answers: [], authorities: [], additionals: [],
    ...(edns ? { edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] } } : {}),
  });

  beforeAll(async () => {
    writeFileSync(join(dir, 'root.zone'), tableText(ZONE) + '\n');
    named = await startNamed({
      dir, name: 'named', port: PORT, ready: query(1, 'mid.test', true),
      options: ['recursion no;', 'dnssec-validation no;', 'notify no;', 'minimal-responses no;'],
      statements: ['zone "." { type primary; file "root.zone"; };'],
    });
  }, 30_000);
  afterAll(() => {
    named?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['big.test', true], // 1572 bytes > 1232: TC, no answers
    ['mid.test', false], // 3 × 200 bytes > 512 without EDNS: TC with the records that fit
    ['mid.test', true], // fits in 1232
    ['big.test', false],
  ] as const)('%s TXT, EDNS %s', async (name, edns) => {
    const sim = new Simulation(lab());
    const ours = sim.services.get('root')!.authoritative!.answer(query(9, name, edns)).message;
    const bind = await ask(query(9, name, edns));
    expect(bind, 'named answered').toBeDefined();
    const text = (m: DnsMessage) => ({ tc: m.tc, aa: m.aa, answers: m.answers.length, authorities: m.authorities.map(recordToText).sort(), additionals: m.additionals.map(recordToText).sort() });
    expect(text(ours)).toEqual(text(bind!));
    // Whole RRsets are compared when complete; a partial one (TC) only by count, as BIND rotates RRsets.
    if (!bind!.tc) expect(ours.answers.map(recordToText).sort()).toEqual(bind!.answers.map(recordToText).sort());
  });
});

describe('resolver TCP retry, sans-IO: failures move on to the next server', () => {
  const A = ipv4('10.0.0.53');
  const B = ipv4('10.0.0.54');
  const zone = parseZone(tableText(ZONE), '.');
  if (!zone.ok) throw new Error(JSON.stringify(zone.errors));
  const auth = new DnsAuthoritativeServer({ name: 'root', zones: [zone.value] });
  const setup = () => new DnsResolver({ name: 'r', mode: 'recursive', address: ipv4('10.0.0.1'), rootHints: [{ name: 'a.root-servers.test', address: A }, { name: 'b.root-servers.test', address: B }] }, new Rng(7));
  /** The server's UDP reply to a query of the resolver, delivered back to it. */
  const udpReply = (r: DnsResolver, now: number, q: OutboundDatagram) => {
    const reply = auth.receive(now, { src: q.src!, srcPort: q.srcPort, dst: q.dst, dstPort: q.dstPort, payload: q.payload }).sends[0];
    return r.receive(now, { src: q.dst, srcPort: 53, dst: q.src!, dstPort: q.srcPort, payload: reply.payload });
  };
  const question = (payload: Uint8Array) => {
    const p = parseDns(payload);
    if (!p.ok) throw new Error('unparsable query');
    return p.value.message;
  };

  it('asks the same server over TCP after TC, with a new ID and the same question', () => {
    const r = setup();
    const first = r.lookup(0, 'big.test', DnsType.TXT, 'q');
    expect(first.sends.map((s) => s.dst)).toEqual([A]);
    const tc = udpReply(r, 1000, first.sends[0]);
    expect(tc.sends).toEqual([]);
    expect(tc.tcp).toHaveLength(1);
    const q = tc.tcp![0];
    expect([q.dst, q.dstPort, q.src]).toEqual([A, 53, ipv4('10.0.0.1')]);
    expect(question(q.payload).questions).toEqual([{ name: 'big.test', type: DnsType.TXT, class: 1 }]);
    expect(question(q.payload).id).not.toBe(question(first.sends[0].payload).id);
    expect(tc.nextPoll).toBe(1000 + 3_200_000); // 4 × the UDP timeout
    expect(r.ports()).toEqual([53]); // the UDP port is released
    const answer = auth.answer(question(q.payload), false).bytes;
    const done = r.tcpAnswer(2000, q.token, answer);
    expect(done.events.map((e) => [e.rcode, e.answers.length, e.tag])).toEqual([[0, 7, 'q']]);
    expect(r.snapshot(2000).stats).toMatchObject({ upstreamQueries: 2, tcpQueries: 1 });
    // A late or repeated delivery for a finished token changes nothing.
    expect(r.tcpAnswer(2500, q.token, answer)).toMatchObject({ sends: [], events: [] });
  });

  it('a failed connection, a mismatched reply and a TCP timeout each move on to the next server', () => {
    const r = setup();
    const first = r.lookup(0, 'big.test', DnsType.TXT, 'q');
    const toA = udpReply(r, 1000, first.sends[0]).tcp![0];
    // Connection refused by A → B over UDP.
    const refused = r.tcpAnswer(2000, toA.token, undefined, 'Connection refused');
    expect(refused.sends.map((s) => [s.dst, s.cause.includes('no answer over TCP from a.root-servers.test (10.0.0.53): Connection refused')])).toEqual([[B, true]]);
    const toB = udpReply(r, 3000, refused.sends[0]).tcp![0];
    expect(toB.dst).toBe(B);
    // A reply over TCP for another question → A again (second round), over UDP.
    const wrong = auth.answer({ ...question(toB.payload), questions: [{ name: 'mid.test', type: DnsType.TXT, class: 1 }] }, false).bytes;
    const mismatched: ServiceStep<ResolverEvent> = r.tcpAnswer(4000, toB.token, wrong);
    expect(mismatched.sends.map((s) => [s.dst, /does not match the query/.test(s.cause)])).toEqual([[A, true]]);
    const toA2 = udpReply(r, 5000, mismatched.sends[0]).tcp![0];
    // No TCP answer within 3.2 s → B's second try.
    expect(r.poll(5000 + 3_199_999).sends).toEqual([]);
    const late = r.poll(5000 + 3_200_000);
    expect(late.sends.map((s) => [s.dst, /within 3200 ms over TCP/.test(s.cause)])).toEqual([[B, true]]);
    expect(r.tcpAnswer(9000, toA2.token, auth.answer(question(toA2.payload), false).bytes)).toMatchObject({ sends: [], events: [] }); // too late: ignored
    // B's TC → TCP, and B's answer ends it.
    const toB2 = udpReply(r, 9000, late.sends[0]).tcp![0];
    const ok = r.tcpAnswer(10_000, toB2.token, auth.answer(question(toB2.payload), false).bytes);
    expect(ok.events.map((e) => [e.rcode, e.answers.length])).toEqual([[0, 7]]);
    expect(r.snapshot(10_000).stats).toMatchObject({ upstreamQueries: 8, tcpQueries: 4, timeouts: 1, servfails: 0 });
  });

  it('any bytes as a TCP reply: never throws, and the resolution goes on or ends in SERVFAIL', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const r = setup();
        const first = r.lookup(0, 'big.test', DnsType.TXT, 'q');
        const q = udpReply(r, 1000, first.sends[0]).tcp![0];
        const step = r.tcpAnswer(2000, q.token, bytes);
        // Either another query (the next server, over UDP) or an answer event; nothing left dangling.
        expect(step.sends.length + step.events.length + (step.tcp?.length ?? 0)).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});
