import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  parseDns, emitDns, splitDnsTcp, frameDnsTcp, nameFromText, nameToText, typeName, typeFromName, className,
  classFromName, rcodeName, rcodeFromName, recordToText, fullRcode, parseDnsName, canonicalName, DnsType,
  type DnsMessage, type DnsRecord, type DnsRData,
} from './dns';
import { readPcapng, transportPayload, tcpStream, hexToBytes } from './fixtures-app/pcapng-reader';
import { formatIpv4, ipv4 } from '../addr/ipv4';
import { formatIpv6, ipv6 } from '../addr/ipv6';

const FIX = new URL('./fixtures-app/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIX).pathname;
const frames = (name: string) => readPcapng(new Uint8Array(readFileSync(fixturePath(name))));

/** tshark -T fields for every frame; each field value is the list tshark aggregates with '|'. */
function tsharkFields(file: string, fields: string[], extra: string[] = []): Map<number, string[][]> {
  const out = execFileSync('tshark', ['-r', fixturePath(file), ...extra, '-T', 'fields', '-E', 'aggregator=|', '-E', 'occurrence=a',
    '-e', 'frame.number', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const map = new Map<number, string[][]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    map.set(Number(cols[0]), cols.slice(1).map((c) => (c === '' ? [] : c.split('|'))));
  }
  return map;
}

const DNS_FIELDS = [
  'dns.id', 'dns.flags', 'dns.count.queries', 'dns.count.answers', 'dns.count.auth_rr', 'dns.count.add_rr',
  'dns.qry.name', 'dns.qry.type', 'dns.resp.name', 'dns.resp.type', 'dns.resp.ttl', 'dns.a', 'dns.aaaa', 'dns.cname', 'dns.ns',
  'dns.mx.preference', 'dns.mx.mail_exchange', 'dns.ptr.domain_name', 'dns.srv.service', 'dns.srv.proto', 'dns.srv.name', 'dns.srv.port', 'dns.srv.target', 'dns.txt',
  'dns.soa.mname', 'dns.soa.rname', 'dns.soa.serial_number', 'dns.soa.minimum_ttl', 'dns.rr.udp_payload_size', 'dns.resp.z.do',
];

/** Our parse, flattened into the same shape tshark prints for DNS_FIELDS. */
function ourFields(m: DnsMessage): string[][] {
  const hex4 = (n: number) => '0x' + n.toString(16).padStart(4, '0');
  const flags = (m.qr ? 0x8000 : 0) | (m.opcode << 11) | (m.aa ? 0x400 : 0) | (m.tc ? 0x200 : 0) | (m.rd ? 0x100 : 0) |
    (m.ra ? 0x80 : 0) | (m.z ? 0x40 : 0) | (m.ad ? 0x20 : 0) | (m.cd ? 0x10 : 0) | m.rcode;
  const rrs = [...m.answers, ...m.authorities, ...m.additionals];
  // tshark names an SRV owner dns.srv.name rather than dns.resp.name.
  const named = rrs.filter((r) => r.data.kind !== 'SRV');
  const all: DnsRecord[] = [...m.answers, ...m.authorities, ...m.additionals];
  const of = <K extends DnsRData['kind']>(k: K) => all.map((r) => r.data).filter((d): d is Extract<DnsRData, { kind: K }> => d.kind === k);
  const srvOwners = rrs.filter((r) => r.data.kind === 'SRV').map((r) => r.name.split('.'));
  const disp = (n: string) => (n === '' ? '<Root>' : n);
  const opt = m.edns ? 1 : 0;
  return [
    [hex4(m.id)], [hex4(flags)], [String(m.questions.length)], [String(m.answers.length)], [String(m.authorities.length)],
    [String(m.additionals.length + opt)],
    m.questions.map((q) => disp(q.name)), m.questions.map((q) => String(q.type)),
    [...named.map((r) => disp(r.name)), ...(opt ? ['<Root>'] : [])], [...rrs.map((r) => String(r.type)), ...(opt ? ['41'] : [])],
    rrs.map((r) => String(r.ttl)),
    of('A').map((d) => formatIpv4(d.address)), of('AAAA').map((d) => formatIpv6(d.address)), of('CNAME').map((d) => d.target), of('NS').map((d) => d.target),
    of('MX').map((d) => String(d.preference)), of('MX').map((d) => d.exchange), of('PTR').map((d) => d.target),
    srvOwners.map((l) => l[0]), srvOwners.map((l) => l[1]), srvOwners.map((l) => l.slice(2).join('.')),
    of('SRV').map((d) => String(d.port)), of('SRV').map((d) => d.target), of('TXT').flatMap((d) => d.strings),
    of('SOA').map((d) => d.mname), of('SOA').map((d) => d.rname), of('SOA').map((d) => String(d.serial)), of('SOA').map((d) => String(d.minimum)),
    m.edns ? [String(m.edns.udpSize)] : [], m.edns ? [m.edns.dnssecOk ? '1' : '0'] : [],
  ];
}

describe('dns: deconstruct real captures and compare with tshark', () => {
  for (const file of ['dns-udp-queries.pcapng', 'dns-dnsmasq-forwarder.pcapng']) {
    it(`${file}: every frame reads as tshark reads it`, () => {
      const expected = tsharkFields(file, DNS_FIELDS);
      const fs = frames(file);
      expect(fs.length).toBe(expected.size);
      let checked = 0;
      for (const f of fs) {
        const seg = transportPayload(f)!;
        const r = parseDns(seg.payload);
        if (!r.ok) throw new Error(`frame ${f.number}: ${r.error.message} at ${r.error.offset}`);
        expect(r.value.trailing).toBe(0);
        expect({ frame: f.number, fields: ourFields(r.value.message) }).toEqual({ frame: f.number, fields: expected.get(f.number) });
        checked++;
      }
      expect(checked).toBeGreaterThan(20);
    });
  }

  it('dns-tcp.pcapng: splits the 2-byte length framing and reads both exchanges', () => {
    const expected = tsharkFields('dns-tcp.pcapng', DNS_FIELDS, ['-d', 'tcp.port==15353,dns']);
    const fs = frames('dns-tcp.pcapng');
    // Frames 4/6 are connection 0 (MX), 14/16 connection 1 (pool A): one message per direction each.
    for (const [conn, qFrame, rFrame] of [[0, 4, 6], [1, 14, 16]]) {
      const client = tcpStream(fs, conn === 0 ? 46257 : 33205, 15353);
      const server = tcpStream(fs, 15353, conn === 0 ? 46257 : 33205);
      for (const [dir, frame] of [[client, qFrame], [server, rFrame]] as const) {
        const split = splitDnsTcp(dir.bytes);
        expect(split.consumed).toBe(dir.bytes.length);
        expect(split.messages).toHaveLength(1);
        const r = parseDns(split.messages[0].message);
        if (!r.ok) throw new Error(r.error.message);
        expect(ourFields(r.value.message)).toEqual(expected.get(frame));
        // Framing round trip.
        expect(frameDnsTcp(split.messages[0].message)).toEqual(dir.bytes);
      }
    }
  });

  it('frame 30 of dns-udp-queries: 24 A records, compressed names, EDNS cookie', () => {
    const seg = transportPayload(frames('dns-udp-queries.pcapng')[29])!;
    const r = parseDns(seg.payload);
    if (!r.ok) throw new Error(r.error.message);
    const m = r.value.message;
    expect(m.answers).toHaveLength(24);
    expect(m.answers.every((a) => a.name === 'pool.example.test' && a.ttl === 3600 && a.data.kind === 'A')).toBe(true);
    expect(m.answers[0].data).toEqual({ kind: 'A', address: ipv4('192.0.2.122') });
    expect(m.edns).toMatchObject({ udpSize: 1232, version: 0, dnssecOk: false, extendedRcode: 0 });
    expect(m.edns!.options.map((o) => o.code)).toEqual([10]); // COOKIE, as tshark shows (dns.opt.code == 10)
    expect(m.edns!.options[0].data.length).toBe(24);
    expect(recordToText(m.answers[0])).toBe('pool.example.test.\t3600\tIN\tA\t192.0.2.122');
    // Spans tile the message: question at 12, then every record back to back, OPT last.
    const sp = r.value.spans;
    const all = [...sp.questions, ...sp.answers, ...sp.authorities, ...sp.additionals, sp.edns!];
    expect(all[0].offset).toBe(12);
    for (let i = 1; i < all.length; i++) expect(all[i].offset).toBe(all[i - 1].offset + all[i - 1].length);
    expect(sp.edns!.offset + sp.edns!.length).toBe(seg.payload.length);
    expect(sp.answers[1].length).toBe(16); // pointer (2) + type/class/ttl/rdlength (10) + IPv4 (4)
  });

  it('NXDOMAIN and REFUSED rcodes read with their names', () => {
    const udp = frames('dns-udp-queries.pcapng');
    const nx = parseDns(transportPayload(udp[17])!.payload);
    expect(nx.ok && rcodeName(fullRcode(nx.value.message))).toBe('NXDOMAIN');
    const fwd = frames('dns-dnsmasq-forwarder.pcapng');
    const refused = parseDns(transportPayload(fwd[21])!.payload);
    expect(refused.ok && rcodeName(refused.value.message.rcode)).toBe('REFUSED');
  });
});

describe('dns: construct and round trip', () => {
  it('re-emits every BIND and dnsmasq message byte for byte', () => {
    let n = 0;
    for (const file of ['dns-udp-queries.pcapng', 'dns-dnsmasq-forwarder.pcapng']) {
      for (const f of frames(file)) {
        const payload = transportPayload(f)!.payload;
        const r = parseDns(payload);
        if (!r.ok) throw new Error(r.error.message);
        expect({ file, frame: f.number, bytes: Array.from(emitDns(r.value.message)) }).toEqual({ file, frame: f.number, bytes: Array.from(payload) });
        n++;
      }
    }
    expect(n).toBe(56);
  });

  it('builds a query identical to dig\'s (dns-udp-queries frame 23, +noedns)', () => {
    const q: DnsMessage = {
      id: 0x04f8, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: true, cd: false, rcode: 0,
      questions: [{ name: 'www.example.test', type: DnsType.A, class: 1 }], answers: [], authorities: [], additionals: [],
    };
    expect(emitDns(q)).toEqual(transportPayload(frames('dns-udp-queries.pcapng')[22])!.payload);
  });

  it('compresses repeated suffixes case-insensitively and can be told not to', () => {
    const m: DnsMessage = {
      id: 1, qr: true, opcode: 0, aa: true, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0,
      questions: [{ name: 'WWW.Example.Test', type: 1, class: 1 }],
      answers: [{ name: 'www.example.test', type: 5, class: 1, ttl: 60, data: { kind: 'CNAME', target: 'cdn.example.test' } }],
      authorities: [], additionals: [],
    };
    const c = emitDns(m);
    const u = emitDns(m, { compress: false });
    // question name 18 bytes; answer owner is a 2-byte pointer; CNAME target "cdn" + pointer = 6 bytes
    expect(c.length).toBe(12 + 18 + 4 + 2 + 10 + 6);
    expect(u.length).toBe(12 + 18 + 4 + 18 + 10 + 18);
    for (const b of [c, u]) {
      const r = parseDns(b);
      // The pointer lands on the first spelling seen ("Example.Test"): names compare case-insensitively.
      const d = r.ok ? r.value.message.answers[0].data : null;
      expect(d?.kind === 'CNAME' && canonicalName(d.target)).toBe('cdn.example.test');
    }
  });

  it('keeps unknown types as raw rdata, EDNS flags and the extended rcode', () => {
    const m: DnsMessage = {
      id: 0xbeef, qr: true, opcode: 0, aa: false, tc: true, rd: true, ra: true, z: false, ad: false, cd: true, rcode: 0,
      questions: [{ name: 'x.test', type: 65534, class: 1 }],
      answers: [{ name: 'x.test', type: 65534, class: 1, ttl: 5, data: { kind: 'raw', data: Uint8Array.of(1, 2, 3) } },
        { name: 'x.test', type: 28, class: 1, ttl: 5, data: { kind: 'AAAA', address: ipv6('2001:db8::ffff:192.0.2.1') } }],
      authorities: [], additionals: [],
      edns: { udpSize: 4096, extendedRcode: 1, version: 0, dnssecOk: true, z: 0, options: [{ code: 65001, data: Uint8Array.of(9) }] },
    };
    const r = parseDns(emitDns(m));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.message).toEqual(m);
    expect(recordToText(r.value.message.answers[1])).toBe('x.test.\t5\tIN\tAAAA\t2001:db8::ffff:c000:201');
    expect(rcodeName(fullRcode(r.value.message))).toBe('BADVERS');
    expect(recordToText(m.answers[0])).toBe('x.test.\t5\tIN\tTYPE65534\t\\# 3 010203');
    expect(() => emitDns({ ...m, answers: [{ name: 'x', type: 16, class: 1, ttl: 1, data: { kind: 'TXT', strings: ['\u20ac'] } }] })).toThrow(/latin1/);
  });
});

describe('dns: presentation formats', () => {
  it('names: escapes round trip and limits hold', () => {
    const r = nameFromText('a\\.b.c\\032d.\\\\.');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((l) => Array.from(l))).toEqual([[0x61, 0x2e, 0x62], [0x63, 0x20, 0x64], [0x5c]]);
    expect(nameToText(r.value)).toBe('a\\.b.c\\032d.\\\\');
    expect(nameFromText('.')).toEqual({ ok: true, value: [] });
    expect(nameFromText('a..b').ok).toBe(false);
    expect(nameFromText('x'.repeat(64)).ok).toBe(false);
    expect(nameFromText(Array(128).fill('a').join('.')).ok).toBe(false); // 257 wire bytes
    expect(nameFromText(Array(127).fill('a').join('.')).ok).toBe(true); // 255
    expect(canonicalName('WWW.Example.')).toBe('www.example');
  });

  it('type, class and rcode mnemonics', () => {
    expect([1, 28, 5, 2, 6, 15, 16, 12, 33, 41, 65534].map(typeName)).toEqual(['A', 'AAAA', 'CNAME', 'NS', 'SOA', 'MX', 'TXT', 'PTR', 'SRV', 'OPT', 'TYPE65534']);
    expect(typeFromName('aaaa')).toBe(28);
    expect(typeFromName('TYPE65534')).toBe(65534);
    expect(typeFromName('TYPE70000')).toBeUndefined();
    expect(typeFromName('BOGUS')).toBeUndefined();
    expect(className(1)).toBe('IN');
    expect(className(42)).toBe('CLASS42');
    expect(classFromName('ch')).toBe(3);
    expect([0, 1, 2, 3, 4, 5].map(rcodeName)).toEqual(['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED']);
    expect(rcodeFromName('nxdomain')).toBe(3);
  });
});

describe('dns: malformed input gives errors, never throws', () => {
  const header = (qd: number, an = 0) => [0x12, 0x34, 0x81, 0x80, 0, qd, 0, an, 0, 0, 0, 0];
  const expectError = (bytes: number[], pattern: RegExp) => {
    const r = parseDns(Uint8Array.from(bytes));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(pattern);
  };

  it('compression loop (pointer to itself)', () => {
    expectError([...header(1), 0xc0, 12, 0, 1, 0, 1], /backwards/);
  });
  it('two pointers pointing at each other', () => {
    // name at 12 is "a" + pointer to 17; the name at 17 points back at 12.
    expectError([...header(2), 1, 0x61, 0xc0, 17, 0, 0xc0, 12, 0, 1, 0, 1, 0, 1, 0, 1], /backwards/);
  });
  it('forward pointer', () => {
    expectError([...header(1), 0xc0, 20, 0, 1, 0, 1, 0, 0, 0, 0], /backwards/);
  });
  it('label longer than 63', () => {
    expectError([...header(1), 64, ...new Array(64).fill(0x61), 0, 0, 1, 0, 1], /label longer than 63/);
  });
  it('name longer than 255', () => {
    const labels: number[] = [];
    for (let i = 0; i < 5; i++) labels.push(63, ...new Array(63).fill(0x61));
    expectError([...header(1), ...labels, 0, 0, 1, 0, 1], /name longer than 255/);
  });
  it('name longer than 255 through a pointer to an already decoded name', () => {
    // Question: 3 labels of 63 + 1 of 4 = 198 wire bytes. Answer owner: a 60-byte label + pointer to it (259 > 255).
    const q: number[] = [];
    for (let i = 0; i < 3; i++) q.push(63, ...new Array(63).fill(0x61));
    q.push(4, 0x74, 0x65, 0x73, 0x74, 0);
    const owner = [60, ...new Array(60).fill(0x62), 0xc0, 12];
    const bytes = [...header(1, 1), ...q, 0, 1, 0, 1, ...owner, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
    expectError(bytes, /answer 1: name longer than 255/);
    // The same with a 50-byte label is fine (249 bytes) and reads the suffix from the cache.
    const ok = [...header(1, 1), ...q, 0, 1, 0, 1, 50, ...new Array(50).fill(0x62), 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
    const r = parseDns(Uint8Array.from(ok));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.message.answers[0].name).toBe('b'.repeat(50) + '.' + r.value.message.questions[0].name);
  });
  it('RDLENGTH past the end', () => {
    expectError([...header(0, 1), 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 10, 192, 0, 2, 1], /RDLENGTH 10 runs past/);
  });
  it('A record with wrong RDLENGTH', () => {
    expectError([...header(0, 1), 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 3, 192, 0, 2], /expected 4/);
  });
  it('counts larger than the data', () => {
    expectError([0, 1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 1, 0, 1], /section counts/);
    expectError([...header(2), 0, 0, 1, 0, 1, 3, 0x61, 0x62, 0x63, 0, 0, 1], /question 2 runs past/);
  });
  it('short header and extended label types', () => {
    expectError([1, 2, 3], /shorter than the 12-byte header/);
    expectError([...header(1), 0x41, 0, 0, 1, 0, 1], /label longer than 63 \(length byte 0x41\)/);
  });
  it('parseDnsName reports the offset of the bad byte', () => {
    const r = parseDnsName(hexToBytes('03 77 77 77 c0 09 00 00 00 00'), 0);
    expect(r).toEqual({ ok: false, error: { message: 'compression pointer to 9 does not point backwards', offset: 4 } });
  });

  it('property: random bytes never throw and finish fast', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
      const r = parseDns(b);
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 3000 });
  });

  it('property: mutated real messages never throw, and what parses re-emits and re-parses to the same', () => {
    const samples = frames('dns-udp-queries.pcapng').map((f) => transportPayload(f)!.payload);
    fc.assert(fc.property(fc.nat(samples.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      (i, muts) => {
        const b = samples[i].slice();
        for (const [at, v] of muts) b[at % b.length] = v;
        const t0 = performance.now();
        const r = parseDns(b);
        expect(performance.now() - t0).toBeLessThan(250); // generous: CI machines are shared; a loop would never return
        if (r.ok) {
          let again: Uint8Array;
          try { again = emitDns(r.value.message); } catch { return; } // e.g. a mutated label now holds a byte our text form rejects
          const r2 = parseDns(again);
          expect(r2.ok && r2.value.message).toEqual(r.value.message);
        }
      }), { numRuns: 3000 });
  });
});
