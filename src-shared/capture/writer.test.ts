// Files our writers produce must be read by tshark/capinfos exactly as intended; the expected
// values come from tshark's reading of those files (and of the reference captures).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapture } from './reader';
import { writePcap } from './pcap-writer';
import { PcapngWriter } from './pcapng-writer';
import { formatEpoch } from './timestamp';
import { LINKTYPE_ETHERNET } from './linktypes';

const FIXTURES = join(__dirname, 'fixtures');
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packetlab-capture-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function tsharkFields(file: string, fields: string[], extra: string[] = []): string[][] {
  const out = run('tshark', ['-r', file, ...extra, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
function save(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
function load(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}
const BASIC = ['frame.number', 'frame.time_epoch', 'frame.len', 'frame.cap_len'];

describe('pcap writer', () => {
  const source = readCapture(load('routing-icmp-errors.pcapng'));
  for (const nanoseconds of [false, true]) {
    for (const littleEndian of [true, false]) {
      it(`${nanoseconds ? 'ns' : 'µs'} ${littleEndian ? 'little' : 'big'}-endian: tshark reads what we wrote`, () => {
        const path = save(`w-${nanoseconds}-${littleEndian}.pcap`, writePcap({ linkType: LINKTYPE_ETHERNET, nanoseconds, littleEndian }, source.packets));
        const info = run('capinfos', ['-t', '-c', '-E', '-i', path]);
        expect(info).toMatch(nanoseconds ? /File type:\s+Wireshark\/tcpdump\/\.\.\. - nanosecond pcap\n/ : /File type:\s+Wireshark\/tcpdump\/\.\.\. - pcap\n/);
        expect(info).toMatch(/Number of packets:\s+46\n/);
        const reference = tsharkFields(join(FIXTURES, 'routing-icmp-errors.pcapng'), [...BASIC, 'ip.src', 'icmp.type']);
        const ours = tsharkFields(path, [...BASIC, 'ip.src', 'icmp.type']);
        // Microsecond files lose the last three digits of the timestamps, nothing else.
        const cut = (rows: string[][]) => rows.map((r) => [r[0], nanoseconds ? r[1] : r[1].slice(0, -3), ...r.slice(2)]);
        expect(cut(ours)).toEqual(cut(reference));
        // And our reader reads tshark's understanding back.
        const back = readCapture(readFileSync(path));
        expect(back.packets.map((p, i) => [String(i + 1), formatEpoch(p.timestamp), String(p.originalLength), String(p.data.length)])).toEqual(
          tsharkFields(path, BASIC),
        );
      });
    }
  }

  it('cuts packets to the snaplen and keeps the original length', () => {
    const path = save('snap.pcap', writePcap({ linkType: LINKTYPE_ETHERNET, snaplen: 60 }, source.packets));
    const rows = tsharkFields(path, ['frame.len', 'frame.cap_len']);
    expect(rows).toEqual(source.packets.map((p) => [String(p.originalLength), String(Math.min(60, p.data.length))]));
    expect(run('capinfos', ['-l', path])).toMatch(/Packet size limit:\s+file hdr: 60 bytes/);
  });
});

describe('pcapng writer', () => {
  it('writes interfaces with names and descriptions, comments and flags that tshark shows', () => {
    const a = readCapture(load('dhcp-arp-icmp.pcapng'));
    const b = readCapture(load('routing-icmp-errors.pcapng'));
    const w = new PcapngWriter({ hardware: 'PacketLab simulator', os: 'PacketLab', userAppl: 'PacketLab 0.1', comment: 'lab: demo' });
    const cli = w.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'pc1:eth0', description: 'PC1 ↔ switch' });
    const h1 = w.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'h1:eth0', description: 'h1 ↔ r1', tsresol: 6 });
    a.packets.forEach((p, i) => w.addPacket({ ...p, interfaceId: cli, comment: i === 0 ? 'DHCP DISCOVER' : undefined, flags: 2 }));
    b.packets.slice(0, 5).forEach((p, i) => w.addPacket({ ...p, interfaceId: h1, comment: i === 1 ? ['first', 'second'] : undefined }));
    const path = save('two-if.pcapng', w.toBytes());

    const info = run('capinfos', [path]);
    expect(info).toMatch(/Number of packets:\s+22\n/);
    expect(info).toMatch(/Number of interfaces in file: 2\n/);
    expect(info).toMatch(/Capture hardware:\s+PacketLab simulator\n/);
    expect(info).toMatch(/Capture oper-sys:\s+PacketLab\n/);
    expect(info).toMatch(/Capture application:\s+PacketLab 0.1\n/);
    expect(info).toMatch(/Name = pc1:eth0\n\s+Description = PC1 ↔ switch/);
    expect(info).toMatch(/Name = h1:eth0\n\s+Description = h1 ↔ r1/);
    expect(info).toMatch(/Time precision = microseconds \(6\)/);

    const rows = tsharkFields(path, ['frame.interface_name', 'frame.interface_description', 'frame.comment', 'frame.packet_flags_direction', 'frame.time_epoch']);
    expect(rows[0]).toEqual(['pc1:eth0', 'PC1 ↔ switch', 'DHCP DISCOVER', '0x00000002', formatEpoch(a.packets[0].timestamp)]);
    expect(rows[1].slice(0, 4)).toEqual(['pc1:eth0', 'PC1 ↔ switch', '', '0x00000002']);
    expect(rows[18]).toEqual(['h1:eth0', 'h1 ↔ r1', 'first,second', '', formatEpoch(b.packets[1].timestamp).slice(0, -3) + '000']);
    expect(rows).toHaveLength(22);

    const back = readCapture(readFileSync(path));
    expect(back.interfaces.map((i) => [i.name, i.description, i.tsresol])).toEqual([
      ['pc1:eth0', 'PC1 ↔ switch', 9],
      ['h1:eth0', 'h1 ↔ r1', 6],
    ]);
    expect(back.packets[0]).toMatchObject({ comments: ['DHCP DISCOVER'], flags: 2, timestamp: a.packets[0].timestamp });
    expect(back.sections[0]).toMatchObject({ hardware: 'PacketLab simulator', os: 'PacketLab', userAppl: 'PacketLab 0.1', comments: ['lab: demo'] });
  });

  it('writes a decryption secrets block tshark decrypts TLS 1.3 with, like the editcap-made reference', () => {
    const plain = readCapture(load('https-tls13.pcapng'));
    const w = new PcapngWriter();
    w.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'lo' });
    w.addSecrets(new TextDecoder().decode(load('https-tls13.keys')));
    for (const p of plain.packets) w.addPacket({ ...p, interfaceId: 0 });
    const path = save('tls13-dsb.pcapng', w.toBytes());

    expect(run('capinfos', [path])).toMatch(/Number of decryption secrets in file: 1/);
    const fields = ['frame.number', 'http.request.uri', 'http.response.code'];
    const ours = tsharkFields(path, fields, ['-Y', 'http']);
    const reference = tsharkFields(join(FIXTURES, 'https-tls13-dsb.pcapng'), fields, ['-Y', 'http']);
    expect(ours).toEqual(reference);
    expect(ours.map((r) => r[1])).toContain('/index.html');
    // Without the block there is nothing to decrypt.
    expect(tsharkFields(join(FIXTURES, 'https-tls13.pcapng'), fields, ['-Y', 'http'])).toEqual([]);
  });

  it('writes big-endian sections, simple packets and a second section that tshark reads', () => {
    const src = readCapture(load('dns-udp-queries.pcapng'));
    const be = new PcapngWriter({ littleEndian: false, userAppl: 'big' });
    be.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'be0', snaplen: 0 });
    for (const p of src.packets.slice(0, 4)) be.addPacket({ ...p, interfaceId: 0 });
    be.addSimplePacket(src.packets[4].data);
    const le = new PcapngWriter();
    le.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'le0', snaplen: 100 });
    for (const p of src.packets.slice(5, 8)) le.addPacket({ ...p, interfaceId: 0 });
    const bytes = new Uint8Array([...be.toBytes(), ...le.toBytes()]);
    const path = save('mixed.pcapng', bytes);

    const rows = tsharkFields(path, ['frame.len', 'frame.cap_len', 'frame.interface_name', 'dns.qry.name']);
    const expected = [...src.packets.slice(0, 5), ...src.packets.slice(5, 8)].map((p, i) => [
      String(p.originalLength),
      String(i < 5 ? p.data.length : Math.min(100, p.data.length)),
    ]);
    // tshark 4.0 maps interface 0 of every section to the first section's interface (its
    // frame.interface_name says be0 for section 2 too), so names are checked with our reader below.
    expect(rows.map((r) => r.slice(0, 2))).toEqual(expected);
    expect(rows[4][3]).toBe(tsharkFields(join(FIXTURES, 'dns-udp-queries.pcapng'), ['dns.qry.name'])[4][0]);

    const back = readCapture(bytes);
    expect(back.error).toBeUndefined();
    expect(back.sections.map((s) => s.littleEndian)).toEqual([false, true]);
    expect(back.packets.map((p) => back.interfaces[p.interfaceId].name)).toEqual([...Array(5).fill('be0'), ...Array(3).fill('le0')]);
    expect(back.packets.map((p) => Array.from(p.data))).toEqual(
      [...src.packets.slice(0, 5), ...src.packets.slice(5, 8)].map((p, i) => Array.from(i < 5 ? p.data : p.data.subarray(0, 100))),
    );
  });

  it('rewrites every reference capture losslessly (tshark sees the same frames)', () => {
    for (const name of ['dns-tcp.pcapng', 'tcp-retransmissions.pcapng', 'http-chunked-gzip.pcapng']) {
      const src = readCapture(load(name));
      const w = new PcapngWriter();
      for (const i of src.interfaces) w.addInterface({ linkType: i.linkType, name: i.name, snaplen: i.snaplen, tsresol: 9 });
      for (const p of src.packets) w.addPacket(p);
      const path = save(`copy-${name}`, w.toBytes());
      const fields = [...BASIC, 'frame.interface_name', 'tcp.seq', 'tcp.len'];
      expect(tsharkFields(path, fields)).toEqual(tsharkFields(join(FIXTURES, name), fields));
    }
  });

  it('unknown blocks are skipped, by tshark and by us; custom blocks are skipped by us', () => {
    const src = load('dns-tcp.pcapng');
    const file = readCapture(src);
    const firstPacket = file.packets[0].fileOffset;
    const unknown = new Uint8Array(20); // a block of an unassigned type
    const v = new DataView(unknown.buffer);
    v.setUint32(0, 0x00001234, true);
    v.setUint32(4, 20, true);
    v.setUint32(16, 20, true);
    const withUnknown = new Uint8Array([...src.subarray(0, firstPacket), ...unknown, ...src.subarray(firstPacket)]);
    const path = save('unknown-block.pcapng', withUnknown);
    const back = readCapture(withUnknown);
    expect(back.error).toBeUndefined();
    expect(back.packets.map((p) => [String(p.originalLength), formatEpoch(p.timestamp)])).toEqual(tsharkFields(path, ['frame.len', 'frame.time_epoch']));
    expect(back.packets).toHaveLength(20);

    // A custom block (type 0x00000BAD, PEN 32473). tshark 4.0 lists it as a frame of its own; we
    // deliberately do not (it carries no packet), so frame numbers after it differ from tshark's.
    const custom = new Uint8Array(24);
    const c = new DataView(custom.buffer);
    c.setUint32(0, 0x00000bad, true);
    c.setUint32(4, 24, true);
    c.setUint32(8, 32473, true);
    custom.set([1, 2, 3, 4, 5, 6, 7, 8], 12);
    c.setUint32(20, 24, true);
    const withCustom = new Uint8Array([...src.subarray(0, firstPacket), ...custom, ...src.subarray(firstPacket)]);
    const customPath = save('custom-block.pcapng', withCustom);
    expect(tsharkFields(customPath, ['frame.len'])).toHaveLength(21);
    const read = readCapture(withCustom);
    expect(read.error).toBeUndefined();
    expect(read.packets.map((p) => Array.from(p.data))).toEqual(file.packets.map((p) => Array.from(p.data)));
  });
});
