// Robustness and framework checks: decoders never throw or hang on random and mutated frames taken
// from the real captures; the fast path gives the same values as full trees; malformed input
// becomes a `_ws.malformed` node; trees carry byte ranges inside the frame.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { indexCapture } from '../../capture';
import { createPacket, createSession, lookupField, type ProtoNode } from './index';
import { fieldColumns, fieldsRow } from './summary';

const DIR = fileURLToPath(new URL('./fixtures', import.meta.url));
const frames: Uint8Array[] = [];
for (const f of readdirSync(DIR).filter((n) => n.endsWith('.pcapng'))) {
  const bytes = new Uint8Array(readFileSync(path.join(DIR, f)));
  const ix = indexCapture(bytes);
  for (let i = 0; i < ix.count; i++) frames.push(bytes.slice(ix.dataOffset[i], ix.dataOffset[i] + ix.capturedLength[i]));
}
const DNS_ON_HIGH_PORTS = [
  { table: 'udp.port' as const, port: 15353, protocol: 'dns' },
  { table: 'tcp.port' as const, port: 15353, protocol: 'dns' },
];

function dissectAll(data: Uint8Array[], tree: boolean) {
  const session = createSession({ decodeAs: DNS_ON_HIGH_PORTS, checkChecksums: true });
  const p = createPacket({ tree, columns: true, wanted: null });
  const out: { roots: ProtoNode[]; info: string; malformed: boolean; length: number }[] = [];
  data.forEach((d, i) => {
    session.dissect(p, d, i + 1, d.length, 1_700_000_000 + i, 0);
    out.push({ roots: p.roots, info: p.info, malformed: p.malformed, length: d.length });
  });
  return out;
}

function checkRanges(nodes: ProtoNode[], frameLength: number): string[] {
  const bad: string[] = [];
  for (const n of nodes) {
    if (n.source === 'reassembled') continue;
    if (n.offset < 0 || n.length < 0 || n.offset + n.length > frameLength) bad.push(`${n.field} ${n.offset}+${n.length} > ${frameLength}`);
    if (n.children) bad.push(...checkRanges(n.children, frameLength));
  }
  return bad;
}

describe('dissection framework', () => {
  it('loads frames from the reference captures', () => {
    expect(frames.length).toBeGreaterThan(400);
  });

  it('every reference frame dissects without malformed nodes, with byte ranges inside the frame', () => {
    const results = dissectAll(frames, true);
    expect(results.filter((r) => r.malformed).length).toBe(0);
    const bad = results.flatMap((r) => checkRanges(r.roots.slice(1), r.length)); // roots[0] is the frame itself
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('registers fields with Wireshark filter names and types', () => {
    expect(lookupField('udp.srcport')?.type).toBe('uint');
    expect(lookupField('ip.src')?.type).toBe('ipv4');
    expect(lookupField('eth.type')?.base).toBe('hex');
    expect(lookupField('dns')?.type).toBe('protocol');
    expect(lookupField('no.such.field')).toBeUndefined();
  });

  it('the fast path (wanted fields, no tree) gives the same values as full dissection', () => {
    const fields = ['frame.number', 'ip.src', 'tcp.stream', 'tcp.seq', 'dns.qry.name', 'http.request.uri', 'tls.handshake.type'];
    const cols = fieldColumns(fields);
    const rows = (wanted: Set<string> | null, tree: boolean) => {
      const session = createSession({ decodeAs: DNS_ON_HIGH_PORTS });
      const p = createPacket({ tree, columns: false, wanted });
      return frames.map((d, i) => {
        session.dissect(p, d, i + 1, d.length, 0, 0);
        return fieldsRow(p, cols);
      });
    };
    expect(rows(new Set(fields), false)).toEqual(rows(null, true));
  });

  it('bytes missing from the wire are a [Malformed Packet] node, not an exception', () => {
    const dnsResponse = frames.find((f) => f.length > 200 && f[23] === 17 && ((f[34] << 8) | f[35]) === 15353)!;
    const cut = dnsResponse.subarray(0, 60);
    const session = createSession({ decodeAs: DNS_ON_HIGH_PORTS });
    const p = createPacket({ tree: true, columns: true, wanted: null });
    // Wire length = 60 too: IP and UDP claim more bytes than the packet has, DNS runs out
    session.dissect(p, cut, 1, cut.length, 0, 0);
    expect(p.malformed).toBe(true);
    expect(p.values('_ws.malformed').length).toBe(1);
    expect(p.info).toContain('[Malformed Packet]');
  });

  it('bytes cut by the snaplen are "[Packet size limited during capture]", not malformed', () => {
    const dnsResponse = frames.find((f) => f.length > 200 && f[23] === 17 && ((f[34] << 8) | f[35]) === 15353)!;
    const cut = dnsResponse.subarray(0, 60);
    const session = createSession({ decodeAs: DNS_ON_HIGH_PORTS });
    const p = createPacket({ tree: true, columns: true, wanted: null });
    // Wire length = the full frame: the capture kept only 60 bytes of it
    session.dissect(p, cut, 1, dnsResponse.length, 0, 0);
    expect(p.malformed).toBe(false);
    expect(p.limited).toBe(true);
    expect(p.protocol).toBe('DNS');
    expect(p.info).toMatch(/^Standard query response 0x[0-9a-f]{4}.*\[Packet size limited during capture\]$/);
  });

  it('never throws or hangs on random bytes', () => {
    const session = createSession();
    const p = createPacket({ tree: true, columns: true, wanted: null });
    let n = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1600 }), (data) => {
        const t0 = performance.now();
        session.dissect(p, data, ++n, data.length, 0, 0);
        return performance.now() - t0 < 1000; // a hang, not a GC pause on a loaded machine
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws or hangs on mutated real frames (headers, lengths, names, options)', () => {
    const session = createSession({ decodeAs: DNS_ON_HIGH_PORTS, checkChecksums: true });
    const p = createPacket({ tree: true, columns: true, wanted: null });
    let n = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: frames.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (index, edits, cut) => {
          const data = frames[index].slice();
          for (const [at, value] of edits) data[at % data.length] = value;
          const frame = data.subarray(0, data.length - (cut % 8 === 0 ? cut % data.length : 0));
          const t0 = performance.now();
          session.dissect(p, frame, ++n, frame.length, 0, 0);
          return performance.now() - t0 < 1000; // a hang, not a GC pause on a loaded machine
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a session without SEQ/ACK state (ackAnalysis: false) gives the same columns and flags, and no RTT items', () => {
    const run = (ackAnalysis: boolean) => {
      const session = createSession({ decodeAs: DNS_ON_HIGH_PORTS, ackAnalysis });
      const p = createPacket({ tree: false, columns: true, wanted: new Set(['tcp.analysis.flags', 'tcp.analysis.ack_rtt', 'tcp.analysis.bytes_in_flight']) });
      return frames.map((d, i) => {
        session.dissect(p, d, i + 1, d.length, 1_700_000_000 + i, i * 1000);
        return { line: `${p.protocol} ${p.info}`, flags: p.values('tcp.analysis.flags').length, rtt: p.values('tcp.analysis.ack_rtt').length + p.values('tcp.analysis.bytes_in_flight').length };
      });
    };
    const on = run(true);
    const off = run(false);
    expect(off.map((r) => r.line)).toEqual(on.map((r) => r.line));
    expect(off.map((r) => r.flags)).toEqual(on.map((r) => r.flags));
    // the reference captures' TCP segments do carry RTTs and bytes in flight with the state kept
    expect(on.filter((r) => r.rtt > 0).length).toBeGreaterThan(50);
    expect(off.filter((r) => r.rtt > 0).length).toBe(0);
  });
});
