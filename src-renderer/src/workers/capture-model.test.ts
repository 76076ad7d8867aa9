// The inspector's capture logic against tshark 4.0 on real captures: packet-list columns,
// colouring rules, display filters (fast and slow paths), Follow TCP Stream and pcapng export.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaptureModel, type Job } from './capture-model';
import { colorOf, compileColorRules, DEFAULT_COLOR_RULES } from './color-rules';
import { FAST_SOURCE_FIELDS } from './fast-fields';
import { addDecryptionSecrets, createPacket, createSession } from '../../../src-shared/net/dissect';
import { indexCapture } from '../../../src-shared/capture';
import { reassemblyWork } from '../../../src-shared/net/dissect/proto/tcp-reassembly';

const FIXTURES = path.join(__dirname, 'fixtures');
const FILES = ['dhcp-arp-icmp', 'dns-udp-queries', 'http-keepalive-3req', 'https-tls13', 'routing-icmp-errors', 'tcp-retransmissions', 'dns-tcp'];

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function run<T>(job: Job<T>): T {
  for (;;) {
    const r = job.next();
    if (r.done) return r.value;
  }
}

function open(name: string): CaptureModel {
  const model = new CaptureModel(new Uint8Array(readFileSync(path.join(FIXTURES, `${name}.pcapng`))));
  while (!model.passStep()) {
    /* first pass */
  }
  return model;
}

describe('packet list columns', () => {
  for (const name of FILES) {
    it(`${name}: No., Time, Source, Destination, Length like tshark`, () => {
      const model = open(name);
      const rows = model.rows(0, model.count);
      const expected = tshark(['-r', path.join(FIXTURES, `${name}.pcapng`), '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_relative', '-e', '_ws.col.Source', '-e', '_ws.col.Destination', '-e', 'frame.len'])
        .trimEnd()
        .split('\n');
      expect(rows.length).toBe(expected.length);
      const ours = rows.map((r) => [r.no, r.time, r.src, r.dst, r.length].join('\t'));
      expect(ours).toEqual(expected);
    });
  }

  it('dissects rows ahead of the first pass on their own, marked provisional', () => {
    const model = new CaptureModel(new Uint8Array(readFileSync(path.join(FIXTURES, 'dns-udp-queries.pcapng'))));
    const early = model.rows(0, 3);
    expect(early.every((r) => r.provisional)).toBe(true);
    while (!model.passStep()) {
      /* first pass */
    }
    const after = model.rows(0, 3);
    expect(after.map((r) => r.provisional)).toEqual([undefined, undefined, undefined]);
    expect(after.map((r) => r.info)).toEqual(early.map((r) => r.info));
    expect(after.map((r) => r.protocol)).toEqual(early.map((r) => r.protocol));
  });
});

describe('colouring rules', () => {
  for (const name of FILES) {
    it(`${name}: the same rule as tshark --color`, () => {
      const model = open(name);
      const expected = tshark(['-r', path.join(FIXTURES, `${name}.pcapng`), '--color', '-T', 'fields', '-e', 'frame.coloring_rule.name']).trimEnd().split('\n');
      const ours = model.rows(0, model.count).map((r) => (r.color >= 0 ? DEFAULT_COLOR_RULES[r.color].name : ''));
      expect(ours).toEqual(expected);
    });
  }
});

describe('display filters', () => {
  const TRANSPORT = ['tcp.port == 443', 'ip.addr == 127.0.0.1', 'tcp.stream == 1', 'ip.src == 10.0.0.0/8 or arp', 'tcp.flags == 0x12', 'icmp', 'frame.len > 100 and tcp', 'ip.ttl < 64'];
  const OTHERS = ['dns', 'udp && !dns', 'tcp.len > 0', 'tcp.port == 18080 || udp.port == 67', 'not tcp', 'tcp.analysis.retransmission', 'http.request', 'ip.proto == 17'];
  for (const name of FILES) {
    it(`${name}: the same frames as tshark -Y`, () => {
      const model = open(name);
      for (const filter of TRANSPORT) {
        const outcome = run(model.filter(filter));
        expect(outcome.ok, filter).toBe(true);
        const ours = model.rows(0, model.viewCount).map((r) => r.no);
        const theirs = tshark(['-r', path.join(FIXTURES, `${name}.pcapng`), '-Y', filter, '-T', 'fields', '-e', 'frame.number']).trimEnd().split('\n').filter(Boolean).map(Number);
        expect(ours, filter).toEqual(theirs);
      }
    }, 60_000);

    it(`${name}: the typed-array path selects what full dissection selects`, () => {
      const model = open(name);
      for (const filter of [...TRANSPORT, ...OTHERS]) {
        const fast = run(model.filter(filter));
        const fastRows = model.rows(0, model.viewCount).map((r) => r.no);
        // The same filter made unfit for the fast path by a clause that is always true.
        const slow = run(model.filter(`(${filter}) && (frame.cap_len >= 0 || http.request)`));
        expect(slow).toMatchObject({ ok: true, fast: false });
        expect(model.rows(0, model.viewCount).map((r) => r.no), filter).toEqual(fastRows);
        expect(fast.ok).toBe(true);
      }
    }, 60_000);
  }

  it('uses the typed-array path only for fields it stores', () => {
    const model = open('http-keepalive-3req');
    expect(run(model.filter('tcp.port == 18080'))).toMatchObject({ ok: true, fast: true });
    expect(run(model.filter('http.request'))).toMatchObject({ ok: true, fast: false });
    expect(run(model.filter('tcp.srcport == 18080 && tcp.flags.push == 1'))).toMatchObject({ ok: true, fast: false });
  });

  it('reports errors with their position and keeps the previous view', () => {
    const model = open('dns-udp-queries');
    run(model.filter('dns'));
    const before = model.viewCount;
    const outcome = run(model.filter('dns && nosuch.field == 1'));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.error.start).toBe(7);
      expect(outcome.error.end).toBe(19);
    }
    expect(model.viewCount).toBe(before);
    expect(run(model.filter(''))).toMatchObject({ ok: true, count: model.count });
  });
});

describe('sorting', () => {
  it('sorts by length and by source, stable on frame number, and back', () => {
    const model = open('http-keepalive-3req');
    run(model.sort({ column: 'length', descending: true }));
    const rows = model.rows(0, model.viewCount);
    for (let k = 1; k < rows.length; k++) {
      expect(rows[k - 1].length >= rows[k].length).toBe(true);
      if (rows[k - 1].length === rows[k].length) expect(rows[k - 1].no < rows[k].no).toBe(true);
    }
    run(model.sort({ column: 'protocol', descending: false }));
    const protos = model.rows(0, model.viewCount).map((r) => r.protocol);
    expect(protos).toEqual([...protos].sort((a, b) => a.localeCompare(b, 'en')));
    run(model.sort({ column: 'info', descending: false }));
    const infos = model.rows(0, model.viewCount).map((r) => r.info);
    for (let k = 1; k < infos.length; k++) expect(infos[k - 1] <= infos[k]).toBe(true);
    run(model.sort(null));
    expect(model.rows(0, 3).map((r) => r.no)).toEqual([1, 2, 3]);
  });

  it('a sort stopped half-way leaves the list in its previous order; the next one completes', () => {
    const model = open('dns-udp-queries');
    run(model.sort({ column: 'length', descending: false }));
    const before = model.rows(0, model.viewCount).map((r) => r.no);
    const job = model.sort({ column: 'info', descending: true });
    job.next();
    job.return(undefined);
    expect(model.rows(0, model.viewCount).map((r) => r.no)).toEqual(before);
    expect(model.sorting).toEqual({ column: 'length', descending: false });
    run(model.sort({ column: 'info', descending: true }));
    const infos = model.rows(0, model.viewCount).map((r) => r.info);
    expect(infos).toEqual([...infos].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    expect(model.sorting).toEqual({ column: 'info', descending: true });
  });

  it('sorts by Time and Destination like a stable comparator sort over tshark-checked columns', () => {
    const model = open('dhcp-arp-icmp');
    run(model.sort({ column: 'dst', descending: false }));
    const rows = model.rows(0, model.viewCount);
    const coll = new Intl.Collator('en', { numeric: true });
    const expected = [...rows].sort((a, b) => coll.compare(a.dst, b.dst) || a.no - b.no).map((r) => r.no);
    expect(rows.map((r) => r.no)).toEqual(expected);
    run(model.sort({ column: 'time', descending: true }));
    const times = model.rows(0, model.viewCount).map((r) => Number(r.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('a filter keeps its old rows until its matches are sorted', () => {
    const model = open('http-keepalive-3req');
    run(model.sort({ column: 'info', descending: false }));
    const job = model.filter('tcp.srcport == 18080');
    const all = model.viewCount;
    let r = job.next();
    while (!r.done) {
      // Until the job ends, the view is the old one, whole and in order.
      expect(model.viewCount).toBe(all);
      r = job.next();
    }
    const infos = model.rows(0, model.viewCount).map((x) => x.info);
    expect(model.viewCount).toBeLessThan(all);
    for (let k = 1; k < infos.length; k++) expect(infos[k - 1] <= infos[k]).toBe(true);
  });

  it('keeps the sort when a filter is applied, and finds positions of frames', () => {
    const model = open('http-keepalive-3req');
    run(model.sort({ column: 'no', descending: true }));
    run(model.filter('tcp.srcport == 18080'));
    const rows = model.rows(0, model.viewCount);
    expect(rows.map((r) => r.no)).toEqual([...rows.map((r) => r.no)].sort((a, b) => b - a));
    expect(model.positionOf(rows[2].no - 1)).toBe(2);
    expect(model.positionOf(0)).toBe(-1); // frame 1 is the client's SYN
  });
});

describe('stepping through displayed frames', () => {
  it('finds the next and previous displayed frame in frame order like tshark -Y, whatever the sort', () => {
    const model = open('tcp-retransmissions');
    const file = path.join(FIXTURES, 'tcp-retransmissions.pcapng');
    const filter = 'tcp.len > 1000 || tcp.analysis.retransmission';
    // No filter: every frame, and nothing past either end.
    expect([model.nextShown(-1, 1), model.nextShown(0, 1), model.nextShown(model.count - 1, 1)]).toEqual([0, 1, -1]);
    expect([model.nextShown(model.count, -1), model.nextShown(0, -1), model.nextShown(-1, -1)]).toEqual([model.count - 1, -1, -1]);
    run(model.sort({ column: 'length', descending: true }));
    run(model.filter(filter));
    const theirs = tshark(['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number']).trimEnd().split('\n').filter(Boolean).map((n) => Number(n) - 1);
    expect(theirs.length).toBeGreaterThan(2);
    const walk = (from: number, dir: 1 | -1) => {
      const out: number[] = [];
      for (let i = model.nextShown(from, dir); i >= 0; i = model.nextShown(i, dir)) out.push(i);
      return out;
    };
    expect(walk(-1, 1)).toEqual(theirs);
    expect(walk(model.count, -1)).toEqual([...theirs].reverse());
    // From every frame, shown or hidden: the nearest shown one on each side.
    for (let i = 0; i < model.count; i++) {
      expect(model.nextShown(i, 1), `after ${i}`).toBe(theirs.find((x) => x > i) ?? -1);
      expect(model.nextShown(i, -1), `before ${i}`).toBe(theirs.findLast((x) => x < i) ?? -1);
    }
  });

  it('steps in a 1M-frame capture without reading the displayed rows (timing log)', () => {
    // Real ARP and ICMP frames (dhcp-arp-icmp.pcapng, its DHCP left out) repeated to a million.
    const source = new CaptureModel(new Uint8Array(readFileSync(path.join(FIXTURES, 'dhcp-arp-icmp.pcapng'))));
    const pool = Array.from({ length: source.count }, (_, i) => source.frameData(i)).filter((d) => d.length < 300);
    const FRAMES = 1_000_000;
    let size = 24;
    for (let i = 0; i < FRAMES; i++) size += 16 + pool[i % pool.length].length;
    const file = new Uint8Array(size);
    const view = new DataView(file.buffer);
    view.setUint32(0, 0xa1b2c3d4, true);
    view.setUint16(4, 2, true);
    view.setUint16(6, 4, true);
    view.setUint32(16, 65535, true);
    view.setUint32(20, 1, true);
    for (let i = 0, at = 24; i < FRAMES; i++) {
      const d = pool[i % pool.length];
      view.setUint32(at, 1_700_000_000 + Math.floor(i / 1000), true);
      view.setUint32(at + 4, (i % 1000) * 1000, true);
      view.setUint32(at + 8, d.length, true);
      view.setUint32(at + 12, d.length, true);
      file.set(d, at + 16);
      at += 16 + d.length;
    }
    const t0 = performance.now();
    const model = new CaptureModel(file);
    while (!model.passStep(100_000)) {
      /* first pass */
    }
    const outcome = run(model.filter('arp'));
    const t1 = performance.now();
    expect(model.count).toBe(FRAMES);
    expect(outcome).toMatchObject({ ok: true });
    const shown = outcome.ok ? outcome.count : 0;
    const arpPerPool = pool.filter((d) => d[12] === 0x08 && d[13] === 0x06).length;
    expect(shown).toBeGreaterThan(0);

    // What stepping did before: read every displayed row (5000 at a time) and sort their numbers.
    const t2 = performance.now();
    const rows = new Uint32Array(shown);
    for (let start = 0; start < shown; start += 5000) {
      const block = model.rows(start, Math.min(shown, start + 5000));
      for (let k = 0; k < block.length; k++) rows[start + k] = block[k].no - 1;
    }
    rows.sort();
    const t3 = performance.now();
    // Now: one binary search per step. 10,000 steps forward from spread-out frames.
    let checks = 0;
    const t4 = performance.now();
    for (let k = 0; k < 10_000; k++) {
      const from = (k * 99_991) % FRAMES;
      const next = model.nextShown(from, 1);
      if (next >= 0) checks += next;
    }
    const t5 = performance.now();
    // Spot-check the answers against the rows read the old way.
    for (const from of [0, 1, 12_345, 500_000, FRAMES - 20]) {
      const k = rows.findIndex((x) => x > from);
      expect(model.nextShown(from, 1)).toBe(k < 0 ? -1 : rows[k]);
    }
    expect(checks).toBeGreaterThan(0);
    expect(shown).toBe(Math.floor(FRAMES / pool.length) * arpPerPool + pool.slice(0, FRAMES % pool.length).filter((d) => d[12] === 0x08 && d[13] === 0x06).length);
    console.log(
      `[timing] ${FRAMES} frames, ${shown} shown by 'arp': open + first pass + filter ${(t1 - t0).toFixed(0)} ms; ` +
        `reading the shown rows (old stepping) ${(t3 - t2).toFixed(0)} ms; nextShown ${(((t5 - t4) / 10_000) * 1000).toFixed(2)} µs per step`,
    );
  }, 120_000);
});

describe('first pass without HTTP bodies (the colour rules test `http` for presence only)', () => {
  it('records http and data as present, without their values; fields compared by value keep them', () => {
    const presence = open('dns-udp-queries').passPresence;
    expect(presence.has('http')).toBe(true);
    expect(presence.has('data')).toBe(true);
    for (const f of ['tcp.port', 'ip.ttl', 'ip.dst', 'icmp.type', 'tcp.flags']) expect(presence.has(f), f).toBe(false);
  });

  for (const name of [...FILES, 'https-tls13-dsb']) {
    it(`${name}: columns and colours equal those of a pass that keeps every body`, () => {
      const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, `${name}.pcapng`)));
      const model = open(name);
      const ix = indexCapture(bytes);
      const colors = compileColorRules();
      const session = createSession();
      addDecryptionSecrets(session, ix.secrets);
      const p = createPacket({ tree: false, columns: true, wanted: new Set([...FAST_SOURCE_FIELDS, ...colors.fields]), keepBodies: true });
      const kept = [];
      for (let i = 0; i < ix.count; i++) {
        const start = ix.dataOffset[i];
        session.dissect(p, bytes.subarray(start, start + ix.capturedLength[i]), i + 1, ix.originalLength[i], ix.seconds[i], ix.nanoseconds[i], ix.interfaces[ix.interfaceId ? ix.interfaceId[i] : 0].linkType);
        kept.push([p.protocol, p.info, colorOf(colors, p)].join('|'));
      }
      expect(model.rows(0, model.count).map((r) => [r.protocol, r.info, r.color].join('|'))).toEqual(kept);
    });
  }

  it('the 200 kB download: the pass copies none of the body, the details pane then shows all of it', () => {
    reassemblyWork.copied = 0;
    const model = open('tcp-retransmissions');
    // (the head, and the few segments after the body; keeping the body would copy its 204800 bytes)
    expect(reassemblyWork.copied).toBeLessThan(20000);
    expect(model.rows(214, 215)[0].info).toBe('HTTP/1.1 200 OK ');
    const d = model.details(214);
    expect(d.sources.map((s) => s.label)).toEqual(['Reassembled TCP (205058 bytes)']);
    expect(d.tree.find((n) => n.field === 'http')!.children!.find((n) => n.field === 'data')!.length).toBe(204800);
  });
});

describe('details', () => {
  it('shows a body whose segments the columns-only warm-up went through, bytes and all', () => {
    // Frame 215 of tcp-retransmissions completes a 200 kB response; the frames before it are
    // dissected without a tree first (the warm-up), which must keep the body's bytes for it.
    const model = open('tcp-retransmissions');
    const d = model.details(214);
    expect(d.sources.map((s) => s.label)).toEqual(['Reassembled TCP (205058 bytes)']);
    const whole = d.sources[0].data;
    expect(whole.length).toBe(205058);
    const http = d.tree.find((n) => n.field === 'http')!;
    expect(http.dataSource).toBe(0);
    const body = http.children!.find((n) => n.field === 'data')!;
    expect(body.length).toBe(204800);
    // the same bytes tshark reassembles: its "Reassembled TCP" tab of that frame
    const hex = tshark(['-r', path.join(FIXTURES, 'tcp-retransmissions.pcapng'), '-Y', 'frame.number == 215', '-x']);
    const tab = hex.slice(hex.indexOf('Reassembled TCP (205058 bytes):'));
    const fromTshark = Uint8Array.from(
      tab.split('\n').slice(1).filter((l) => /^[0-9a-f]{4,} /.test(l)).flatMap((l) => l.slice(l.indexOf(' ') + 2, l.indexOf(' ') + 2 + 48).trim().split(/\s+/).map((h) => parseInt(h, 16))),
    );
    expect(fromTshark.length).toBe(205058);
    expect(Buffer.from(whole).equals(Buffer.from(fromTshark))).toBe(true);
  });

  it('gives the tree with byte ranges inside the frame and the same TCP state as a full pass', () => {
    const model = open('http-keepalive-3req');
    const last = model.count - 1;
    const d = model.details(last);
    expect(d.no).toBe(model.count);
    expect(d.tree.map((n) => n.field).slice(0, 4)).toEqual(['frame', 'eth', 'ip', 'tcp']);
    const walk = (nodes: typeof d.tree): void => {
      for (const n of nodes) {
        expect(n.offset + n.length).toBeLessThanOrEqual(d.bytes.length);
        if (n.children) walk(n.children);
      }
    };
    walk(d.tree);
    const tcp = d.tree[3];
    const stream = tcp.children!.find((n) => n.field === 'tcp.stream');
    expect(stream?.generated).toBe(true);
    expect(stream?.value).toBe(0);
    // relative sequence numbers need the handshake: same as tshark's
    const seq = tcp.children!.find((n) => n.field === 'tcp.seq')?.value;
    const theirs = tshark(['-r', path.join(FIXTURES, 'http-keepalive-3req.pcapng'), '-Y', `frame.number == ${model.count}`, '-T', 'fields', '-e', 'tcp.seq']).trim();
    expect(String(seq)).toBe(theirs);
  });
});

describe('follow TCP stream', () => {
  for (const [name, stream] of [
    ['https-tls13', 0],
    ['http-keepalive-3req', 0],
    ['tcp-retransmissions', 0],
  ] as const) {
    it(`${name}: the bytes of tshark -z follow,tcp,raw,${stream}`, () => {
      const model = open(name);
      const first = model.rows(0, model.count).find((r) => r.protocol !== 'ARP')!.no - 1;
      const f = model.follow(first)!;
      const out = tshark(['-r', path.join(FIXTURES, `${name}.pcapng`), '-q', '-z', `follow,tcp,raw,${stream}`]);
      const lines = out.split('\n').filter((l) => /^\t?[0-9a-f]+$/.test(l));
      const digest = (h: string) => `${h.length / 2} bytes ${createHash('sha1').update(h).digest('hex')}`;
      const hex = (b: Uint8Array) => digest(Buffer.from(b).toString('hex'));
      const theirs = lines.map((l) => ({ dir: l.startsWith('\t') ? 1 : 0, hex: l.trim() }));
      // tshark prints one line per segment; we merge runs of one direction
      const merged: { dir: number; hex: string }[] = [];
      for (const t of theirs) {
        const last = merged[merged.length - 1];
        if (last && last.dir === t.dir) last.hex += t.hex;
        else merged.push({ ...t });
      }
      expect(f.chunks.map((c) => ({ dir: c.dir, hex: hex(c.data) }))).toEqual(merged.map((m) => ({ dir: m.dir, hex: digest(m.hex) })));
      expect(out).toContain(`Node 0: ${f.client}`);
    });
  }
});

describe('flow graph', () => {
  it('lists one conversation with its endpoints, or every shown frame', () => {
    const model = open('dns-udp-queries');
    const all = model.flow(null);
    expect(all.rows.length).toBe(model.count);
    expect(all.endpoints.length).toBeGreaterThan(0);
    for (const r of all.rows) expect(all.endpoints[r.from]).toBe(model.rows(r.no - 1, r.no)[0].src);
    const tcp = open('http-keepalive-3req');
    const conv = tcp.flow(0);
    expect(conv.rows.length).toBe(tcp.count);
    expect(conv.endpoints).toEqual(['127.0.0.1']);
  });
});

describe('export', () => {
  it('writes pcapng that tshark reads with the same frames', () => {
    const model = open('routing-icmp-errors');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'packetlab-export-'));
    const file = path.join(dir, 'out.pcapng');
    writeFileSync(file, model.toPcapng());
    const a = tshark(['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', '_ws.col.Info']);
    const b = tshark(['-r', path.join(FIXTURES, 'routing-icmp-errors.pcapng'), '-T', 'fields', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.len', '-e', '_ws.col.Info']);
    expect(a).toBe(b);
    expect(tshark(['-r', file, '-c', '1', '-T', 'fields', '-e', 'frame.interface_name']).trim()).toBe(
      tshark(['-r', path.join(FIXTURES, 'routing-icmp-errors.pcapng'), '-c', '1', '-T', 'fields', '-e', 'frame.interface_name']).trim(),
    );
  });
});

describe('TLS decryption', () => {
  const KEYS = readFileSync(path.join(FIXTURES, 'https-tls13.keys'), 'utf8');

  function openWith(name: string, keyLog = ''): CaptureModel {
    const model = new CaptureModel(new Uint8Array(readFileSync(path.join(FIXTURES, `${name}.pcapng`))), undefined, keyLog);
    while (!model.passStep()) {
      /* first pass */
    }
    return model;
  }

  function tsharkRows(name: string, keys: boolean): string[] {
    const args = ['-r', path.join(FIXTURES, `${name}.pcapng`), ...(keys ? ['-o', `tls.keylog_file:${path.join(FIXTURES, 'https-tls13.keys')}`] : []), '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Protocol', '-e', '_ws.col.Info'];
    return tshark(args).trimEnd().split('\n');
  }

  const ourRows = (m: CaptureModel) => m.rows(0, m.count).map((r) => [r.no, r.protocol, r.info].join('\t'));

  it('with a key log: the packet list, `http` filter and details show the decrypted HTTP like tshark -o tls.keylog_file', () => {
    const model = openWith('https-tls13', KEYS);
    expect(model.secretCount()).toBe(1);
    expect(ourRows(model).filter((r) => r.includes('HTTP'))).toEqual(tsharkRows('https-tls13', true).filter((r) => r.includes('HTTP')));
    const outcome = run(model.filter('http'));
    expect(outcome).toMatchObject({ ok: true, count: 2 });
    expect(model.rows(0, 2).map((r) => r.no)).toEqual([11, 12]);
    const d = model.details(10);
    expect(d.sources.map((s) => s.label)).toEqual([expect.stringMatching(/^Decrypted TLS \(\d+ bytes\)$/)]);
    const http = d.tree.find((n) => n.field === 'http')!;
    expect(http.dataSource).toBe(0);
    // The HTTP request line is in the decrypted bytes where the node says.
    const line = new TextDecoder().decode(d.sources[0].data.subarray(http.offset, http.offset + 24));
    expect(line).toBe('GET /index.html HTTP/1.1');
  });

  it('uses the Decryption Secrets Block of a pcapng without being given keys', () => {
    const model = openWith('https-tls13-dsb');
    expect(model.secretCount()).toBe(1);
    expect(ourRows(model).filter((r) => r.includes('HTTP'))).toEqual(tsharkRows('https-tls13-dsb', false).filter((r) => r.includes('HTTP')));
  });

  it('exports the key log it was given as a Decryption Secrets Block, as editcap --inject-secrets does: tshark decrypts without -o', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'packetlab-export-keys-'));
    const ours = path.join(dir, 'ours.pcapng');
    writeFileSync(ours, openWith('https-tls13', KEYS).toPcapng());
    const http = (file: string) => tshark(['-r', file, '-Y', 'http', '-T', 'fields', '-e', 'frame.number', '-e', 'http.request.uri', '-e', 'http.response.code']);
    expect(http(ours).trimEnd().split('\n')).toEqual(['11\t/index.html\t', '12\t\t200']);
    // The same as the file editcap writes from the original and the key log.
    const theirs = path.join(dir, 'theirs.pcapng');
    execFileSync('editcap', ['--inject-secrets', `tls,${path.join(FIXTURES, 'https-tls13.keys')}`, path.join(FIXTURES, 'https-tls13.pcapng'), theirs]);
    expect(http(ours)).toBe(http(theirs));
    // Reopened, the export decrypts by its own block; keys it already carries are not added again.
    const again = new CaptureModel(new Uint8Array(readFileSync(ours)), undefined, KEYS);
    expect(again.index.secrets).toHaveLength(1);
    expect(new CaptureModel(again.toPcapng()).index.secrets).toHaveLength(1);
    // Without a key log the export carries no secrets.
    expect(new CaptureModel(openWith('https-tls13').toPcapng()).index.secrets).toHaveLength(0);
  });

  it('without secrets nothing is decrypted, as in tshark', () => {
    const model = openWith('https-tls13');
    expect(model.secretCount()).toBe(0);
    expect(run(model.filter('http'))).toMatchObject({ ok: true, count: 0 });
    expect(model.details(10).sources).toEqual([]);
  });
});
