// The capture store driving the real worker logic in-process (no Worker in happy-dom).
import { describe, it, expect, beforeEach } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setCaptureWorkerFactory, useCaptureStore, BLOCK } from './capture';
import { inProcessWorker } from '../testing/in-process-worker';
import { readCapture, writePcap } from '../../../src-shared/capture';
import type { ProtoNode } from '../../../src-shared/net/dissect';

const FIXTURES = path.join(__dirname, '../workers/fixtures');


function fixture(name: string): ArrayBuffer {
  const b = readFileSync(path.join(FIXTURES, name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('capture store', () => {
  beforeEach(() => {
    localStorage.clear();
    setActivePinia(createPinia());
    setCaptureWorkerFactory(inProcessWorker);
  });

  it('opens a capture, fetches rows by block and finishes the first pass', async () => {
    const s = useCaptureStore();
    expect(await s.open(fixture('tcp-retransmissions.pcapng'), 'tcp-retransmissions.pcapng')).toBe(true);
    expect(s.status).toBe('ready');
    expect(s.info?.count).toBe(220);
    expect(s.viewCount).toBe(220);
    expect(s.rowAt(0)).toBeUndefined();
    await s.ensureRows(0, 10);
    expect(s.rowAt(0)?.no).toBe(1);
    expect(s.rowAt(BLOCK)).toBeUndefined(); // only the block that was asked for
    await until(() => s.passed === 220);
    await s.ensureRows(210, 220);
    expect(s.rowAt(219)?.no).toBe(220);
    expect(s.timings.firstRows).toBeGreaterThan(0);
  });

  it('cancels a load in progress and keeps the capture that was open', async () => {
    const s = useCaptureStore();
    await s.open(fixture('dns-udp-queries.pcapng'), 'small.pcapng');
    // A 24 MB capture: one real frame repeated (reading yields between its 4 MB chunks).
    const frame = readCapture(new Uint8Array(fixture('dhcp-arp-icmp.pcapng'))).packets[0].data;
    const big = writePcap({ linkType: 1 }, Array.from({ length: 300_000 }, (_, i) => ({ timestamp: { seconds: i, nanoseconds: 0 }, data: frame })));
    const opening = s.open(big.buffer as ArrayBuffer, 'big.pcap');
    expect(s.status).toBe('loading');
    await s.cancel();
    expect(await opening).toBe(false);
    expect(s.status).toBe('ready');
    expect(s.info?.name).toBe('small.pcapng');
    await s.ensureRows(0, 5);
    expect(s.rowAt(4)?.no).toBe(5);
  });

  it('reports a file that is not a capture', async () => {
    const s = useCaptureStore();
    const junk = new TextEncoder().encode('this is not a capture file at all').buffer as ArrayBuffer;
    expect(await s.open(junk, 'junk.txt')).toBe(false);
    expect(s.status).toBe('error');
    expect(s.error).toMatch(/pcap|capture|format/i);
  });

  it('validates filters as you type and applies them, remembering recent ones', async () => {
    const s = useCaptureStore();
    await s.open(fixture('http-keepalive-3req.pcapng'));
    s.filterText = 'tcp.port == ';
    expect(s.filterCheck.state).toBe('invalid');
    expect(s.filterCheck.error?.start).toBeGreaterThanOrEqual(0);
    expect(await s.applyFilter()).toBe(false);
    s.filterText = 'tcp.srcport == 18080';
    expect(s.filterCheck.state).toBe('valid');
    expect(await s.applyFilter()).toBe(true);
    expect(s.appliedFilter).toBe('tcp.srcport == 18080');
    await s.ensureRows(0, s.viewCount);
    const rows = Array.from({ length: s.viewCount }, (_, i) => s.rowAt(i)!);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.src === '127.0.0.1' && r.info.startsWith('18080') || r.protocol === 'HTTP')).toBe(true);
    expect(s.recentFilters[0]).toBe('tcp.srcport == 18080');
    expect(JSON.parse(localStorage.getItem('packetlab.recentFilters')!)[0]).toBe('tcp.srcport == 18080');
    await s.clearFilter();
    expect(s.viewCount).toBe(s.info!.count);
  });

  it('selects a frame, loads its details and links tree nodes and bytes', async () => {
    const s = useCaptureStore();
    await s.open(fixture('dhcp-arp-icmp.pcapng'));
    await s.selectPosition(0);
    expect(s.selectedFrame).toBe(0);
    expect(s.details?.no).toBe(1);
    const eth = s.details!.tree.find((n) => n.field === 'eth')!;
    s.selectNode(eth);
    expect(s.highlight).toEqual({ source: -1, offset: 0, length: 14 });
    // byte 6 is the first byte of the Ethernet source address
    expect(s.nodeAtOffset(6)?.field).toBe('eth.src.lg');
    // with only the Ethernet layer open, the address itself
    expect(s.nodeAtOffset(6, (n) => n.field === 'eth')?.field).toBe('eth.src');
    await s.selectPosition(10_000);
    expect(s.selectedPos).toBe(s.viewCount - 1);
  });

  it('shows items of reassembled PDUs in their Reassembled TCP tab, as Wireshark does', async () => {
    const s = useCaptureStore();
    await s.open(fixture('tcp-retransmissions.pcapng'));
    // The HTTP response head is reassembled from several segments: find a frame whose tree says so.
    let found: ProtoNode | null = null;
    for (let pos = 0; pos < s.viewCount && !found; pos++) {
      await s.selectPosition(pos);
      const walk = (nodes: readonly ProtoNode[]): ProtoNode | null => {
        for (const n of nodes) {
          if (n.source === 'reassembled' && n.length > 0) return n;
          const c = n.children ? walk(n.children) : null;
          if (c) return c;
        }
        return null;
      };
      found = walk(s.details!.tree);
    }
    expect(found).not.toBeNull();
    const tab = found!.dataSource!;
    expect(s.details!.sources[tab].label).toMatch(/^Reassembled TCP \(\d+ bytes\)$/);
    s.selectNode(found);
    // The highlight is in the reassembled bytes, never in the frame's.
    expect(s.highlight).toEqual({ source: tab, offset: found!.offset, length: found!.length });
    expect(s.bytesSource).toBe(tab);
    expect(s.shownBytes).toBe(s.details!.sources[tab].data);
    // Clicking those bytes finds an item of the reassembled PDU, not one of the frame.
    const hit = s.nodeAtOffset(found!.offset);
    expect(hit?.dataSource).toBe(tab);
    // The frame's tab still links frame items only.
    s.showBytesSource(-1);
    expect(s.nodeAtOffset(0)?.dataSource).toBeUndefined();
  });

  it('decrypts TLS with a key log: the bytes pane turns to the decrypted tab and links both ways there', async () => {
    const s = useCaptureStore();
    const keyLog = readFileSync(path.join(FIXTURES, 'https-tls13.keys'), 'utf8');
    expect(await s.open(fixture('https-tls13.pcapng'), 'https-tls13.pcapng', { keyLog })).toBe(true);
    expect(s.info?.tlsSecrets).toBe(1);
    await s.selectPosition(10); // frame 11: GET /index.html inside TLS
    expect(s.details?.sources.length).toBe(1);
    expect(s.bytesSource).toBe(-1);
    expect(s.shownBytes).toBe(s.details!.bytes);
    const http = s.details!.tree.find((n) => n.field === 'http')!;
    s.selectNode(http);
    expect(s.bytesSource).toBe(0);
    expect(s.shownBytes).toBe(s.details!.sources[0].data);
    expect(s.highlight).toEqual({ source: 0, offset: http.offset, length: http.length });
    // A byte of the request line in the decrypted tab: the deepest node there, not a frame node.
    const hit = s.nodeAtOffset(http.offset + 1);
    expect(hit?.dataSource).toBe(0);
    expect(hit!.offset).toBeLessThanOrEqual(http.offset + 1);
    // Byte 1 in the frame tab is the Ethernet destination, in the decrypted tab part of HTTP.
    expect(s.nodeAtOffset(1)?.field).toMatch(/^http/);
    s.showBytesSource(-1);
    expect(s.nodeAtOffset(1)?.field).toMatch(/^eth\./);
    // Selecting a frame node turns back to the frame tab.
    s.selectNode(s.details!.tree[1]);
    expect(s.bytesSource).toBe(-1);
  });

  it('reads a key log for a capture opened without secrets: filter, sort and selection are applied again', async () => {
    const s = useCaptureStore();
    await s.open(fixture('https-tls13.pcapng'), 'https-tls13.pcapng');
    expect(s.info?.tlsSecrets).toBe(0);
    expect(await s.applyFilter('tcp')).toBe(true);
    await s.setSort({ column: 'length', descending: true });
    await s.selectFrame(10);
    expect(s.details?.sources).toEqual([]);
    // A log with nothing usable is refused with its first problem's line; the capture stays as it was.
    await expect(s.loadKeyLog('# keys\nCLIENT_RANDOM 1234 abcd\n', 'bad.keys')).rejects.toThrow(/^bad\.keys:2: CLIENT_RANDOM: /);
    expect(s.info?.tlsSecrets).toBe(0);
    const keyLog = readFileSync(path.join(FIXTURES, 'https-tls13.keys'), 'utf8');
    expect(await s.loadKeyLog(keyLog, 'https-tls13.keys')).toEqual({ tlsSecrets: 1, added: 5 });
    expect(s.info?.tlsSecrets).toBe(1);
    expect(s.appliedFilter).toBe('tcp');
    expect(s.sortKey).toEqual({ column: 'length', descending: true });
    expect(s.selectedFrame).toBe(10);
    expect(s.details?.sources.map((x) => x.label)).toEqual([expect.stringMatching(/^Decrypted TLS/)]);
    expect(await s.applyFilter('http')).toBe(true);
    expect(s.viewCount).toBe(2);
    // "Export as pcapng" carries the key log read ("TLS keys…") in a Decryption Secrets Block.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'packetlab-keys-export-'));
    const file = path.join(dir, 'exported.pcapng');
    writeFileSync(file, await s.exportBytes());
    const http = execFileSync('tshark', ['-r', file, '-Y', 'http', '-T', 'fields', '-e', 'frame.number', '-e', 'http.request.method', '-e', 'http.response.code'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(http.trimEnd().split('\n')).toEqual(['11\tGET\t', '12\t\t200']);
  });

  it('sorts by a column in three clicks and keeps the selected frame', async () => {
    const s = useCaptureStore();
    await s.open(fixture('http-keepalive-3req.pcapng'));
    await s.selectPosition(0);
    await s.toggleSort('length');
    expect(s.sortKey).toEqual({ column: 'length', descending: false });
    await s.ensureRows(0, s.viewCount);
    const lengths = Array.from({ length: s.viewCount }, (_, i) => s.rowAt(i)!.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(s.rowAt(s.selectedPos)?.no).toBe(1);
    await s.toggleSort('length');
    expect(s.sortKey?.descending).toBe(true);
    await s.toggleSort('length');
    expect(s.sortKey).toBeNull();
  });

  it('steps through the displayed frames in frame order, also when sorted (as tshark -Y), and through every frame without a filter', async () => {
    const s = useCaptureStore();
    expect(await s.nextDisplayedFrame(0, 1)).toBeNull(); // nothing open
    await s.open(fixture('tcp-retransmissions.pcapng'));
    const count = s.info!.count;
    const walk = async (dir: 1 | -1) => {
      const out: number[] = [];
      for (let no: number | null = dir === 1 ? 0 : count + 1; (no = await s.nextDisplayedFrame(no, dir)) !== null; ) out.push(no);
      return out;
    };
    expect(await walk(1)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    const filter = 'tcp.analysis.retransmission || tcp.len > 1000';
    await s.applyFilter(filter);
    await s.setSort({ column: 'length', descending: true });
    const file = path.join(__dirname, '../workers/fixtures/tcp-retransmissions.pcapng');
    const theirs = execFileSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .filter(Boolean)
      .map(Number);
    expect(theirs.length).toBeGreaterThan(1);
    expect(await walk(1)).toEqual(theirs);
    expect(await walk(-1)).toEqual([...theirs].reverse());
    // From a hidden frame: the next and previous displayed ones.
    const hidden = theirs.findIndex((no, k) => k > 0 && no - theirs[k - 1] > 1);
    expect(hidden).toBeGreaterThan(0);
    expect(await s.nextDisplayedFrame(theirs[hidden] - 1, 1)).toBe(theirs[hidden]);
    expect(await s.nextDisplayedFrame(theirs[hidden] - 1, -1)).toBe(theirs[hidden - 1]);
    const version = s.displayVersion;
    await s.clearFilter();
    expect(s.displayVersion).toBeGreaterThan(version);
    expect(await s.nextDisplayedFrame(theirs[hidden] - 1, 1)).toBe(theirs[hidden]);
    expect(await s.nextDisplayedFrame(2, -1)).toBe(1);
  });

  it('answers rows while a long sort runs; a filter replaces the sort, which then never takes effect', async () => {
    const s = useCaptureStore();
    const frames = readCapture(new Uint8Array(fixture('dns-udp-queries.pcapng'))).packets.map((p) => p.data);
    const n = 40_000;
    const big = writePcap({ linkType: 1 }, Array.from({ length: n }, (_, i) => ({ timestamp: { seconds: i, nanoseconds: 0 }, data: frames[i % frames.length] })));
    await s.open(big.buffer as ArrayBuffer, 'big.pcap');
    await until(() => s.passed === n, 60_000);
    let sortDone = false;
    const sorting = s.setSort({ column: 'info', descending: true }).then(() => (sortDone = true));
    await until(() => s.progress?.task === 'sort', 10_000);
    // The worker answers between the sort's slices: the rows arrive before the sort ends.
    await s.ensureRows(0, 10);
    expect(sortDone).toBe(false);
    expect(s.rowAt(0)?.no).toBe(1);
    const filtering = s.applyFilter('dns.flags.response == 0');
    expect(sortDone).toBe(false);
    expect(await filtering).toBe(true);
    await sorting;
    expect(s.sortKey).toBeNull();
    await s.ensureRows(0, 3);
    const nos = [s.rowAt(0)!.no, s.rowAt(1)!.no, s.rowAt(2)!.no];
    expect(nos).toEqual([...nos].sort((a, b) => a - b));
  }, 120_000);

  it('follows the TCP stream of the selected frame and builds a flow graph', async () => {
    const s = useCaptureStore();
    await s.open(fixture('http-keepalive-3req.pcapng'));
    await s.selectPosition(3);
    const f = await s.followStream();
    expect(f?.chunks[0].dir).toBe(0);
    expect(new TextDecoder().decode(f!.chunks[0].data)).toMatch(/^GET \//);
    const g = await s.flowGraph(null);
    expect(g.rows.length).toBe(s.info!.count);
  });

  it('exports pcapng bytes', async () => {
    const s = useCaptureStore();
    await s.open(fixture('dns-udp-queries.pcapng'));
    const bytes = await s.exportBytes();
    expect([...bytes.subarray(0, 4)]).toEqual([0x0a, 0x0d, 0x0d, 0x0a]);
  });
});
