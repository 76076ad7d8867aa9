// The [SEQ/ACK analysis] subtree reads like tshark's: which frames have it, and the labels of
// its ACK, RTT, bytes-in-flight and RTO items in order, compared with `tshark -T pdml` on a real
// capture with SACK and fast retransmissions and on a multi-point engine export (retransmitted
// copies with RTOs). The field values of every frame are compared in dissect.tshark.test.ts and
// tcp-multipoint.tshark.test.ts. A missing tshark fails.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { indexCapture } from '../../../capture';
import { createPacket, createSession, type ProtoNode } from '../index';
import { exportPcapng } from '../../../../src-main/engine/export/pcapng';
import { loadSample, runScenario } from '../../../../src-main/engine/testing/samples';

const ITEMS = new Set(['tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent', 'tcp.analysis.rto', 'tcp.analysis.rto_frame']);

const attr = (line: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(line)?.[1] ?? '';

/** Per frame with a TCP analysis subtree: its items' labels in tree order. */
function theirs(file: string): Map<number, string[]> {
  const pdml = execFileSync('tshark', ['-r', file, '-T', 'pdml', '-Y', 'tcp'], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const out = new Map<number, string[]>();
  for (const packet of pdml.split('<packet>').slice(1)) {
    const frameNo = Number(/name="frame.number"[^>]*show="(\d+)"/.exec(packet)?.[1]);
    const start = packet.indexOf('<field name="tcp.analysis" ');
    if (start < 0) continue;
    const items: string[] = [];
    for (const line of packet.slice(start).split('\n').slice(1)) {
      if (/^ {4}<field/.test(line)) break; // the next item of the tcp layer
      const name = attr(line, 'name');
      if (ITEMS.has(name)) items.push(`${name}: ${attr(line, 'showname')}`);
    }
    out.set(frameNo, items);
  }
  return out;
}

function ours(bytes: Uint8Array): Map<number, string[]> {
  const ix = indexCapture(bytes);
  const session = createSession({});
  const p = createPacket({ tree: true, columns: true, wanted: null });
  const out = new Map<number, string[]>();
  const walk = (nodes: ProtoNode[], items: string[]) => {
    for (const n of nodes) {
      if (ITEMS.has(n.field)) items.push(`${n.field}: ${n.label}`);
      if (n.children) walk(n.children, items);
    }
  };
  for (let i = 0; i < ix.count; i++) {
    const frame = bytes.subarray(ix.dataOffset[i], ix.dataOffset[i] + ix.capturedLength[i]);
    session.dissect(p, frame, i + 1, ix.originalLength[i], ix.seconds[i], ix.nanoseconds[i], ix.interfaces[ix.interfaceId?.[i] ?? 0]?.linkType ?? 1);
    const tcp = p.roots.find((r) => r.field === 'tcp');
    const analysis = tcp?.children?.find((n) => n.field === 'tcp.analysis');
    if (!analysis) continue;
    const items: string[] = [];
    walk(analysis.children ?? [], items);
    out.set(i + 1, items);
  }
  return out;
}

let tmp = '';
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('TCP SEQ/ACK analysis tree against tshark -T pdml', () => {
  it('tcp-retransmissions.pcapng (SACK, dup ACKs, fast retransmissions)', () => {
    const file = fileURLToPath(new URL('../fixtures/tcp-retransmissions.pcapng', import.meta.url));
    const expected = theirs(file);
    expect([...expected.values()].some((items) => items.some((l) => l.startsWith('tcp.analysis.bytes_in_flight')))).toBe(true);
    expect(ours(new Uint8Array(readFileSync(file)))).toEqual(expected);
  });

  it('a multi-point engine export (copies of segments: retransmissions with RTOs)', () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'packetlab-tcpacks-'));
    const { sim } = runScenario(loadSample('url-journey.lab.json'), 'boot and browse example.com');
    const file = path.join(tmp, 'journey.pcapng');
    const bytes = exportPcapng(sim.net.capture, {});
    writeFileSync(file, bytes);
    const expected = theirs(file);
    expect([...expected.values()].some((items) => items.some((l) => l.startsWith('tcp.analysis.rto')))).toBe(true);
    expect(ours(new Uint8Array(readFileSync(file)))).toEqual(expected);
  }, 60_000);
});
