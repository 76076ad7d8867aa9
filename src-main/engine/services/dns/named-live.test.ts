// The lab's DNS hierarchy served by real BIND 9 (one `named` per lab server, on loopback high ports,
// `minimal-responses no`, no recursion) and by our DnsAuthoritativeServer loaded with the same zone
// files: for each server, the same queries (answers, referrals with glue, CNAME out of zone and
// chased in zone, NXDOMAIN, NODATA) must get the same rcode, flags and records in every section.
// Needs `named` (Debian bind9); fails, not skips, without it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsType, emitDns, parseDns, recordToText, type DnsMessage, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { DnsAuthoritativeServer } from './authoritative';
import { fixture, loadZone } from './test-net';

interface LabServer {
  name: string;
  port: number;
  zones: [origin: string, file: string][];
  queries: [name: string, type: number][];
}

const { A, AAAA, NS, MX, TXT, SOA, CNAME } = DnsType;
const SERVERS: LabServer[] = [
  {
    name: 'root', port: 25381, zones: [['.', 'root.zone']],
    queries: [['www.example.com', A], ['com', NS], ['.', SOA], ['.', NS], ['a.root-servers.net', A], ['nope.zz', A], ['www.example.com.cdn.example.net', AAAA]],
  },
  {
    name: 'tld', port: 25382, zones: [['com', 'com.zone'], ['net', 'net.zone']],
    queries: [['www.example.com', A], ['example.com', MX], ['ns1.example.com', A], ['nope.com', A], ['com', SOA], ['com', NS], ['a.gtld-servers.net', A], ['cdn.example.net', NS], ['x.cdn.example.net', A], ['net', TXT]],
  },
  {
    name: 'example', port: 25383, zones: [['example.com', 'example.com.zone']],
    queries: [['www.example.com', A], ['www.example.com', CNAME], ['example.com', MX], ['example.com', TXT], ['example.com', AAAA], ['nope.example.com', A], ['origin.example.com', A], ['example.com', SOA], ['example.com', NS], ['mail.example.com', MX], ['www.example.org', A]],
  },
  {
    name: 'cdn', port: 25384, zones: [['cdn.example.net', 'cdn.example.net.zone']],
    queries: [['www.example.com.cdn.example.net', A], ['edge.cdn.example.net', AAAA], ['x.cdn.example.net', A], ['cdn.example.net', NS], ['ns.cdn.example.net', A]],
  },
];

const dir = mkdtempSync(join(tmpdir(), 'packetlab-named-'));
const procs: ChildProcess[] = [];
const logs: string[] = [];

function query(id: number, name: string, type: number): DnsMessage {
  return {
    id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0,
    questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [],
    edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] },
  };
}

function ask(port: number, q: DnsMessage, timeoutMs = 1000): Promise<DnsMessage | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => { sock.close(); resolve(undefined); }, timeoutMs);
    sock.on('message', (msg) => {
      const p = parseDns(new Uint8Array(msg));
      if (!p.ok || p.value.message.id !== q.id) return;
      clearTimeout(timer);
      sock.close();
      resolve(p.value.message);
    });
    sock.send(emitDns(q), port, '127.0.0.1');
  });
}

beforeAll(async () => {
  for (const s of SERVERS) {
    const d = join(dir, s.name);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
    for (const [, file] of s.zones) copyFileSync(fixture(file), join(d, file));
    writeFileSync(join(d, 'named.conf'), [
      'options {', `  directory "${d}";`, `  pid-file "${d}/named.pid";`, `  listen-on port ${s.port} { 127.0.0.1; };`, '  listen-on-v6 { none; };',
      '  recursion no;', '  dnssec-validation no;', '  notify no;', '  allow-transfer { none; };', '  minimal-responses no;', '};', 'controls { };',
      ...s.zones.map(([origin, file]) => `zone "${origin}" { type primary; file "${file}"; };`), '',
    ].join('\n'));
    const p = spawn('named', ['-g', '-c', join(d, 'named.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr!.on('data', (b: Buffer) => logs.push(b.toString()));
    p.on('error', (e) => logs.push(`named: ${e.message}`));
    procs.push(p);
  }
  // Wait until every server answers (named loads in well under a second here).
  for (const s of SERVERS) {
    let ok = false;
    for (let i = 0; i < 40 && !ok; i++) ok = (await ask(s.port, query(1, s.zones[0][0] === '.' ? '' : s.zones[0][0], SOA), 250)) !== undefined;
    if (!ok) throw new Error(`named for ${s.name} did not answer on port ${s.port}:\n${logs.join('')}`);
  }
}, 30_000);

afterAll(() => {
  for (const p of procs) p.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const section = (rs: DnsRecord[]) => rs.map(recordToText).sort();

describe('authoritative server vs live BIND 9 on the lab hierarchy', () => {
  for (const s of SERVERS) {
    const ours = new DnsAuthoritativeServer({ name: s.name, zones: s.zones.map(([o, f]) => loadZone(f, o)) });
    it.each(s.queries.map(([n, t], i) => [s.name, n, t, i] as const))('%s: %s type %i', async (_s, name, type, i) => {
      const q = query(100 + i, name, type);
      const bind = await ask(s.port, q);
      expect(bind, 'named answered').toBeDefined();
      const mine = ours.answer(q).message;
      expect([mine.rcode, mine.aa, mine.tc, mine.ra]).toEqual([bind!.rcode, bind!.aa, bind!.tc, bind!.ra]);
      expect(section(mine.answers)).toEqual(section(bind!.answers));
      expect(section(mine.authorities)).toEqual(section(bind!.authorities));
      expect(section(mine.additionals)).toEqual(section(bind!.additionals));
    });
  }
});
