// Snaplen-cut frames against tshark 4.0: reference captures cut by `editcap -s N` at many lengths
// (inside the Ethernet, IP, UDP, ICMP, ARP and DHCP headers, inside quoted datagrams, inside UDP
// payloads with no subdissector) must give tshark's summary lines ("[Packet size limited during
// capture]") and fields (layers in frame.protocols, data.len of what was captured). editcap and
// tshark run at test time; a missing tool fails the test.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../capture';
import { createPacket, createSession } from './index';
import { fieldColumns, fieldsRow, summaryLine } from './summary';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
// frame.protocols first: never empty, so tshark prints one line per frame.
const FIELDS = ['frame.protocols', 'data.len', 'dns.id', 'dns.count.answers', 'dns.qry.name', 'dns.resp.type', 'dns.a', 'dns.cname', 'dns.soa.mname', 'eth.src', 'arp.opcode', 'ip.len', 'ip.ttl', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'udp.length', 'icmp.type', 'icmp.code', 'dhcp.option.dhcp', '_ws.malformed'];
const CASES: [string, number[], ('decode' | 'ports')?][] = [
  ['routing-icmp-errors.pcapng', [10, 14, 30, 34, 36, 38, 40, 43, 50, 60, 64, 70, 100]],
  ['dhcp-arp-icmp.pcapng', [30, 40, 44, 46, 60, 80, 250]],
  // DNS cut inside the header, the questions and the records (Info keeps what tshark read: the
  // ID, each counted field, a record's type once its fixed part is read, an SOA's primary name)
  // 1–3 captured payload bytes on ports with no dissector: tshark's UDP heuristics read them
  // unguarded — Wake-on-LAN (payloads of 102 bytes or more) before WireGuard (4 or more)
  ['dns-dnsmasq-forwarder.pcapng', [43, 44, 45], 'ports'],
  ['dns-udp-queries.pcapng', [58, 60, 66, 70, 76, 80, 82, 86, 88, 90, 96, 100, 106, 110, 115, 120, 130, 150, 170, 200]],
  ['dns-dnsmasq-forwarder.pcapng', [44, 48, 50, 52, 66, 80, 90, 100, 110, 120, 130, 150, 200]],
];
// The reference DNS servers listen on high ports (see fixtures/MANIFEST.txt).
const DECODE_AS = { tshark: ['-d', 'udp.port==15353,dns', '-d', 'udp.port==15354,dns'], ours: [{ table: 'udp.port' as const, port: 15353, protocol: 'dns' }, { table: 'udp.port' as const, port: 15354, protocol: 'dns' }] };

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'packetlab-snap-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (tool: string, args: string[]): string[] =>
  execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((l) => l !== '');

describe('snaplen-cut captures vs tshark 4.0', () => {
  for (const [file, lengths, mode] of CASES) {
    it(`${file} cut at ${lengths.join(', ')} bytes${mode === 'ports' ? ' (no Decode As)' : ''}`, () => {
      const problems: string[] = [];
      const decode = file.startsWith('dns-') && mode !== 'ports' ? DECODE_AS : { tshark: [], ours: [] };
      const layers = new Set<string>();
      for (const snap of lengths) {
        const cut = path.join(tmp, `${snap}-${file}`);
        run('editcap', ['-s', String(snap), path.join(FIXTURES, file), cut]);
        const expectedLines = run('tshark', ['-r', cut, ...decode.tshark]);
        const expectedRows = run('tshark', ['-r', cut, ...decode.tshark, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])].concat(['-E', 'occurrence=a']));
        const capture = readCapture(new Uint8Array(readFileSync(cut)));
        const session = createSession({ decodeAs: decode.ours });
        const columnsPacket = createPacket({ tree: false, columns: true, wanted: new Set() });
        const session2 = createSession({ decodeAs: decode.ours });
        const fieldsPacket = createPacket({ tree: false, columns: false, wanted: new Set(FIELDS) });
        const cols = fieldColumns(FIELDS);
        capture.packets.forEach((pk, i) => {
          session.dissect(columnsPacket, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, 1);
          const line = summaryLine(columnsPacket, 9);
          if (line !== expectedLines[i]) problems.push(`-s ${snap} frame ${i + 1}\n  tshark: ${expectedLines[i]}\n  ours:   ${line}`);
          session2.dissect(fieldsPacket, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, 1);
          const row = fieldsRow(fieldsPacket, cols);
          for (const l of fieldsPacket.layers) layers.add(l);
          if (row !== (expectedRows[i] ?? '')) problems.push(`-s ${snap} frame ${i + 1} fields\n  tshark: ${expectedRows[i]}\n  ours:   ${row}`);
        });
        expect(capture.packets.length).toBe(expectedLines.length);
      }
      expect(problems.slice(0, 20)).toEqual([]);
      if (mode === 'ports') expect([...layers]).toEqual(expect.arrayContaining(['wol', 'wg']));
    }, 120_000);
  }
});
