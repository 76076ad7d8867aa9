// IPv4 (options, flags, fragments with reassembly) and IPv6 (hop-by-hop, routing, fragment,
// destination options extension headers).
import type { FieldInfo } from '../types';
import type { DissectSession } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { CaptureLimited, need, onesSum, u16, u32 } from '../bytes';
import { hex, ipv4ToString, ipv6ToString } from '../format';
import { dissectData } from './link';

export const IP_PROTO_NAMES: Record<number, string> = {
  0: 'IPv6 Hop-by-Hop Option',
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'Routing Header for IPv6',
  44: 'Fragment Header for IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  58: 'ICMPv6',
  59: 'IPv6 No Next Header',
  60: 'Destination Options for IPv6',
  132: 'SCTP',
};

const IP_OPT_NAMES: Record<number, string> = {
  0: 'End of Options List (EOL)',
  1: 'No-Operation (NOP)',
  7: 'Record Route',
  68: 'Time Stamp',
  130: 'Security',
  131: 'Loose Source Route',
  137: 'Strict Source Route',
  148: 'Router Alert',
};

export const CHECKSUM_STATUS: Record<number, string> = { 0: 'Bad', 1: 'Good', 2: 'Unverified' };

export const IP_FIELDS: FieldInfo[] = [
  protoField('ip', 'Internet Protocol Version 4'),
  uintField('ip.version', 'Version', 8),
  uintField('ip.hdr_len', 'Header Length', 8),
  hexField('ip.dsfield', 'Differentiated Services Field', 8),
  uintField('ip.dsfield.dscp', 'Differentiated Services Codepoint', 8),
  uintField('ip.dsfield.ecn', 'Explicit Congestion Notification', 8),
  uintField('ip.len', 'Total Length', 16),
  hexField('ip.id', 'Identification', 16),
  hexField('ip.flags', 'Flags', 8),
  field('ip.flags.rb', 'Reserved bit', 'bool'),
  field('ip.flags.df', "Don't fragment", 'bool'),
  field('ip.flags.mf', 'More fragments', 'bool'),
  uintField('ip.frag_offset', 'Fragment Offset', 16),
  uintField('ip.ttl', 'Time to Live', 8),
  uintField('ip.proto', 'Protocol', 8, IP_PROTO_NAMES),
  hexField('ip.checksum', 'Header Checksum', 16),
  uintField('ip.checksum.status', 'Header checksum status', 8, CHECKSUM_STATUS),
  field('ip.checksum_bad.expert', 'Bad checksum', 'none'),
  field('ip.src', 'Source Address', 'ipv4'),
  field('ip.dst', 'Destination Address', 'ipv4'),
  field('ip.addr', 'Source or Destination Address', 'ipv4'),
  protoField('ip.options', 'Options'),
  uintField('ip.opt.type', 'Type', 8, IP_OPT_NAMES),
  uintField('ip.opt.len', 'Length', 8),
  field('ip.fragment', 'IPv4 Fragment', 'framenum'),
  field('ip.reassembled_in', 'Reassembled IPv4 in frame', 'framenum'),
  uintField('ip.reassembled.length', 'Reassembled IPv4 length', 32),
  field('ip.ttl.too_small', 'Time To Live', 'none'),
  field('ip.bogus_header_length', 'Bogus IP header length', 'none'),
  protoField('ipv6', 'Internet Protocol Version 6'),
  uintField('ipv6.version', 'Version', 8),
  hexField('ipv6.tclass', 'Traffic Class', 8),
  hexField('ipv6.flow', 'Flow Label', 20),
  uintField('ipv6.plen', 'Payload Length', 16),
  uintField('ipv6.nxt', 'Next Header', 8, IP_PROTO_NAMES),
  uintField('ipv6.hlim', 'Hop Limit', 8),
  field('ipv6.src', 'Source Address', 'ipv6'),
  field('ipv6.dst', 'Destination Address', 'ipv6'),
  field('ipv6.addr', 'Source or Destination Address', 'ipv6'),
  protoField('ipv6.hopopts', 'IPv6 Hop-by-Hop Option'),
  uintField('ipv6.hopopts.nxt', 'Next Header', 8, IP_PROTO_NAMES),
  uintField('ipv6.hopopts.len', 'Length', 8),
  protoField('ipv6.dstopts', 'Destination Options for IPv6'),
  uintField('ipv6.dstopts.nxt', 'Next Header', 8, IP_PROTO_NAMES),
  protoField('ipv6.routing', 'Routing Header for IPv6'),
  uintField('ipv6.routing.nxt', 'Next Header', 8, IP_PROTO_NAMES),
  protoField('ipv6.fraghdr', 'Fragment Header for IPv6'),
  uintField('ipv6.fraghdr.nxt', 'Next header', 8, IP_PROTO_NAMES),
  uintField('ipv6.fraghdr.offset', 'Offset', 16),
  field('ipv6.fraghdr.more', 'More Fragments', 'bool'),
  hexField('ipv6.fraghdr.ident', 'Identification', 32),
  uintField('ipv6.opt.type', 'Type', 8),
  uintField('ipv6.opt.length', 'Length', 8),
];

interface Fragments {
  parts: { off: number; bytes: Uint8Array }[];
  total: number;
}

function fragState(s: DissectSession): Map<string, Fragments> {
  return s.get('ip.fragments', () => new Map<string, Fragments>());
}

/** Adds a fragment; returns the reassembled payload once every byte from 0 to the end is there. */
function addFragment(s: DissectSession, key: string, off: number, bytes: Uint8Array, last: boolean): Uint8Array | null {
  const map = fragState(s);
  let f = map.get(key);
  if (!f) {
    // Bounded state: at most 1024 datagrams pending (oldest dropped), 64 pieces and 64 KiB each.
    if (map.size >= 1024) map.delete(map.keys().next().value!);
    f = { parts: [], total: -1 };
    map.set(key, f);
  }
  if (off + bytes.length > 65535 || f.parts.length >= 64 || f.parts.some((q) => q.off === off && q.bytes.length === bytes.length)) return null;
  f.parts.push({ off, bytes: bytes.slice() });
  if (last) f.total = off + bytes.length;
  if (f.total < 0) return null;
  f.parts.sort((a, b) => a.off - b.off);
  let have = 0;
  for (const part of f.parts) {
    if (part.off > have) return null;
    have = Math.max(have, part.off + part.bytes.length);
  }
  if (have < f.total) return null;
  const out = new Uint8Array(f.total);
  for (const part of f.parts) out.set(part.bytes.subarray(0, Math.max(0, Math.min(part.bytes.length, f.total - part.off))), part.off);
  map.delete(key);
  return out;
}

export function dissectIpv4(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  if (off + 20 > buf.length && off + 20 <= end) {
    // The snaplen cut the header: tshark still lists the layer and what was captured, then reports the limit.
    const have = buf.length - off;
    p.proto('ip', off, Math.max(0, have));
    if (have >= 1) p.add('ip.version', off, 1, buf[off] >> 4);
    if (have >= 4) p.add('ip.len', off + 2, 2, u16(buf, off + 2));
    if (have >= 6) p.add('ip.id', off + 4, 2, u16(buf, off + 4));
    if (have >= 9) p.add('ip.ttl', off + 8, 1, buf[off + 8]);
    if (have >= 10) p.add('ip.proto', off + 9, 1, buf[off + 9]);
    if (have >= 16) p.add('ip.src', off + 12, 4, u32(buf, off + 12));
    p.close();
    if (p.columns && !s.net.inError) {
      p.setProtocol('IPv4');
      p.setInfo('');
      if (have >= 16) p.src = ipv4ToString(u32(buf, off + 12));
    }
    throw new CaptureLimited();
  }
  need(buf, off, 20, end);
  const vhl = buf[off];
  const hl = (vhl & 15) * 4;
  const totalLen = u16(buf, off + 2);
  const net = s.net;
  net.ipDepth++;
  const outer = net.ipDepth === 1;
  p.proto('ip', off, hl, p.tree && end - off >= 20 ? `Internet Protocol Version 4, Src: ${ipv4ToString(u32(buf, off + 12))}, Dst: ${ipv4ToString(u32(buf, off + 16))}` : undefined);
  p.add('ip.version', off, 1, vhl >> 4);
  if (hl < 20) {
    p.add('ip.hdr_len', off, 1, hl);
    p.expert('ip.bogus_header_length', off, 1, 'error', 'protocol', `Bogus IP header length (${hl}, must be at least 20)`);
    p.close();
    if (p.columns) {
      p.setProtocol('IPv4');
      p.setInfo(`Bogus IPv4 header length (${hl}, must be at least 20)`);
    }
    return;
  }
  need(buf, off, hl, end);
  p.add('ip.hdr_len', off, 1, hl, `0100 .... = Header Length: ${hl} bytes (${hl >> 2})`);
  const ds = buf[off + 1];
  if (p.wantAny('ip.dsfield')) {
    p.open('ip.dsfield', off + 1, 1, undefined, ds);
    p.add('ip.dsfield.dscp', off + 1, 1, ds >> 2);
    p.add('ip.dsfield.ecn', off + 1, 1, ds & 3);
    p.close();
  }
  p.add('ip.len', off + 2, 2, totalLen);
  const id = u16(buf, off + 4);
  p.add('ip.id', off + 4, 2, id, p.tree ? `Identification: 0x${hex(id, 4)} (${id})` : undefined);
  const ff = u16(buf, off + 6);
  const flags = ff >> 13;
  const fragOff = (ff & 0x1fff) * 8;
  if (p.wantAny('ip.flags')) {
    p.open('ip.flags', off + 6, 1, undefined, flags);
    p.add('ip.flags.rb', off + 6, 1, (flags & 4) !== 0);
    p.add('ip.flags.df', off + 6, 1, (flags & 2) !== 0);
    p.add('ip.flags.mf', off + 6, 1, (flags & 1) !== 0);
    p.close();
  }
  // The field counts 8-byte units (tshark -T fields prints 157 for byte offset 1256).
  p.add('ip.frag_offset', off + 6, 2, fragOff / 8, `Fragment Offset: ${fragOff}`);
  const ttl = buf[off + 8];
  p.add('ip.ttl', off + 8, 1, ttl);
  const dstFirst = buf[off + 16];
  if (ttl < 5 && (dstFirst < 224 || dstFirst > 239) && buf[off + 9] !== 103) {
    p.expert('ip.ttl.too_small', off + 8, 1, 'note', 'sequence', `"Time To Live" only ${ttl}`);
  }
  const proto = buf[off + 9];
  p.add('ip.proto', off + 9, 1, proto);
  const ck = u16(buf, off + 10);
  p.add('ip.checksum', off + 10, 2, ck);
  if (s.checkChecksums) {
    const ok = onesSum(buf, off, off + hl) === 0xffff;
    p.gen('ip.checksum.status', ok ? 1 : 0);
    if (!ok) {
      const should = 0xffff - onesSum(buf, off, off + hl, 0xffff - ck);
      p.expert('ip.checksum_bad.expert', off + 10, 2, 'error', 'checksum', `Bad checksum [should be 0x${hex(should, 4)}]`);
    }
  } else {
    p.gen('ip.checksum.status', 2);
  }
  const src = u32(buf, off + 12);
  const dst = u32(buf, off + 16);
  p.add('ip.src', off + 12, 4, src);
  p.add('ip.addr', off + 12, 4, src);
  p.add('ip.dst', off + 16, 4, dst);
  p.add('ip.addr', off + 16, 4, dst);
  if (hl > 20) dissectIpOptions(p, buf, off + 20, off + hl);
  p.close();

  net.ipVersion = 4;
  net.src4 = src;
  net.dst4 = dst;
  net.ipTtl = ttl;
  if (p.columns) {
    p.setProtocol('IPv4');
    p.src = ipv4ToString(src);
    p.dst = ipv4ToString(dst);
  }
  let payloadEnd = off + totalLen;
  if (totalLen < hl) payloadEnd = end; // TSO or bogus: Wireshark uses the captured length
  if (outer && payloadEnd < end) net.l3End = payloadEnd;
  if (payloadEnd > end) payloadEnd = end; // truncated capture (or an ICMP quote)
  const start = off + hl;

  const mf = (flags & 1) !== 0;
  if (mf || fragOff > 0) {
    const key = `${src}>${dst}:${id}:${proto}`;
    const whole = outer && payloadEnd <= buf.length ? addFragment(s, key, fragOff, buf.subarray(start, payloadEnd), !mf) : null;
    if (!whole) {
      if (p.columns) {
        p.setInfo(`Fragmented IP protocol (proto=${IP_PROTO_NAMES[proto] ?? 'Unknown'} ${proto}, off=${fragOff}, ID=${hex(id, 4)})`);
      }
      dissectData(p, buf, start, payloadEnd);
      return;
    }
    p.gen('ip.reassembled.length', whole.length);
    const frameSource = p.enterSource(p.addSource(`Reassembled IPv4 (${whole.length} bytes)`, whole)); // Wireshark's tab
    p.reassembled = true;
    dispatchIpProto(p, s, whole, 0, whole.length, proto);
    p.reassembled = false;
    p.enterSource(frameSource);
    return;
  }
  dispatchIpProto(p, s, buf, start, payloadEnd, proto);
}

function dissectIpOptions(p: Packet, buf: Uint8Array, off: number, end: number): void {
  p.open('ip.options', off, end - off, `Options: (${end - off} bytes)`);
  let o = off;
  let guard = 0;
  while (o < end && guard++ < 40) {
    const type = buf[o];
    if (type === 0 || type === 1) {
      p.add('ip.opt.type', o, 1, type);
      o++;
      if (type === 0) break;
      continue;
    }
    if (o + 1 >= end) break;
    const len = buf[o + 1];
    p.add('ip.opt.type', o, 1, type);
    p.add('ip.opt.len', o + 1, 1, len);
    if (len < 2) break;
    o += len;
  }
  p.close();
}

export function dispatchIpProto(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number, proto: number): void {
  // The fast path stops below transport, except for ICMP: its quoted datagram holds IP fields.
  if (p.maxLayer < 3 && proto !== 1 && proto !== 58) return;
  const next = s.ipProto.get(proto);
  if (next) s.guard(IP_PROTO_NAMES[proto] ?? 'ip', p, buf, off, end, next);
  else dissectData(p, buf, off, end);
}

const EXT_HEADERS: Record<number, [string, string]> = {
  0: ['ipv6.hopopts', 'ipv6.hopopts.nxt'],
  43: ['ipv6.routing', 'ipv6.routing.nxt'],
  60: ['ipv6.dstopts', 'ipv6.dstopts.nxt'],
};

export function dissectIpv6(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  if (off + 40 > buf.length && off + 40 <= end) {
    // The snaplen cut the header: the layer, a captured source address (columns), the limit.
    p.proto('ipv6', off, Math.max(0, buf.length - off));
    p.close();
    if (p.columns && !s.net.inError) {
      p.setProtocol('IPv6');
      p.setInfo('');
      if (off + 24 <= buf.length) p.src = ipv6ToString(buf, off + 8);
    }
    throw new CaptureLimited();
  }
  need(buf, off, 40, end);
  const net = s.net;
  net.ipDepth++;
  const outer = net.ipDepth === 1;
  const w0 = u32(buf, off);
  const plen = u16(buf, off + 4);
  let nxt = buf[off + 6];
  const hlim = buf[off + 7];
  p.proto('ipv6', off, 40, p.tree ? `Internet Protocol Version 6, Src: ${ipv6ToString(buf, off + 8)}, Dst: ${ipv6ToString(buf, off + 24)}` : undefined);
  p.add('ipv6.version', off, 1, w0 >>> 28);
  p.add('ipv6.tclass', off, 4, (w0 >>> 20) & 0xff);
  p.add('ipv6.flow', off + 1, 3, w0 & 0xfffff);
  p.add('ipv6.plen', off + 4, 2, plen);
  p.add('ipv6.nxt', off + 6, 1, nxt);
  p.add('ipv6.hlim', off + 7, 1, hlim);
  if (p.want('ipv6.src') || p.want('ipv6.addr')) {
    const a = buf.slice(off + 8, off + 24);
    p.add('ipv6.src', off + 8, 16, a);
    p.add('ipv6.addr', off + 8, 16, a);
  }
  if (p.want('ipv6.dst') || p.want('ipv6.addr')) {
    const a = buf.slice(off + 24, off + 40);
    p.add('ipv6.dst', off + 24, 16, a);
    p.add('ipv6.addr', off + 24, 16, a);
  }
  net.ipVersion = 6;
  net.addrBuf = buf;
  net.src6Off = off + 8;
  net.dst6Off = off + 24;
  net.ipTtl = hlim;
  if (p.columns) {
    p.setProtocol('IPv6');
    p.src = ipv6ToString(buf, off + 8);
    p.dst = ipv6ToString(buf, off + 24);
  }
  let payloadEnd = off + 40 + plen;
  if (outer && payloadEnd < end) net.l3End = payloadEnd;
  if (payloadEnd > end) payloadEnd = end;
  let o = off + 40;
  let hops = 0;
  // Extension headers: each names the next; bounded by the payload and a hop count.
  while (hops++ < 16) {
    const ext = EXT_HEADERS[nxt];
    if (ext) {
      need(buf, o, 8, payloadEnd);
      const len = (buf[o + 1] + 1) * 8;
      need(buf, o, len, payloadEnd);
      p.layers.push(ext[0]);
      p.open(ext[0], o, len);
      p.add(ext[1], o, 1, buf[o]);
      if (nxt === 0) p.add('ipv6.hopopts.len', o + 1, 1, buf[o + 1]);
      nxt = buf[o];
      o += len;
      p.close();
      continue;
    }
    if (nxt === 44) {
      need(buf, o, 8, payloadEnd);
      const fo = u16(buf, o + 2);
      const ident = u32(buf, o + 4);
      p.layers.push('ipv6.fraghdr');
      p.open('ipv6.fraghdr', o, 8);
      p.add('ipv6.fraghdr.nxt', o, 1, buf[o]);
      p.add('ipv6.fraghdr.offset', o + 2, 2, fo >> 3);
      p.add('ipv6.fraghdr.more', o + 2, 2, (fo & 1) !== 0);
      p.add('ipv6.fraghdr.ident', o + 4, 4, ident);
      p.close();
      const next = buf[o];
      o += 8;
      const offset = (fo >> 3) * 8;
      const more = (fo & 1) !== 0;
      if (offset > 0 || more) {
        p.close();
        const whole = outer ? addFragment(s, `6:${net.addrKey()}:${ident}`, offset, buf.subarray(o, payloadEnd), !more) : null;
        if (!whole) {
          if (p.columns) p.setInfo(`IPv6 fragment (off=${offset} more=${more ? 'y' : 'n'} ident=0x${hex(ident, 8)} nxt=${next})`);
          dissectData(p, buf, o, payloadEnd);
          return;
        }
        const frameSource = p.enterSource(p.addSource(`Reassembled IPv6 (${whole.length} bytes)`, whole)); // Wireshark's tab
        p.reassembled = true;
        dispatchIpProto(p, s, whole, 0, whole.length, next);
        p.reassembled = false;
        p.enterSource(frameSource);
        return;
      }
      nxt = next;
      continue;
    }
    break;
  }
  p.close();
  dispatchIpProto(p, s, buf, o, payloadEnd, nxt);
}
