// Our authoritative server loaded with the reference zone must give the answers BIND 9 gave
// (minimal-responses no) to the same queries in dns-udp-queries.pcapng: same rcode and flags, same
// records in each section (BIND rotates RRsets, so order is not compared).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseZone } from '../../../../src-shared/lab/tables/zone';
import { DnsRcode, DnsType, emitDns, frameDnsTcp, parseDns, splitDnsTcp, recordToText, type DnsMessage, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { readPcapng, transportPayload } from '../../../../src-shared/net/wire/fixtures-app/pcapng-reader';
import { DnsAuthoritativeServer, DnsTcpConnection } from './authoritative';
import { fixture, loadZone } from './test-net';


const server = new DnsAuthoritativeServer({
  name: 'ns1.example.test',
  zones: [loadZone('example.test.zone', 'example.test'), loadZone('192.0.2.rev.zone', '2.0.192.in-addr.arpa')],
});

const section = (rs: DnsRecord[]) => rs.map(recordToText).sort();

function captured(): { query: DnsMessage; response: DnsMessage; frame: number }[] {
  const frames = readPcapng(new Uint8Array(readFileSync(fixture('dns-udp-queries.pcapng'))));
  const pending = new Map<number, DnsMessage>();
  const pairs: { query: DnsMessage; response: DnsMessage; frame: number }[] = [];
  for (const f of frames) {
    const seg = transportPayload(f);
    if (!seg || seg.proto !== 'udp') continue;
    const p = parseDns(seg.payload);
    if (!p.ok) throw new Error(`frame ${f.number}: ${p.error.message}`);
    const m = p.value.message;
    if (!m.qr) pending.set(m.id, m);
    else if (pending.has(m.id)) pairs.push({ query: pending.get(m.id)!, response: m, frame: f.number });
  }
  return pairs;
}

describe('authoritative server vs BIND 9 (dns-udp-queries.pcapng)', () => {
  const pairs = captured();

  it('the capture has the 17 query/response pairs', () => {
    expect(pairs.length).toBe(17);
  });

  it.each(pairs.map((p) => [p.frame, p] as const))('response in frame %i has the same content', (_frame, { query, response }) => {
    const ours = server.answer(query).message;
    expect(ours.id).toBe(response.id);
    expect(ours.rcode).toBe(response.rcode);
    expect(ours.aa).toBe(response.aa);
    expect(ours.tc).toBe(response.tc);
    expect(ours.rd).toBe(response.rd);
    expect(ours.ra).toBe(response.ra);
    expect(ours.questions).toEqual(response.questions);
    expect(section(ours.answers)).toEqual(section(response.answers));
    expect(section(ours.authorities)).toEqual(section(response.authorities));
    expect(section(ours.additionals)).toEqual(section(response.additionals));
    expect(ours.edns !== undefined).toBe(response.edns !== undefined);
  });
});

const q = (name: string, type: number, edns = false): DnsMessage => ({
  id: 7, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0,
  questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [],
  ...(edns ? { edns: { udpSize: 4096, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] } } : {}),
});

describe('authoritative server rules', () => {
  it('refuses names outside its zones and says why', () => {
    const r = server.answer(q('www.example.com', DnsType.A));
    expect(r.message.rcode).toBe(DnsRcode.REFUSED);
    expect(r.message.aa).toBe(false);
    expect(r.cause).toContain('REFUSED');
  });

  it('NXDOMAIN carries the SOA with the negative TTL min(SOA TTL, minimum) = 300', () => {
    const r = server.answer(q('nope.example.test', DnsType.A));
    expect(r.message.rcode).toBe(DnsRcode.NXDOMAIN);
    expect(r.message.authorities.map((a) => [a.type, a.ttl])).toEqual([[DnsType.SOA, 300]]);
    expect(r.cause).toContain('negative TTL 300');
  });

  it('NODATA is NOERROR with no answer and the SOA', () => {
    const r = server.answer(q('mail.example.test', DnsType.AAAA));
    expect(r.message.rcode).toBe(DnsRcode.NOERROR);
    expect(r.message.answers).toEqual([]);
    expect(r.message.authorities[0].type).toBe(DnsType.SOA);
  });

  it('over 512 bytes without EDNS drops the additional section, then truncates with TC', () => {
    // MX pool with EDNS was 428 bytes in BIND's capture: it fits with EDNS.
    const withEdns = server.answer(q('pool.example.test', DnsType.MX, true));
    expect(withEdns.message.tc).toBe(false);
    expect(withEdns.message.additionals.length).toBeGreaterThan(0);
    // 24 A records + authority + additional: 596 bytes with EDNS; 512 without it.
    const plain = server.answer(q('pool.example.test', DnsType.A));
    expect(plain.bytes.length).toBeLessThanOrEqual(512);
    expect(plain.message.tc).toBe(false);
    expect(plain.message.answers.length).toBe(24);
    expect(plain.message.additionals).toEqual([]);
    expect(plain.cause).toContain('additional section dropped');
    // A zone whose answer alone exceeds 512 bytes is truncated.
    const big = parseZone(['$TTL 60', '@ SOA ns h 1 1 1 1 1', '@ NS ns', 'ns A 192.0.2.1',
      ...Array.from({ length: 12 }, (_, i) => `t TXT "${'x'.repeat(60)}${i}"`)].join('\n'), 'big.test');
    if (!big.ok) throw new Error(JSON.stringify(big.errors));
    const bigServer = new DnsAuthoritativeServer({ name: 'ns.big.test', zones: [big.value] });
    const t = bigServer.answer(q('t.big.test', DnsType.TXT));
    expect(t.message.tc).toBe(true);
    // As BIND 9 does (compared with named in dns/tcp-fallback.test.ts): a client without EDNS keeps
    // the answer records that fit, the next one would not; an EDNS client gets none.
    expect(t.message.answers.length).toBe(6);
    expect(t.bytes.length).toBeLessThanOrEqual(512);
    expect(t.message.authorities).toEqual([]);
    const tEdns = bigServer.answer(q('t.big.test', DnsType.TXT, true));
    expect([tEdns.message.tc, tEdns.message.answers.length]).toEqual([false, 12]);
    expect(t.cause).toContain('TC');
    const tcp = bigServer.answer(q('t.big.test', DnsType.TXT), false);
    expect(tcp.message.tc).toBe(false);
    expect(tcp.message.answers.length).toBe(12);
    expect(emitDns({ ...t.message, answers: tcp.message.answers.slice(0, 7) }).length).toBeGreaterThan(512);
    expect(bigServer.snapshot().byRcode).toEqual({ NOERROR: 3 });
  });

  it('echoes EDNS and drops responses and garbage instead of answering them', () => {
    const r = server.answer(q('www.example.test', DnsType.A, true));
    expect(r.message.edns?.udpSize).toBe(1232);
    const d = { src: 1, srcPort: 5000, dst: 2, dstPort: 53 };
    expect(server.receive(0, { ...d, payload: Uint8Array.of(1, 2, 3) }).sends).toEqual([]);
    expect(server.receive(0, { ...d, payload: emitDns({ ...q('www.example.test', 1), qr: true }) }).sends).toEqual([]);
    const step = server.receive(0, { ...d, payload: emitDns(q('www.example.test', 1)) });
    expect(step.sends).toHaveLength(1);
    expect(step.sends[0]).toMatchObject({ src: 2, srcPort: 53, dst: 1, dstPort: 5000 });
    expect(step.sends[0].cause).toMatch(/^ns1\.example\.test: authoritative answer from zone example\.test/);
  });
});

describe('authoritative server over TCP', () => {
  it('answers length-prefixed queries split across segments, in order, without truncation', () => {
    const conn = new DnsTcpConnection(server);
    const stream = new Uint8Array([...frameDnsTcp(emitDns(q('pool.example.test', DnsType.A))), ...frameDnsTcp(emitDns({ ...q('www.example.test', DnsType.AAAA), id: 8 }))]);
    expect(conn.push(stream.subarray(0, 1))).toEqual([]);
    expect(conn.buffered).toBe(1);
    const first = conn.push(stream.subarray(1, 40));
    expect(first).toHaveLength(1);
    const rest = conn.push(stream.subarray(40));
    expect(rest).toHaveLength(1);
    expect(conn.buffered).toBe(0);
    const answers = [...first, ...rest].flatMap((r) => splitDnsTcp(r.bytes).messages.map((m) => parseDns(m.message)));
    const msgs = answers.map((a) => (a.ok ? a.value.message : undefined));
    expect(msgs.map((m) => [m?.id, m?.tc, m?.answers.length])).toEqual([[7, false, 24], [8, false, 1]]);
    // 24 A records, the NS RRset and its addresses: more than 512 bytes, whole over TCP.
    expect(first[0].bytes.length).toBeGreaterThan(512);
    expect(first[0].cause).toContain('(over TCP)');
  });
});
