import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapngWriter } from '../../capture';
import { LINKTYPE_ETHERNET } from '../../capture/linktypes';
import { formatIpv4, ipv4, mac } from '../../net/addr';
import { DnsRcode, DnsType, emitDns, parseDns, type DnsMessage } from '../../net/wire/dns';
import { emitEthernet, EtherType } from '../../net/wire/ethernet';
import { emitIpv4, IpProtocol } from '../../net/wire/ipv4';
import { emitUdp } from '../../net/wire/udp';
import { ZoneIndex, formatZoneRecord, parseZone } from './zone';
import { answerQuery } from './zone-answer';

const dir = mkdtempSync(join(tmpdir(), 'packetlab-zone-answer-'));
const FIXTURES: [string, string][] = [
  ['.', 'root.zone'],
  ['com', 'com.zone'],
  ['net', 'net.zone'],
  ['example.com', 'example.com.zone'],
  ['cdn.example.net', 'cdn.example.net.zone'],
];
const text = (file: string) => readFileSync(new URL(`./zone-fixtures/${file}`, import.meta.url), 'utf8');

function load(origin: string, file: string): ZoneIndex {
  const r = parseZone(text(file), origin);
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
  return new ZoneIndex(r.value);
}

const zones = Object.fromEntries(FIXTURES.map(([o, f]) => [o, load(o, f)]));
// Which lab server serves which zones (the TLD server serves both com and net).
const SERVERS: Record<string, ZoneIndex[]> = {
  '198.41.0.4': [zones['.']],
  '192.5.6.30': [zones.com, zones.net],
  '203.0.113.53': [zones['example.com']],
  '198.51.100.53': [zones['cdn.example.net']],
};

const query = (id: number, name: string, type: number, edns = true): DnsMessage => ({
  id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0,
  questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [],
  ...(edns ? { edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] } } : {}),
});

/** Sends a query over "the wire": emit, parse, answer, emit, parse. */
function ask(server: string, q: DnsMessage, frames: Uint8Array[]): { response: DnsMessage; explanation: string } {
  const qBytes = emitDns(q);
  const parsedQ = parseDns(qBytes);
  if (!parsedQ.ok) throw new Error(parsedQ.error.message);
  const { response, explanation } = answerQuery(SERVERS[server], parsedQ.value.message);
  const rBytes = emitDns(response);
  const parsedR = parseDns(rBytes);
  if (!parsedR.ok) throw new Error(parsedR.error.message);
  const resolver = ipv4('192.0.2.53');
  const udp = (src: number, dst: number, sport: number, dport: number, payload: Uint8Array) => {
    const ip = emitIpv4({ src, dst, protocol: IpProtocol.UDP, ttl: 64, identification: frames.length + 1 }, emitUdp({ srcPort: sport, dstPort: dport }, payload, { src, dst }));
    frames.push(emitEthernet({ src: mac('02:00:00:00:00:01'), dst: mac('02:00:00:00:00:02'), ethertype: EtherType.IPv4 }, ip));
  };
  udp(resolver, ipv4(server), 40000 + q.id, 53, qBytes);
  udp(ipv4(server), resolver, 53, 40000 + q.id, rBytes);
  return { response: parsedR.value.message, explanation };
}

describe('authoritative answers from zone files', () => {
  it('the lab hierarchy zones pass named-checkzone and load the same records', () => {
    for (const [origin, file] of FIXTURES) {
      const path = join(dir, file);
      writeFileSync(path, text(file));
      const r = spawnSync('named-checkzone', ['-D', origin, path], { encoding: 'utf8' });
      if (r.error) throw r.error;
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const named = r.stdout.split('\n').filter((l) => /^\S+\s+\d+\s+IN\s/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim()).sort();
      const ours = zones[origin].zone.records.map((x) => formatZoneRecord(x).replace(/\s+/g, ' ')).sort();
      expect(ours).toEqual(named);
    }
  });

  it('resolve www.example.com iteratively from the root, following the CNAME into the CDN, and tshark reads every message', () => {
    const frames: Uint8Array[] = [];
    const steps: string[] = [];
    let id = 1;
    let name = 'www.example.com';
    const chain: string[] = [];
    let address: string | undefined;
    for (let restarts = 0; restarts < 4 && !address; restarts++) {
      let server = '198.41.0.4';
      for (let hops = 0; hops < 6; hops++) {
        const { response, explanation } = ask(server, query(id++, name, DnsType.A), frames);
        steps.push(`${server}: ${explanation}`);
        expect(response.rcode).toBe(DnsRcode.NOERROR);
        if (response.answers.length) {
          let target = name;
          for (const r of response.answers) {
            if (r.data.kind === 'CNAME' && r.name === target) {
              chain.push(`${r.name} → ${r.data.target}`);
              target = r.data.target;
            }
          }
          const a = response.answers.find((r) => r.data.kind === 'A' && r.name === target);
          if (a && a.data.kind === 'A') address = formatIpv4(a.data.address);
          else name = target;
          break;
        }
        const glue = response.additionals.find((r) => r.data.kind === 'A');
        expect(glue, explanation).toBeDefined();
        if (!glue || glue.data.kind !== 'A') break;
        server = formatIpv4(glue.data.address);
      }
    }
    expect(address).toBe('198.51.100.80');
    expect(chain).toEqual(['www.example.com → www.example.com.cdn.example.net', 'www.example.com.cdn.example.net → edge.cdn.example.net']);
    expect(steps).toEqual([
      '198.41.0.4: referral from zone .: com is delegated to a.gtld-servers.net (1 glue record(s))',
      '192.5.6.30: referral from zone com: example.com is delegated to ns1.example.com, ns2.example.com (2 glue record(s))',
      '203.0.113.53: authoritative answer from zone example.com for www.example.com A: 1 record(s)',
      '198.41.0.4: referral from zone .: net is delegated to a.gtld-servers.net (1 glue record(s))',
      '192.5.6.30: referral from zone net: cdn.example.net is delegated to ns.cdn.example.net (1 glue record(s))',
      '198.51.100.53: authoritative answer from zone cdn.example.net for www.example.com.cdn.example.net A: 2 record(s)',
    ]);

    const w = new PcapngWriter();
    const ifc = w.addInterface({ linkType: LINKTYPE_ETHERNET, tsresol: 6 });
    frames.forEach((data, i) => w.addPacket({ interfaceId: ifc, timestamp: { seconds: 1_767_225_600, nanoseconds: i * 1_000_000 }, data }));
    const file = join(dir, 'resolution.pcapng');
    writeFileSync(file, w.toBytes());
    const run = (args: string[]) => {
      const r = spawnSync('tshark', ['-r', file, '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', ...args], { encoding: 'utf8' });
      if (r.error) throw r.error;
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(run(['-Y', '_ws.malformed || _ws.expert.severity >= "warning"']).trim()).toBe('');
    const out = run(['-Y', 'dns.flags.response == 1', '-T', 'fields', '-e', 'dns.flags.authoritative', '-e', 'dns.count.answers', '-e', 'dns.count.auth_rr', '-e', 'dns.count.add_rr', '-e', 'dns.cname', '-e', 'dns.a']).trim().split('\n');
    // Additional counts include the OPT record.
    expect(out).toEqual([
      '0\t0\t1\t2\t\t192.5.6.30',
      '0\t0\t2\t3\t\t203.0.113.53,203.0.113.54',
      '1\t1\t0\t1\twww.example.com.cdn.example.net\t',
      '0\t0\t1\t2\t\t192.5.6.30',
      '0\t0\t1\t2\t\t198.51.100.53',
      '1\t2\t0\t1\tedge.cdn.example.net\t198.51.100.80',
    ]);
  });

  it('answers negatives with the SOA, refuses foreign names, and rejects malformed queries', () => {
    const ex = [zones['example.com']];
    const nx = answerQuery(ex, query(1, 'nope.example.com', DnsType.A));
    expect(nx.response).toMatchObject({ rcode: DnsRcode.NXDOMAIN, aa: true, authorities: [{ type: DnsType.SOA, ttl: 300 }] });
    expect(nx.explanation).toBe('NXDOMAIN from zone example.com for nope.example.com A (negative TTL 300 s from the SOA)');
    expect(answerQuery(ex, query(2, 'mail.example.com', DnsType.AAAA)).response).toMatchObject({ rcode: DnsRcode.NOERROR, aa: true, answers: [], authorities: [{ type: DnsType.SOA }] });
    expect(answerQuery(ex, query(3, 'example.org', DnsType.A)).response).toMatchObject({ rcode: DnsRcode.REFUSED, aa: false });
    const caa = answerQuery(ex, query(4, 'example.com', DnsType.CAA));
    const bytes = emitDns(caa.response);
    const back = parseDns(bytes);
    expect(back.ok && back.value.message.answers.map((r) => formatZoneRecord(r))).toEqual(['example.com.\t3600\tIN\tCAA\t0 issue "ca.packetlab.test"']);
    const noQuestion = { ...query(5, 'x', 1), questions: [] };
    expect(answerQuery(ex, noQuestion).response.rcode).toBe(DnsRcode.FORMERR);
    expect(answerQuery(ex, { ...query(6, 'example.com', 1), qr: true }).response.rcode).toBe(DnsRcode.FORMERR);
    expect(answerQuery(ex, { ...query(7, 'example.com', 1), opcode: 5 }).response.rcode).toBe(DnsRcode.NOTIMP);
    expect(answerQuery(ex, query(8, 'example.com', DnsType.A, false)).response.edns).toBeUndefined();
  });
});
