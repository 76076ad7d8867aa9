import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture, CaptureStreamReader, readCaptureStream } from './reader';
import { indexCapture } from './capture-index';
import { formatEpoch } from './timestamp';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_RAW } from './linktypes';
import { SECRETS_TLS_KEY_LOG } from './types';

const FIXTURES = join(__dirname, 'fixtures');
const captures = readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort();

/** `tshark -r F -T fields -e …` rows (tshark must be installed: a missing tool fails the test). */
function tsharkFields(file: string, fields: string[]): string[][] {
  const args = ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])];
  const out = execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

function load(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

describe('reading the reference captures agrees with tshark', () => {
  it('has fixtures of both formats', () => {
    expect(captures.filter((f) => f.endsWith('.pcap')).length).toBeGreaterThanOrEqual(4);
    expect(captures.filter((f) => f.endsWith('.pcapng')).length).toBeGreaterThanOrEqual(18);
  });

  for (const name of captures) {
    it(`${name}: frame count, timestamps, lengths, interface names`, () => {
      const file = readCapture(load(name));
      expect(file.error).toBeUndefined();
      const expected = tsharkFields(join(FIXTURES, name), [
        'frame.number',
        'frame.time_epoch',
        'frame.len',
        'frame.cap_len',
        'frame.interface_name',
      ]);
      const actual = file.packets.map((p, i) => [
        String(i + 1),
        formatEpoch(p.timestamp),
        String(p.originalLength),
        String(p.data.length),
        file.interfaces[p.interfaceId].name ?? '',
      ]);
      expect(actual).toEqual(expected);
    });
  }
});

describe('formats and metadata', () => {
  it('reads µs and ns classic pcap with their link types', () => {
    const us = readCapture(load('dhcp-arp-icmp.pcap'));
    expect(us.format).toBe('pcap');
    expect(us.interfaces[0]).toMatchObject({ linkType: LINKTYPE_ETHERNET, tsUnitsPerSecond: 1e6, snaplen: 262144 });
    const ns = readCapture(load('routing-icmp-errors-ns.pcap'));
    expect(ns.interfaces[0].tsUnitsPerSecond).toBe(1e9);
    expect(readCapture(load('linux-sll-udp.pcap')).interfaces[0].linkType).toBe(LINKTYPE_LINUX_SLL);
    const raw = readCapture(load('rawip-empty.pcap'));
    expect(raw.interfaces[0].linkType).toBe(LINKTYPE_RAW);
    expect(raw.packets).toHaveLength(0);
    expect(raw.error).toBeUndefined();
  });

  it('reads section header options and interface options (capinfos agrees)', () => {
    const file = readCapture(load('https-tls13-dsb.pcapng'));
    const info = execFileSync('capinfos', [join(FIXTURES, 'https-tls13-dsb.pcapng')], { encoding: 'utf8' });
    const line = (label: string) => info.split('\n').find((l) => l.startsWith(label))!.slice(label.length).trim();
    expect(file.sections[0].hardware).toBe(line('Capture hardware:'));
    expect(file.sections[0].os).toBe(line('Capture oper-sys:'));
    expect(file.sections[0].userAppl).toBe(line('Capture application:'));
    expect(file.interfaces[0]).toMatchObject({ name: 'lo', filter: 'tcp port 18443', tsresol: 9, tsUnitsPerSecond: 1e9 });
  });

  it('reads the decryption secrets block as the key log it was made from', () => {
    const file = readCapture(load('https-tls13-dsb.pcapng'));
    expect(file.secrets).toHaveLength(1);
    expect(file.secrets[0].type).toBe(SECRETS_TLS_KEY_LOG);
    expect(new TextDecoder().decode(file.secrets[0].data)).toBe(new TextDecoder().decode(load('https-tls13.keys')));
  });

  it('gives each section its own interfaces (interface ids are per section)', () => {
    const file = readCapture(load('two-sections.pcapng'));
    expect(file.sections).toHaveLength(2);
    expect(file.interfaces.map((i) => [i.id, i.section])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(file.packets.filter((p) => p.interfaceId === 1)).toHaveLength(10);
  });

  it('keeps interfaces apart in a merged multi-interface file', () => {
    const file = readCapture(load('merged-2if.pcapng'));
    const ids = tsharkFields(join(FIXTURES, 'merged-2if.pcapng'), ['frame.interface_id']).map((r) => Number(r[0]));
    expect(file.packets.map((p) => p.interfaceId)).toEqual(ids);
  });
});

describe('streaming', () => {
  const bytes = load('tcp-retransmissions.pcapng');
  const whole = readCapture(bytes);

  for (const size of [1, 7, 100, 4096]) {
    it(`gives the same packets when fed in ${size}-byte chunks`, () => {
      const reader = new CaptureStreamReader();
      const packets = [];
      for (let i = 0; i < bytes.length; i += size) packets.push(...reader.push(bytes.slice(i, i + size)));
      packets.push(...reader.end());
      expect(reader.error).toBeUndefined();
      expect(packets.map((p) => [p.timestamp, p.originalLength, Array.from(p.data)])).toEqual(
        whole.packets.map((p) => [p.timestamp, p.originalLength, Array.from(p.data)]),
      );
    });
  }

  it('yields packets incrementally from an async source', async () => {
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 5000) yield bytes.subarray(i, i + 5000);
    }
    let count = 0;
    for await (const p of readCaptureStream(chunks())) {
      expect(p.data.length).toBeGreaterThan(0);
      count++;
    }
    expect(count).toBe(220);
  });

  it('indexes offsets, lengths and timestamps that point at the right bytes', () => {
    for (const name of ['tcp-retransmissions.pcapng', 'merged-2if.pcapng', 'routing-icmp-errors-ns.pcap', 'tcp-snap100.pcapng']) {
      const data = load(name);
      const file = readCapture(data);
      const index = indexCapture(data);
      expect(index.count).toBe(file.packets.length);
      file.packets.forEach((p, i) => {
        const off = index.dataOffset[i];
        expect(data.subarray(off, off + index.capturedLength[i])).toEqual(p.data);
        expect(index.originalLength[i]).toBe(p.originalLength);
        expect([index.seconds[i], index.nanoseconds[i]]).toEqual([p.timestamp.seconds, p.timestamp.nanoseconds]);
        expect(index.interfaceId?.[i] ?? 0).toBe(p.interfaceId);
      });
    }
  });
});

describe('damaged files', () => {
  it('reports a truncated last packet and keeps every earlier one', () => {
    const bytes = load('dns-udp-queries.pcapng');
    const whole = readCapture(bytes);
    const last = whole.packets[whole.packets.length - 1];
    const cut = readCapture(bytes.subarray(0, last.fileOffset + 40));
    expect(cut.packets).toHaveLength(whole.packets.length - 1);
    expect(cut.error).toMatchObject({ offset: last.fileOffset, truncated: true });
    expect(cut.error!.message).toMatch(new RegExp(`^pcapng: block at offset ${last.fileOffset}: truncated: needs \\d+ bytes, but the file ends after 40$`));
  });

  it('reports a truncated pcap record', () => {
    const bytes = load('dhcp-arp-icmp.pcap');
    const cut = readCapture(bytes.subarray(0, bytes.length - 3));
    expect(cut.packets).toHaveLength(16);
    expect(cut.error!.message).toMatch(/^pcap: record at offset \d+: truncated/);
  });

  it('names the block and offset of a bad block length', () => {
    const bytes = load('dns-tcp.pcapng').slice();
    const file = readCapture(bytes);
    const third = file.packets[2].fileOffset;
    new DataView(bytes.buffer).setUint32(third + 4, 7, true);
    const bad = readCapture(bytes);
    expect(bad.packets).toHaveLength(2);
    expect(bad.error).toEqual({
      message: `pcapng: block at offset ${third}: block total length 7 is not a multiple of 4`,
      offset: third,
      truncated: false,
    });
  });

  it('rejects a file that is neither pcap nor pcapng', () => {
    const r = readCapture(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    expect(r.error!.message).toBe('capture: file at offset 0: not a pcap or pcapng file (magic 0x47455420)');
    expect(readCapture(new Uint8Array(0)).error!.message).toBe('capture: file at offset 0: empty file');
  });

  it('refuses a block claiming more than the maximum instead of buffering it', () => {
    const bytes = load('dns-tcp.pcapng').slice();
    const first = readCapture(bytes).packets[0].fileOffset;
    new DataView(bytes.buffer).setUint32(first + 4, 0x7ffffffc, true);
    const reader = new CaptureStreamReader();
    reader.push(bytes);
    expect(reader.error!.message).toBe(`pcapng: block at offset ${first}: block total length 2147483644 is larger than the maximum 16777216`);
  });
});
