// The extra byte sources of each frame (Wireshark's tabs under the bytes pane) against `tshark -x`:
// "Reassembled TCP", "Reassembled IPv4/IPv6", "Reassembled TLS Handshake", "Decrypted TLS" — same
// frames, same names, same bytes — and tree items that point into them stay inside them.
// tshark runs at test time; a missing tshark fails the test.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../capture';
import { addDecryptionSecrets, createPacket, createSession, type ProtoNode } from './index';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const FILES = [
  ...readdirSync(path.join(DIR, 'fixtures')).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `fixtures/${f}`),
  ...readdirSync(path.join(DIR, 'fixtures-tls')).filter((f) => f.endsWith('-dsb.pcapng')).map((f) => `fixtures-tls/${f}`),
];
/** Sources PacketLab does not make (no HTTP body decompression). */
const NOT_MADE = /^Uncompressed entity body/;

function tsharkSources(file: string): Map<number, string[]> {
  // No try/catch: without tshark this throws and the test fails, as it must.
  const lines = execFileSync('tshark', ['-r', file, '-x', '-P'], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).split('\n');
  const out = new Map<number, string[]>();
  let frame = 0;
  let current: string[] | null = null;
  for (const line of lines) {
    const hexLine = /^[0-9a-f]{4,}  ((?:[0-9a-f]{2} )+)/.exec(line);
    const label = /^([A-Z][A-Za-z0-9 ]+ \(\d+ bytes\)):$/.exec(line);
    const head = /^\s*(\d+) \d+\.\d+ /.exec(line);
    if (hexLine) {
      if (current) current[current.length - 1] += hexLine[1].replace(/ /g, '');
    } else if (label && !label[1].startsWith('Frame ') && !NOT_MADE.test(label[1])) {
      const list = out.get(frame) ?? [];
      list.push(label[1] + ' ');
      out.set(frame, list);
      current = list;
    } else {
      if (head) frame = Number(head[1]);
      current = null;
    }
  }
  return out;
}

describe('extra data sources vs tshark -x', () => {
  for (const file of FILES) {
    it(file, () => {
      const full = path.join(DIR, file);
      const expected = tsharkSources(full);
      const capture = readCapture(new Uint8Array(readFileSync(full)));
      const session = createSession({ decodeAs: [{ table: 'tcp.port', port: 15353, protocol: 'dns' }] });
      addDecryptionSecrets(session, capture.secrets);
      const packet = createPacket({ tree: true, columns: true, wanted: null });
      const got = new Map<number, string[]>();
      capture.packets.forEach((pk, i) => {
        session.dissect(packet, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, capture.interfaces[pk.interfaceId]?.linkType ?? 1);
        if (packet.dataSources.length) got.set(i + 1, packet.dataSources.map((d) => d.label + ' ' + Array.from(d.data, (x) => x.toString(16).padStart(2, '0')).join('')));
        const walk = (nodes: ProtoNode[]): void => {
          for (const n of nodes) {
            if (n.dataSource !== undefined) expect(n.offset + n.length, `${file} frame ${i + 1} ${n.label}`).toBeLessThanOrEqual(packet.dataSources[n.dataSource].data.length);
            if (n.children) walk(n.children);
          }
        };
        walk(packet.roots);
      });
      expect(got).toEqual(expected);
    }, 60_000);
  }
});
