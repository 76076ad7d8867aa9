// UDP: ports, length, checksum status, stream index; dispatch by udp.port (low port first, as
// Wireshark does), then heuristics, then data.
import type { FieldInfo } from '../types';
import type { DatagramProtocol, DissectSession } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { CaptureLimited, need, onesSum, u16 } from '../bytes';
import { hex } from '../format';
import { dissectData } from './link';
import { CHECKSUM_STATUS } from './ip';

export const UDP_FIELDS: FieldInfo[] = [
  protoField('udp', 'User Datagram Protocol'),
  uintField('udp.srcport', 'Source Port', 16),
  uintField('udp.dstport', 'Destination Port', 16),
  uintField('udp.port', 'Source or Destination Port', 16),
  uintField('udp.length', 'Length', 16),
  hexField('udp.checksum', 'Checksum', 16),
  uintField('udp.checksum.status', 'Checksum Status', 8, { ...CHECKSUM_STATUS, 3: 'Not present' }),
  field('udp.checksum.bad', 'Bad checksum', 'none'),
  uintField('udp.stream', 'Stream index', 32),
  field('udp.payload', 'Payload', 'bytes'),
  field('udp.length.bad', 'Bad length value', 'none'),
  field('udp.possible_traceroute', 'Possible traceroute', 'none'),
];

/** Pseudo-header sum for UDP/TCP checksums. */
export function pseudoSum(s: DissectSession, proto: number, len: number): number {
  const net = s.net;
  let sum = 0;
  if (net.ipVersion === 4) {
    sum = (net.src4 >>> 16) + (net.src4 & 0xffff) + (net.dst4 >>> 16) + (net.dst4 & 0xffff);
  } else {
    sum = onesSum(net.addrBuf, net.src6Off, net.src6Off + 16);
    sum = onesSum(net.addrBuf, net.dst6Off, net.dst6Off + 16, sum);
  }
  return sum + proto + (len >>> 16) + (len & 0xffff);
}

/** A header the snaplen cut: the layer and the fields that were captured, then the limit (as tshark). */
function udpCut(p: Packet, s: DissectSession, buf: Uint8Array, off: number): never {
  const have = buf.length - off;
  p.proto('udp', off, Math.max(0, have));
  // Both ports are read before anything is shown: fewer than 4 bytes show the layer alone.
  if (have >= 4) {
    p.add('udp.srcport', off, 2, u16(buf, off));
    p.add('udp.dstport', off + 2, 2, u16(buf, off + 2));
  }
  if (have >= 6) p.add('udp.length', off + 4, 2, u16(buf, off + 4));
  p.close();
  if (p.columns && !s.net.inError && have >= 4) {
    p.setProtocol('UDP');
    p.setInfo(`${u16(buf, off)} → ${u16(buf, off + 2)}` + (have >= 6 ? ` Len=${u16(buf, off + 4) - 8}` : ''));
  }
  throw new CaptureLimited();
}

interface UdpState {
  streams: Map<string, number>;
}

export function dissectUdp(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  if (off + 8 > buf.length && off + 8 <= end) udpCut(p, s, buf, off);
  need(buf, off, 8, end);
  const sport = u16(buf, off);
  const dport = u16(buf, off + 2);
  const len = u16(buf, off + 4);
  const ck = u16(buf, off + 6);
  const net = s.net;
  p.proto('udp', off, 8, p.tree ? `User Datagram Protocol, Src Port: ${sport}, Dst Port: ${dport}` : undefined, end);
  p.add('udp.srcport', off, 2, sport);
  p.add('udp.dstport', off + 2, 2, dport);
  p.add('udp.port', off, 2, sport);
  p.add('udp.port', off + 2, 2, dport);
  p.add('udp.length', off + 4, 2, len);
  p.add('udp.checksum', off + 6, 2, ck);
  let payloadEnd = off + len;
  const badLen = len < 8 || (payloadEnd > end && !net.inError);
  if (badLen) p.expert('udp.length.bad', off + 4, 2, 'error', 'malformed', `Bad length value ${len} > IP payload length`);
  if (len < 8 || payloadEnd > end) payloadEnd = end;
  if (ck === 0 && net.ipVersion === 4) p.gen('udp.checksum.status', 3);
  else if (s.checkChecksums && !badLen && off + len <= buf.length) {
    const sum = onesSum(buf, off, off + len, pseudoSum(s, 17, len));
    const ok = sum === 0xffff;
    p.gen('udp.checksum.status', ok ? 1 : 0);
    if (!ok) {
      const should = 0xffff - onesSum(buf, off, off + len, pseudoSum(s, 17, len) + (0xffff - ck)) || 0xffff;
      p.expert('udp.checksum.bad', off + 6, 2, 'error', 'checksum', `Bad checksum [should be 0x${hex(should, 4)}]`);
    }
  } else p.gen('udp.checksum.status', 2);
  if (p.want('udp.stream')) {
    const st = s.get<UdpState>('udp', () => ({ streams: new Map() }));
    // Direction-independent key: the lower endpoint first.
    const pair = net.ipVersion === 4 ? [String(net.src4), String(net.dst4)] : net.addrKey().split('>');
    const a = `${pair[0]}:${sport}`;
    const b = `${pair[1]}:${dport}`;
    const key = a < b ? a + '|' + b : b + '|' + a;
    let idx = st.streams.get(key);
    if (idx === undefined) {
      idx = st.streams.size;
      st.streams.set(key, idx);
    }
    p.gen('udp.stream', idx);
  }
  // Wireshark's traceroute hint: probes to 33435–33534, three per hop.
  if (dport > 33434 && dport <= 33534) {
    const n = dport - 33435;
    p.expert('udp.possible_traceroute', off + 2, 2, 'chat', 'sequence', `Possible traceroute: hop #${Math.floor(n / 3) + 1}, attempt #${(n % 3) + 1}`);
  }
  if (p.want('udp.payload') && payloadEnd > off + 8) p.add('udp.payload', off + 8, payloadEnd - off - 8, buf.slice(off + 8, payloadEnd));
  p.close();
  if (p.columns && !net.inError) {
    p.setProtocol('UDP');
    p.setInfo(`${sport} → ${dport} Len=${payloadEnd - off - 8}`);
  }
  net.srcPort = sport;
  net.dstPort = dport;
  const start = off + 8;
  if (start >= payloadEnd || p.maxLayer < 4) return;
  const low = sport < dport ? sport : dport;
  const high = sport < dport ? dport : sport;
  let app: DatagramProtocol | undefined = low ? s.udpPort.get(low) : undefined;
  if (!app && high) app = s.udpPort.get(high);
  if (!app) {
    for (const h of s.udpHeuristics) {
      if (h.heuristic && h.heuristic(buf, start, payloadEnd)) {
        app = h;
        break;
      }
    }
  }
  if (app) {
    if (p.needProto(app.name)) s.guard(app.name, p, buf, start, payloadEnd, app.dissect);
  }
  else if (start >= buf.length && !net.inError) throw new CaptureLimited(); // the snaplen left no payload: tshark's "[Packet size limited during capture]"
  else if (buf.length - start < 6 && payloadEnd - start >= 102 && !net.inError) {
    // tshark's Wake-on-LAN heuristic (packet-wol.c, tried before WireGuard's) takes a payload of
    // 102 bytes or more and reads its first 6 unguarded: fewer captured end the frame there.
    p.layers.push('wol');
    throw new CaptureLimited();
  } else if (buf.length - start < 4 && payloadEnd - start >= 4 && !net.inError) {
    // tshark's WireGuard heuristic reads 4 bytes unguarded: 1–3 captured bytes end the frame there.
    p.layers.push('wg');
    throw new CaptureLimited();
  }
  else dissectData(p, buf, start, payloadEnd);
}
