// ICMP (echo, errors with the quoted datagram dissected as Wireshark shows it) and ICMPv6
// (echo, errors, neighbour discovery).
import type { FieldInfo } from '../types';
import type { DissectSession } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { CaptureLimited, need, onesSum, u16, u32 } from '../bytes';
import { etherToString, hex, ipv6ToString } from '../format';
import { dissectData } from './link';
import { CHECKSUM_STATUS, dissectIpv4, dissectIpv6 } from './ip';

const ICMP_TYPES: Record<number, string> = {
  0: 'Echo (ping) reply',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
  17: 'Address mask request',
  18: 'Address mask reply',
};

const ICMP_CODES: Record<number, Record<number, string>> = {
  3: {
    0: 'Network unreachable',
    1: 'Host unreachable',
    2: 'Protocol unreachable',
    3: 'Port unreachable',
    4: 'Fragmentation needed',
    5: 'Source route failed',
    6: 'Destination network unknown',
    7: 'Destination host unknown',
    8: 'Source host isolated',
    9: 'Network administratively prohibited',
    10: 'Host administratively prohibited',
    11: 'Network unreachable for TOS',
    12: 'Host unreachable for TOS',
    13: 'Communication administratively filtered',
    14: 'Host precedence violation',
    15: 'Precedence cutoff in effect',
  },
  5: { 0: 'Redirect for network', 1: 'Redirect for host', 2: 'Redirect for TOS and network', 3: 'Redirect for TOS and host' },
  11: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  12: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
};

const ICMPV6_TYPES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  143: 'Multicast Listener Report Message v2',
};

const ICMPV6_CODES: Record<number, Record<number, string>> = {
  1: {
    0: 'no route to destination',
    1: 'communication with destination administratively prohibited',
    2: 'beyond scope of source address',
    3: 'Address unreachable',
    4: 'Port unreachable',
    5: 'Source address failed ingress/egress policy',
    6: 'Reject route to destination',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: { 0: 'erroneous header field encountered', 1: 'unrecognized Next Header type encountered', 2: 'unrecognized IPv6 option encountered' },
};

const NDP_OPTS: Record<number, string> = {
  1: 'Source link-layer address',
  2: 'Target link-layer address',
  3: 'Prefix information',
  4: 'Redirected header',
  5: 'MTU',
};

export const ICMP_FIELDS: FieldInfo[] = [
  protoField('icmp', 'Internet Control Message Protocol'),
  uintField('icmp.type', 'Type', 8, ICMP_TYPES),
  uintField('icmp.code', 'Code', 8),
  hexField('icmp.checksum', 'Checksum', 16),
  uintField('icmp.checksum.status', 'Checksum Status', 8, CHECKSUM_STATUS),
  uintField('icmp.ident', 'Identifier (BE)', 16),
  uintField('icmp.ident_le', 'Identifier (LE)', 16),
  uintField('icmp.seq', 'Sequence Number (BE)', 16),
  uintField('icmp.seq_le', 'Sequence Number (LE)', 16),
  field('icmp.resp_in', 'Response frame', 'framenum'),
  field('icmp.resp_to', 'Response to', 'framenum'),
  field('icmp.no_resp', 'No response seen', 'none'),
  field('icmp.unused', 'Unused', 'bytes'),
  field('icmp.data_time', 'Timestamp from icmp data', 'time'),
  field('icmp.data_time_relative', 'Timestamp from icmp data (relative)', 'reltime'),
  uintField('icmp.mtu', 'MTU of next hop', 16),
  field('icmp.redir_gw', 'Gateway Address', 'ipv4'),
  field('icmp.checksum_bad', 'Bad checksum', 'none'),
  protoField('icmpv6', 'Internet Control Message Protocol v6'),
  uintField('icmpv6.type', 'Type', 8, ICMPV6_TYPES),
  uintField('icmpv6.code', 'Code', 8),
  hexField('icmpv6.checksum', 'Checksum', 16),
  uintField('icmpv6.checksum.status', 'Checksum Status', 8, CHECKSUM_STATUS),
  hexField('icmpv6.echo.identifier', 'Identifier', 16),
  uintField('icmpv6.echo.sequence_number', 'Sequence', 16),
  uintField('icmpv6.mtu', 'MTU', 32),
  field('icmpv6.nd.ns.target_address', 'Target Address', 'ipv6'),
  field('icmpv6.nd.na.target_address', 'Target Address', 'ipv6'),
  hexField('icmpv6.nd.na.flag', 'Flags', 32),
  field('icmpv6.nd.na.flag.r', 'Router', 'bool'),
  field('icmpv6.nd.na.flag.s', 'Solicited', 'bool'),
  field('icmpv6.nd.na.flag.o', 'Override', 'bool'),
  uintField('icmpv6.nd.ra.cur_hop_limit', 'Cur hop limit', 8),
  uintField('icmpv6.nd.ra.router_lifetime', 'Router lifetime (s)', 16),
  uintField('icmpv6.opt.type', 'Type', 8, NDP_OPTS),
  uintField('icmpv6.opt.length', 'Length', 8),
  field('icmpv6.opt.linkaddr', 'Link-layer address', 'ether'),
  field('icmpv6.opt.src_linkaddr', 'Source Link-layer address', 'ether'),
  field('icmpv6.opt.target_linkaddr', 'Target Link-layer address', 'ether'),
  uintField('icmpv6.opt.prefix.length', 'Prefix Length', 8),
  field('icmpv6.opt.prefix', 'Prefix', 'ipv6'),
  field('icmpv6.resp_in', 'Response In', 'framenum'),
  field('icmpv6.checksum_bad.expert', 'Bad checksum', 'none'),
  field('icmpv6.resp_to', 'Response To', 'framenum'),
];

function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** Echo request/reply matching: key → request frame. */
function echoTable(s: DissectSession, key: string): Map<string, number> {
  return s.get(key, () => new Map<string, number>());
}

/**
 * Dissects the quoted datagram of an ICMP error; columns stay those of the outer packet. Returns
 * what the quoted datagram added to Info (" [Malformed Packet]", "[Packet size limited during
 * capture]"), for the caller to keep after its own Info.
 */
function dissectQuoted(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number, v6: boolean): string {
  if (end <= off) return '';
  const saved = [p.protocol, p.info, p.src, p.dst];
  const net = s.net;
  const wasInError = net.inError;
  net.inError = true;
  s.guard(v6 ? 'ipv6' : 'ip', p, buf, off, end, v6 ? dissectIpv6 : dissectIpv4);
  net.inError = wasInError;
  const tail = p.columns && p.info.startsWith(saved[1]) ? p.info.slice(saved[1].length) : '';
  if (p.columns) [p.protocol, p.info, p.src, p.dst] = saved;
  return tail;
}

export function dissectIcmp(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  if (off + 6 > buf.length && off + 8 <= end) {
    // Barely captured: tshark lists the layer, with no fields yet, then the limit.
    p.proto('icmp', off, Math.max(0, buf.length - off));
    p.close();
    if (p.columns && !s.net.inError) {
      p.setProtocol('ICMP');
      p.setInfo('');
    }
    throw new CaptureLimited();
  }
  need(buf, off, 4, end);
  const type = buf[off];
  const code = buf[off + 1];
  const ck = u16(buf, off + 2);
  const inError = s.net.inError;
  let quotedTail = '';
  p.proto('icmp', off, end - off);
  p.add('icmp.type', off, 1, type);
  p.add('icmp.code', off + 1, 1, code, p.tree ? `Code: ${code}${ICMP_CODES[type]?.[code] ? ` (${ICMP_CODES[type][code]})` : ''}` : undefined);
  p.add('icmp.checksum', off + 2, 2, ck);
  if (p.want('icmp.checksum.status') || p.want('icmp.checksum_bad')) {
    // ICMP checksums are always verified, unless this is a (possibly truncated) quoted datagram.
    if (inError || end > buf.length) p.gen('icmp.checksum.status', 2);
    else {
      const ok = onesSum(buf, off, end) === 0xffff;
      p.gen('icmp.checksum.status', ok ? 1 : 0);
      if (!ok) p.expert('icmp.checksum_bad', off + 2, 2, 'warn', 'checksum', 'Bad checksum');
    }
  }
  const typeName = ICMP_TYPES[type] ?? 'Unknown ICMP (obsolete or malformed?)';
  let info = typeName;
  const codeName = ICMP_CODES[type]?.[code];
  if (codeName) info += ` (${codeName})`;
  if (p.columns && !inError && off + 8 > buf.length) {
    // the snaplen cuts the header: tshark's columns already name the message
    p.setProtocol('ICMP');
    p.setInfo(type === 0 || type === 8 ? typeName.padEnd(20) : info);
  }
  if (type === 0 || type === 8) {
    need(buf, off, 8, end);
    const id = u16(buf, off + 4);
    const seq = u16(buf, off + 6);
    p.add('icmp.ident', off + 4, 2, id, `Identifier (BE): ${id} (0x${hex(id, 4)})`);
    p.add('icmp.ident_le', off + 4, 2, ((id & 255) << 8) | (id >> 8));
    p.add('icmp.seq', off + 6, 2, seq);
    const seqLe = ((seq & 255) << 8) | (seq >> 8);
    p.add('icmp.seq_le', off + 6, 2, seqLe);
    info = `${typeName.padEnd(21)}id=0x${hex(id, 4)}, seq=${seq}/${seqLe}, ttl=${s.net.ipTtl}`;
    if (!inError && s.net.ipVersion === 4) {
      const table = echoTable(s, 'icmp.echo');
      if (type === 8) {
        table.set(`${s.net.src4}>${s.net.dst4}:${id}:${seq}`, p.number);
      } else {
        const key = `${s.net.dst4}>${s.net.src4}:${id}:${seq}`;
        const req = table.get(key);
        // A reply with no request seen (or a second copy of one already answered) says nothing,
        // as in tshark: "(no response found!)" belongs to requests, and only on a second pass.
        if (req !== undefined) {
          p.gen('icmp.resp_to', req);
          info += ` (request in ${req})`;
          table.delete(key);
        }
      }
    }
    // Linux ping starts its payload with a timeval: Wireshark shows it as a timestamp when it
    // lies within a day of the frame's time (big- or little-endian), and the rest as data.
    let dataStart = off + 8;
    if (end - dataStart > 8 && dataStart + 8 <= buf.length) {
      let sec = u32(buf, dataStart);
      let usec = u32(buf, dataStart + 4);
      const near = (sv: number, us: number) => Math.abs(sv - p.absSec) < 86400 && us < 1000000;
      if (!near(sec, usec)) {
        sec = u32le(buf, dataStart);
        usec = u32le(buf, dataStart + 4);
      }
      if (near(sec, usec)) {
        p.add('icmp.data_time', dataStart, 8, sec + usec / 1e6);
        p.gen('icmp.data_time_relative', p.absSec - sec + (p.absNs / 1e9 - usec / 1e6));
        dataStart += 8;
      }
    }
    dissectData(p, buf, dataStart, end);
  } else if (type === 3 || type === 11 || type === 12 || type === 4 || type === 5) {
    need(buf, off, 8, end);
    if (type === 3 && code === 4) p.add('icmp.mtu', off + 6, 2, u16(buf, off + 6));
    else if (type === 5) p.add('icmp.redir_gw', off + 4, 4, u32(buf, off + 4));
    else if (p.want('icmp.unused')) p.add('icmp.unused', off + 4, 4, buf.slice(off + 4, off + 8));
    if (!inError) quotedTail = dissectQuoted(p, s, buf, off + 8, end, false);
    else dissectData(p, buf, off + 8, end);
  } else {
    dissectData(p, buf, off + 4, end);
  }
  p.close();
  if (p.columns && !inError) {
    p.setProtocol('ICMP');
    p.setInfo(info + quotedTail);
  }
}

export function dissectIcmpv6(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  need(buf, off, 4, end);
  const type = buf[off];
  const code = buf[off + 1];
  const ck = u16(buf, off + 2);
  const net = s.net;
  const inError = net.inError;
  let quotedTail = '';
  p.proto('icmpv6', off, end - off);
  p.add('icmpv6.type', off, 1, type);
  p.add('icmpv6.code', off + 1, 1, code);
  p.add('icmpv6.checksum', off + 2, 2, ck);
  if (p.want('icmpv6.checksum.status')) {
    if (inError || net.ipVersion !== 6) p.gen('icmpv6.checksum.status', 2);
    else {
      const len = end - off;
      let sum = onesSum(net.addrBuf, net.src6Off, net.src6Off + 16);
      sum = onesSum(net.addrBuf, net.dst6Off, net.dst6Off + 16, sum);
      sum += (len >>> 16) + (len & 0xffff) + 58;
      const ok = onesSum(buf, off, end, sum) === 0xffff;
      p.gen('icmpv6.checksum.status', ok ? 1 : 0);
      if (!ok) p.expert('icmpv6.checksum_bad.expert', off + 2, 2, 'error', 'checksum', 'Bad checksum');
    }
  }
  const typeName = ICMPV6_TYPES[type] ?? 'Unknown type';
  let info = typeName;
  const codeName = ICMPV6_CODES[type]?.[code];
  if (codeName) info += ` (${codeName})`;
  if (type === 128 || type === 129) {
    need(buf, off, 8, end);
    const id = u16(buf, off + 4);
    const seq = u16(buf, off + 6);
    p.add('icmpv6.echo.identifier', off + 4, 2, id);
    p.add('icmpv6.echo.sequence_number', off + 6, 2, seq);
    info = `${typeName} id=0x${hex(id, 4)}, seq=${seq}, hop limit=${net.ipTtl}`;
    if (!inError && net.ipVersion === 6) {
      const table = echoTable(s, 'icmpv6.echo');
      const fwd = net.addrKey();
      if (type === 128) table.set(`${fwd}:${id}:${seq}`, p.number);
      else {
        const rev = fwd.split('>').reverse().join('>');
        const req = table.get(`${rev}:${id}:${seq}`);
        if (req !== undefined) {
          p.gen('icmpv6.resp_to', req);
          info += ` (request in ${req})`;
          table.delete(`${rev}:${id}:${seq}`);
        }
      }
    }
    dissectData(p, buf, off + 8, end);
  } else if (type >= 1 && type <= 4) {
    need(buf, off, 8, end);
    if (type === 2) p.add('icmpv6.mtu', off + 4, 4, u32(buf, off + 4));
    if (!inError) quotedTail = dissectQuoted(p, s, buf, off + 8, end, true);
  } else if (type === 133 || type === 134 || type === 135 || type === 136 || type === 137) {
    let o = off + 8;
    if (type === 134) {
      need(buf, off, 16, end);
      p.add('icmpv6.nd.ra.cur_hop_limit', off + 4, 1, buf[off + 4]);
      p.add('icmpv6.nd.ra.router_lifetime', off + 6, 2, u16(buf, off + 6));
      o = off + 16;
    }
    let target = '';
    if (type === 135 || type === 136 || type === 137) {
      need(buf, off, 24, end);
      target = ipv6ToString(buf, off + 8);
      const f = type === 135 ? 'icmpv6.nd.ns.target_address' : 'icmpv6.nd.na.target_address';
      if (p.want(f)) p.add(f, off + 8, 16, buf.slice(off + 8, off + 24));
      o = off + 24;
      if (type === 137) o = off + 40;
    }
    let flagsText = '';
    if (type === 136) {
      const flags = u32(buf, off + 4);
      p.add('icmpv6.nd.na.flag', off + 4, 4, flags);
      p.add('icmpv6.nd.na.flag.r', off + 4, 1, (flags & 0x80000000) !== 0);
      p.add('icmpv6.nd.na.flag.s', off + 4, 1, (flags & 0x40000000) !== 0);
      p.add('icmpv6.nd.na.flag.o', off + 4, 1, (flags & 0x20000000) !== 0);
      const names = [];
      if (flags & 0x80000000) names.push('rtr');
      if (flags & 0x40000000) names.push('sol');
      if (flags & 0x20000000) names.push('ovr');
      flagsText = ` (${names.join(', ')})`;
    }
    let lladdr = '';
    let guard = 0;
    while (o + 2 <= end && guard++ < 64) {
      const ot = buf[o];
      const olen = buf[o + 1] * 8;
      if (olen === 0) {
        p.malformedAt('icmpv6', o);
        break;
      }
      need(buf, o, olen, end);
      p.open('icmpv6.opt', o, olen, `ICMPv6 Option (${NDP_OPTS[ot] ?? 'Unknown'})`);
      p.add('icmpv6.opt.type', o, 1, ot);
      p.add('icmpv6.opt.length', o + 1, 1, buf[o + 1]);
      if ((ot === 1 || ot === 2) && olen >= 8) {
        const mac = buf.slice(o + 2, o + 8);
        p.add('icmpv6.opt.linkaddr', o + 2, 6, mac);
        p.add(ot === 1 ? 'icmpv6.opt.src_linkaddr' : 'icmpv6.opt.target_linkaddr', o + 2, 6, mac);
        lladdr = etherToString(mac);
      } else if (ot === 3 && olen >= 32) {
        p.add('icmpv6.opt.prefix.length', o + 2, 1, buf[o + 2]);
        if (p.want('icmpv6.opt.prefix')) p.add('icmpv6.opt.prefix', o + 16, 16, buf.slice(o + 16, o + 32));
      }
      p.close();
      o += olen;
    }
    if (type === 133) info = `Router Solicitation${lladdr ? ` from ${lladdr}` : ''}`;
    else if (type === 134) info = `Router Advertisement${lladdr ? ` from ${lladdr}` : ''}`;
    else if (type === 135) info = `Neighbor Solicitation for ${target}${lladdr ? ` from ${lladdr}` : ''}`;
    else if (type === 136) info = `Neighbor Advertisement ${target}${flagsText}${lladdr ? ` is at ${lladdr}` : ''}`;
  }
  p.close();
  if (p.columns && !inError) {
    p.setProtocol('ICMPv6');
    p.setInfo(info + quotedTail);
  }
}
