// `-e` rows from the header fast path must equal the full dissector's rows, frame by frame, on
// every reference capture and on mutated real frames.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readCapture } from '../../capture';
import { createPacket, createSession } from './index';
import { fieldColumns, fieldsRow } from './summary';
import { FastFields } from './fast-fields';
import { TextWriter } from './text-writer';

const DIRS = ['./fixtures', './fixtures-tls', '../../capture/fixtures'].map((d) => fileURLToPath(new URL(d, import.meta.url)));

interface Frame {
  data: Uint8Array;
  origLen: number;
  linkType: number;
}

const captures: { name: string; frames: Frame[] }[] = [];
for (const dir of DIRS) {
  for (const f of readdirSync(dir).filter((n) => /\.pcap(ng)?$/.test(n))) {
    const file = readCapture(new Uint8Array(readFileSync(path.join(dir, f))));
    captures.push({
      name: f,
      frames: file.packets.map((pk) => ({ data: pk.data, origLen: pk.originalLength, linkType: file.interfaces[pk.interfaceId]?.linkType ?? 1 })),
    });
  }
}

const ALL = ['frame.number', 'frame.len', 'frame.cap_len', 'eth.src', 'eth.dst', 'eth.type', 'ip.version', 'ip.hdr_len', 'ip.len', 'ip.id', 'ip.ttl', 'ip.proto', 'ip.src', 'ip.dst', 'tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport', 'udp.length'];
const SETS = [['frame.number', 'ip.src'], ALL, ['ip.dst', 'tcp.dstport', 'udp.dstport'], ['eth.src', 'frame.len']];
const decoder = new TextDecoder();

function slowRows(frames: Frame[], fields: string[]): string[] {
  const session = createSession();
  const p = createPacket({ tree: false, columns: false, wanted: new Set(fields) });
  const columns = fieldColumns(fields);
  return frames.map((f, i) => {
    session.dissect(p, f.data, i + 1, f.origLen, 0, 0, f.linkType);
    return fieldsRow(p, columns);
  });
}

function fastRows(frames: Frame[], fields: string[]): { rows: string[]; fast: number } {
  const session = createSession();
  const p = createPacket({ tree: false, columns: false, wanted: new Set(fields) });
  const columns = fieldColumns(fields);
  const ff = FastFields.for(fields)!;
  let text = '';
  const w = new TextWriter((b) => (text += decoder.decode(b)), 4096);
  let fast = 0;
  frames.forEach((f, i) => {
    const b = new Uint8Array(f.data.length + 20).fill(0xaa);
    b.set(f.data, 11);
    if (ff.row(w, b, 11, f.data.length, f.origLen, i + 1, f.linkType)) {
      fast++;
      return;
    }
    session.dissect(p, f.data, i + 1, f.origLen, 0, 0, f.linkType);
    w.begin();
    w.text(fieldsRow(p, columns));
    w.byte(10);
  });
  w.end();
  const rows = text.split('\n');
  rows.pop();
  return { rows, fast };
}

describe('field fast path', () => {
  it('takes only the fields it knows', () => {
    expect(FastFields.for(['frame.number', 'ip.src'])).not.toBeNull();
    expect(FastFields.for(['frame.number', 'tcp.stream'])).toBeNull();
    expect(FastFields.for(['dns.qry.name'])).toBeNull();
    expect(FastFields.for([])).toBeNull();
  });

  it('prints the same rows as the full dissector on every frame of every reference capture', () => {
    let fast = 0;
    for (const fields of SETS) {
      for (const c of captures) {
        const r = fastRows(c.frames, fields);
        expect(r.rows, `${c.name} -e ${fields.join(' -e ')}`).toEqual(slowRows(c.frames, fields));
        fast += r.fast;
      }
    }
    expect(fast).toBeGreaterThan(1000);
  });

  it('agrees with the full dissector on mutated real frames (fast-check)', () => {
    const frames = captures.flatMap((c) => c.frames);
    const mutated = fc.tuple(fc.nat(frames.length - 1), fc.array(fc.tuple(fc.nat(80), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.option(fc.nat(80), { nil: undefined })).map(([i, edits, cut]) => {
      const f = frames[i];
      const data = f.data.slice(0, cut === undefined ? f.data.length : cut);
      for (const [at, v] of edits) if (at < data.length) data[at] = v;
      return { ...f, data, origLen: cut === undefined ? data.length : f.origLen };
    });
    fc.assert(
      fc.property(fc.array(mutated, { minLength: 1, maxLength: 20 }), (list) => {
        expect(fastRows(list, ALL).rows).toEqual(slowRows(list, ALL));
      }),
      { numRuns: 300 },
    );
  });
});
