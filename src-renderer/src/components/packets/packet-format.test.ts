import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createPacket, createSession, lookupField, type ProtoNode } from '../../../../src-shared/net/dissect';
import { compileFilter } from '../../../../src-shared/net/filter';
import { CaptureModel } from '../../workers/capture-model';
import { asciiText, filterFor, hexDump, nodeText, toBase64 } from './packet-format';

describe('packet text helpers', () => {
  it('dumps bytes like Wireshark Follow Stream hex mode', () => {
    const bytes = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n');
    expect(hexDump(bytes).split('\n')[0]).toBe('00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1..');
    expect(hexDump(bytes).split('\n')[1]).toBe('00000010  48 6f 73 74 3a 20 78 0d  0a                       Host: x..');
  });

  it('keeps line breaks in ASCII mode and dots other control bytes', () => {
    expect(asciiText(new Uint8Array([0x41, 0x0d, 0x0a, 0x00, 0xff, 0x42]))).toBe('A\r\n..B');
  });

  it('brackets generated items', () => {
    expect(nodeText({ field: 'tcp.stream', label: 'Stream index: 0', offset: 0, length: 0, generated: true })).toBe('[Stream index: 0]');
    expect(nodeText({ field: 'tcp.srcport', label: 'Source Port: 80', offset: 34, length: 2 })).toBe('Source Port: 80');
  });

  it('encodes base64 in chunks', () => {
    const big = new Uint8Array(70_000).map((_, i) => i & 255);
    expect(Buffer.from(toBase64(big), 'base64').equals(Buffer.from(big))).toBe(true);
  });
});

describe('apply as filter', () => {
  it('builds, for every item of real frames, a filter that compiles and selects that frame', () => {
    for (const name of ['dhcp-arp-icmp', 'http-keepalive-3req', 'routing-icmp-errors', 'https-tls13']) {
      const bytes = new Uint8Array(readFileSync(path.join(__dirname, '../../workers/fixtures', `${name}.pcapng`)));
      const model = new CaptureModel(bytes);
      // Every field of every frame, dissected in order: what a filter is evaluated against.
      const session = createSession();
      // Tree mode: some bit fields (eth.dst.lg/ig) are only recorded there at the moment.
      const full = createPacket({ tree: true, columns: true, wanted: null });
      const targets = new Set([0, 3, model.count - 1]);
      for (let i = 0; i < model.count; i++) {
        session.dissect(full, model.frameData(i), i + 1, model.index.originalLength[i], model.index.seconds[i], model.index.nanoseconds[i], model.linkType(i));
        if (!targets.has(i)) continue;
        const seen = new Set<string>();
        const walk = (nodes: readonly ProtoNode[]): void => {
          for (const n of nodes) {
            const f = filterFor(n);
            if (f && !seen.has(f)) {
              seen.add(f);
              const c = compileFilter(f, lookupField);
              expect(c.ok, `${name} #${i + 1}: ${f}`).toBe(true);
              if (c.ok) expect(c.filter.matches(full), `${name} #${i + 1}: ${f}`).toBe(true);
            }
            if (n.children) walk(n.children);
          }
        };
        walk(model.details(i).tree);
        expect(seen.size).toBeGreaterThan(10);
      }
    }
  }, 120_000);
});
