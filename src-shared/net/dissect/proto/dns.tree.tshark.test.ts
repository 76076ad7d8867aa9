// The DNS tree reads like tshark's: layer and flags labels, and the byte ranges of the Queries /
// Answers / Authoritative nameservers / Additional records groups (what the bytes pane highlights),
// compared with `tshark -T pdml` on real captures.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { indexCapture } from '../../../capture';
import { createPacket, createSession, type ProtoNode } from '../index';

const CAPTURES = ['dns-udp-queries.pcapng', 'dns-tcp.pcapng', 'dns-dnsmasq-forwarder.pcapng'];
/** dns-tcp.pcapng talks DNS on port 15353: Decode As on both sides. */
const DECODE_AS = { tshark: ['-d', 'tcp.port==15353,dns', '-d', 'udp.port==15353,dns'], ours: [{ table: 'tcp.port' as const, port: 15353, protocol: 'dns' }, { table: 'udp.port' as const, port: 15353, protocol: 'dns' }] };
const GROUPS = new Set(['Queries', 'Answers', 'Authoritative nameservers', 'Additional records']);

interface Facts {
  layer: string;
  flags: string;
  groups: string[];
  nameLengths: string[];
}

const attr = (line: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(line)?.[1] ?? '';
const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Per frame, the first DNS layer's facts from tshark's PDML. */
function tsharkFacts(file: string): Map<number, Facts> {
  const pdml = execFileSync('tshark', ['-r', file, ...DECODE_AS.tshark, '-T', 'pdml', '-Y', 'dns'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const out = new Map<number, Facts>();
  for (const packet of pdml.split('<packet>').slice(1)) {
    const frameNo = Number(/name="frame.number"[^>]*show="(\d+)"/.exec(packet)?.[1]);
    const dnsStart = packet.indexOf('<proto name="dns"');
    if (dnsStart < 0) continue;
    const dns = packet.slice(dnsStart, packet.indexOf('</proto>', dnsStart));
    const lines = dns.split('\n');
    const facts: Facts = { layer: unescape(attr(lines[0], 'showname')), flags: '', groups: [], nameLengths: [] };
    for (const line of lines) {
      if (/name="dns.flags"/.test(line)) facts.flags = unescape(attr(line, 'showname'));
      if (/<field name="" show="/.test(line) && GROUPS.has(attr(line, 'show'))) facts.groups.push(`${attr(line, 'show')}@${attr(line, 'pos')}+${attr(line, 'size')}`);
      if (/name="dns.qry.name.len"/.test(line)) facts.nameLengths.push(`${attr(line, 'pos')}+${attr(line, 'size')}`);
    }
    out.set(frameNo, facts);
  }
  return out;
}

function walk(nodes: ProtoNode[], visit: (n: ProtoNode) => void): void {
  for (const n of nodes) {
    visit(n);
    if (n.children) walk(n.children, visit);
  }
}

function ourFacts(bytes: Uint8Array): Map<number, Facts> {
  const ix = indexCapture(bytes);
  const session = createSession({ decodeAs: DECODE_AS.ours });
  const p = createPacket({ tree: true, columns: true, wanted: null });
  const out = new Map<number, Facts>();
  for (let i = 0; i < ix.count; i++) {
    const frame = bytes.subarray(ix.dataOffset[i], ix.dataOffset[i] + ix.capturedLength[i]);
    session.dissect(p, frame, i + 1, ix.originalLength[i], 0, 0);
    const dns = p.roots.find((r) => r.field === 'dns');
    if (!dns) continue;
    const facts: Facts = { layer: dns.label, flags: '', groups: [], nameLengths: [] };
    walk(dns.children ?? [], (n) => {
      if (n.field === 'dns.flags') facts.flags = n.label;
      if ((n.field === 'dns.qry' || n.field === 'dns.rrs') && GROUPS.has(n.label)) facts.groups.push(`${n.label}@${n.offset}+${n.length}`);
      if (n.field === 'dns.qry.name.len') facts.nameLengths.push(`${n.offset}+${n.length}`);
    });
    out.set(i + 1, facts);
  }
  return out;
}

describe('DNS tree against tshark -T pdml', () => {
  for (const name of CAPTURES) {
    it(`labels and group ranges equal tshark's on ${name}`, () => {
      const file = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
      const theirs = tsharkFacts(file);
      const ours = ourFacts(new Uint8Array(readFileSync(file)));
      expect(theirs.size).toBeGreaterThan(0);
      expect([...ours.keys()]).toEqual([...theirs.keys()]);
      for (const [no, facts] of theirs) expect({ no, ...ours.get(no) }).toEqual({ no, ...facts });
    });
  }
});
