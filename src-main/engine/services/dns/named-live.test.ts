// The lab's DNS hierarchy served by real BIND 9 (one `named` per lab server, on loopback high ports,
// `minimal-responses no`, no recursion) and by our DnsAuthoritativeServer loaded with the same zone
// files: for each server, the same queries (answers, referrals with glue, CNAME out of zone and
// chased in zone, NXDOMAIN, NODATA) must get the same rcode, flags and records in every section.
// Needs `named` (Debian bind9); fails, not skips, without it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsType, recordToText, type DnsMessage, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { askUdp, startNamed, type LiveNamed } from '../../testing/live-named';
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
const servers: LiveNamed[] = [];

function query(id: number, name: string, type: number): DnsMessage {
  return {
    id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0,
    questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [],
    edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] },
  };
}

const ask = askUdp;

beforeAll(async () => {
  for (const s of SERVERS) {
    const d = join(dir, s.name);
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d);
    for (const [, file] of s.zones) copyFileSync(fixture(file), join(d, file));
    // Wait until it answers (named loads in well under a second here).
    servers.push(
      await startNamed({
        dir: d, name: 'named', port: s.port, ready: query(1, s.zones[0][0] === '.' ? '' : s.zones[0][0], SOA),
        options: ['recursion no;', 'dnssec-validation no;', 'notify no;', 'allow-transfer { none; };', 'minimal-responses no;'],
        statements: s.zones.map(([origin, file]) => `zone "${origin}" { type primary; file "${file}"; };`),
      }),
    );
  }
}, 30_000);

afterAll(() => {
  for (const n of servers) n.stop();
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
