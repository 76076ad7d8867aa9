// frame, Ethernet II (+802.1Q VLAN), ARP.
import type { FieldInfo } from '../types';
import type { DissectSession } from '../session';
import { macColumn, type Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { CaptureLimited, need, u16, u32 } from '../bytes';
import { etherToString, hex, ipv4ToString } from '../format';

export const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x86dd: 'IPv6',
  0x8100: '802.1Q Virtual LAN',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
};

export const LINK_FIELDS: FieldInfo[] = [
  protoField('frame', 'Frame'),
  field('frame.number', 'Frame Number', 'framenum'),
  uintField('frame.len', 'Frame Length', 32),
  uintField('frame.cap_len', 'Capture Length', 32),
  field('frame.time_relative', 'Time since reference or first frame', 'reltime'),
  field('frame.time_epoch', 'Epoch Time', 'time'),
  field('frame.protocols', 'Protocols in frame', 'string'),
  protoField('_ws.expert', 'Expert Info'),
  field('_ws.expert.message', 'Message', 'string'),
  field('_ws.expert.severity', 'Severity level', 'uint', { base: 'dec', bits: 32 }),
  field('_ws.expert.group', 'Group', 'uint', { base: 'dec', bits: 32 }),
  protoField('_ws.malformed', 'Malformed Packet'),
  protoField('eth', 'Ethernet II'),
  field('eth.dst', 'Destination', 'ether'),
  field('eth.src', 'Source', 'ether'),
  field('eth.addr', 'Address', 'ether'),
  field('eth.dst.lg', 'LG bit', 'bool'),
  field('eth.dst.ig', 'IG bit', 'bool'),
  field('eth.src.lg', 'LG bit', 'bool'),
  field('eth.src.ig', 'IG bit', 'bool'),
  hexField('eth.type', 'Type', 16, ETHERTYPE_NAMES),
  field('eth.padding', 'Padding', 'bytes'),
  field('eth.trailer', 'Trailer', 'bytes'),
  protoField('vlan', '802.1Q Virtual LAN'),
  field('vlan.priority', 'Priority', 'uint', { bits: 16, bitmask: 0xe000 }),
  field('vlan.dei', 'DEI', 'uint', { bits: 16, bitmask: 0x1000 }),
  field('vlan.id', 'ID', 'uint', { bits: 16, bitmask: 0x0fff }),
  hexField('vlan.etype', 'Type', 16, ETHERTYPE_NAMES),
  protoField('arp', 'Address Resolution Protocol'),
  uintField('arp.hw.type', 'Hardware type', 16, { 1: 'Ethernet' }),
  hexField('arp.proto.type', 'Protocol type', 16, ETHERTYPE_NAMES),
  uintField('arp.hw.size', 'Hardware size', 8),
  uintField('arp.proto.size', 'Protocol size', 8),
  uintField('arp.opcode', 'Opcode', 16, { 1: 'request', 2: 'reply', 3: 'reverse request', 4: 'reverse reply' }),
  field('arp.isgratuitous', 'Is gratuitous', 'bool'),
  field('arp.src.hw_mac', 'Sender MAC address', 'ether'),
  field('arp.src.proto_ipv4', 'Sender IP address', 'ipv4'),
  field('arp.dst.hw_mac', 'Target MAC address', 'ether'),
  field('arp.dst.proto_ipv4', 'Target IP address', 'ipv4'),
  field('arp.duplicate-address-detected', 'Duplicate IP address configured', 'none'),
  field('arp.duplicate-address-frame', 'Frame showing earlier use of IP address', 'framenum'),
];

function pad9(n: number): string {
  let s = String(n);
  while (s.length < 9) s = '0' + s;
  return s;
}

export function dissectFrame(p: Packet, _s: DissectSession, buf: Uint8Array): void {
  p.open('frame', 0, buf.length, p.tree || p.want('frame') ? `Frame ${p.number}: ${p.length} bytes on wire (${p.length * 8} bits), ${buf.length} bytes captured (${buf.length * 8} bits)` : undefined, p.want('frame') ? buf : undefined);
  if (p.want('frame.time_epoch')) p.gen('frame.time_epoch', p.absSec + p.absNs / 1e9, `Epoch Time: ${p.absSec}.${pad9(p.absNs)} seconds`);
  if (p.want('frame.time_relative')) p.gen('frame.time_relative', p.relSec + p.relNs / 1e9, `Time since reference or first frame: ${p.relSec}.${pad9(p.relNs)} seconds`);
  p.gen('frame.number', p.number);
  p.gen('frame.len', p.length);
  p.gen('frame.cap_len', buf.length);
  p.close();
}


const MAC_FIELDS = {
  dst: ['eth.dst', 'eth.dst.lg', 'eth.dst.ig', 'Destination'],
  src: ['eth.src', 'eth.src.lg', 'eth.src.ig', 'Source'],
} as const;

function macFields(p: Packet, buf: Uint8Array, o: number, which: 'dst' | 'src'): void {
  const [f, lg, ig, title] = MAC_FIELDS[which];
  const mac = p.want(f) || p.want('eth.addr') ? buf.slice(o, o + 6) : undefined;
  p.open(f, o, 6, p.tree ? `${title}: ${etherToString(buf, o)}` : undefined, mac);
  if (mac) p.add('eth.addr', o, 6, mac);
  p.add(lg, o, 3, (buf[o] & 2) !== 0);
  p.add(ig, o, 3, (buf[o] & 1) !== 0);
  p.close();
}

export function dissectEthernet(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  if (off + 14 > buf.length && off + 14 <= end) {
    // The snaplen cut the header: the layer, the addresses that were captured (columns only), the limit.
    const have = buf.length - off;
    p.proto('eth', off, Math.max(0, have));
    p.close();
    if (p.columns) {
      p.setProtocol('Ethernet');
      if (have >= 6) p.dst = macColumn(buf, off);
      if (have >= 12) p.src = macColumn(buf, off + 6);
    }
    throw new CaptureLimited();
  }
  need(buf, off, 14, end);
  p.proto('eth', off, 14, p.tree ? `Ethernet II, Src: ${etherToString(buf, off + 6)}, Dst: ${etherToString(buf, off)}` : undefined);
  let type = u16(buf, off + 12);
  if (p.wantAny('eth')) {
    // (one cached check skips the field work when no eth.* field is wanted: the fast path)
    macFields(p, buf, off, 'dst');
    macFields(p, buf, off + 6, 'src');
    p.add('eth.type', off + 12, 2, type);
  }
  p.close();
  if (p.columns) {
    // MAC columns are formatted only if no network layer replaces them (see Packet.source()).
    p.macOff = off;
    p.setProtocol('Ethernet');
  }
  let o = off + 14;
  while (type === 0x8100 || type === 0x88a8) {
    need(buf, o, 4, end);
    const tci = u16(buf, o);
    p.layers.push('ethertype');
    p.proto('vlan', o, 4, p.tree ? `802.1Q Virtual LAN, PRI: ${tci >> 13}, DEI: ${(tci >> 12) & 1}, ID: ${tci & 0xfff}` : undefined);
    p.add('vlan.priority', o, 2, tci >> 13);
    p.add('vlan.dei', o, 2, (tci >> 12) & 1);
    p.add('vlan.id', o, 2, tci & 0xfff);
    type = u16(buf, o + 2);
    p.add('vlan.etype', o + 2, 2, type);
    p.close();
    if (p.columns) p.setProtocol('802.1Q');
    o += 4;
  }
  dispatchEthertype(p, s, buf, o, end, type);
}

export function dispatchEthertype(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number, type: number): void {
  p.layers.push('ethertype');
  if (p.maxLayer < 2) return;
  const next = s.ethertype.get(type);
  if (!next) {
    dissectData(p, buf, off, end);
    return;
  }
  s.net.l3End = 0;
  s.guard(ETHERTYPE_NAMES[type] ?? 'eth', p, buf, off, end, next);
  // Bytes after the network layer's end: Ethernet padding (short frames) or a trailer.
  const used = s.net.l3End;
  if (used > 0 && used < end && end <= buf.length && !p.malformed && buf === p.data) {
    const f = end <= 60 ? 'eth.padding' : 'eth.trailer';
    if (p.want(f)) p.add(f, used, end - used, buf.slice(used, end));
  }
}

export const SLL_FIELDS: FieldInfo[] = [
  protoField('sll', 'Linux cooked capture'),
  uintField('sll.pkttype', 'Packet type', 16, { 0: 'Unicast to us', 1: 'Broadcast', 2: 'Multicast', 3: 'Unicast to another host', 4: 'Sent by us' }),
  uintField('sll.hatype', 'Link-layer address type', 16),
  uintField('sll.halen', 'Link-layer address length', 16),
  field('sll.src.eth', 'Source', 'ether'),
  hexField('sll.etype', 'Protocol', 16, ETHERTYPE_NAMES),
  uintField('sll.ifindex', 'Interface index', 32),
];

/** Linux cooked capture v1 (link type 113) and v2 (276): a pseudo-header, then an ethertype. */
export function dissectSll(p: Packet, s: DissectSession, buf: Uint8Array, off: number, end: number, v2 = false): void {
  const len = v2 ? 20 : 16;
  need(buf, off, len, end);
  const pkttype = v2 ? buf[off + 10] : u16(buf, off);
  const hatype = v2 ? u16(buf, off + 8) : u16(buf, off + 2);
  const halen = v2 ? buf[off + 11] : u16(buf, off + 4);
  const addr = off + (v2 ? 12 : 6);
  const etype = v2 ? u16(buf, off) : u16(buf, off + 14);
  p.proto('sll', off, len, v2 ? 'Linux cooked capture v2' : 'Linux cooked capture v1');
  if (v2) {
    p.add('sll.etype', off, 2, etype);
    p.add('sll.ifindex', off + 4, 4, u32(buf, off + 4));
  }
  p.add('sll.pkttype', v2 ? off + 10 : off, v2 ? 1 : 2, pkttype);
  p.add('sll.hatype', v2 ? off + 8 : off + 2, 2, hatype);
  p.add('sll.halen', v2 ? off + 11 : off + 4, v2 ? 1 : 2, halen);
  if (halen === 6 && (hatype === 1 || hatype === 772) && p.want('sll.src.eth')) p.add('sll.src.eth', addr, 6, buf.slice(addr, addr + 6));
  if (!v2) p.add('sll.etype', off + 14, 2, etype);
  p.close();
  if (p.columns) {
    p.setProtocol('SLL');
    if (halen === 6) p.src = etherToString(buf, addr);
  }
  dispatchEthertype(p, s, buf, off + len, end, etype);
}

export const DATA_FIELDS: FieldInfo[] = [
  protoField('data', 'Data'),
  field('data.data', 'Data', 'bytes'),
  uintField('data.len', 'Length', 32),
];

export function dissectData(p: Packet, buf: Uint8Array, off: number, end: number): void {
  end = Math.min(end, buf.length); // what the snaplen kept (tshark's data.len counts captured bytes)
  if (end <= off) return;
  p.proto('data', off, end - off, `Data (${end - off} bytes)`);
  if (p.want('data.data')) p.add('data.data', off, end - off, buf.slice(off, end));
  p.gen('data.len', end - off);
  p.close();
}

export function dissectArp(p: Packet, _s: DissectSession, buf: Uint8Array, off: number, end: number): void {
  if (off + 8 > buf.length && off + 8 <= end) {
    // The snaplen cut the fixed part: tshark shows the layer and the limit.
    p.proto('arp', off, Math.max(0, buf.length - off));
    p.close();
    if (p.columns) {
      p.setProtocol('ARP');
      p.setInfo('');
    }
    throw new CaptureLimited();
  }
  need(buf, off, 8, end);
  const hwType = u16(buf, off);
  const protoType = u16(buf, off + 2);
  const hs = buf[off + 4];
  const ps = buf[off + 5];
  const op = u16(buf, off + 6);
  const total = 8 + 2 * hs + 2 * ps;
  p.proto('arp', off, total, p.tree ? `Address Resolution Protocol (${op === 1 ? 'request' : op === 2 ? 'reply' : 'opcode ' + op})` : undefined);
  p.add('arp.hw.type', off, 2, hwType);
  p.add('arp.proto.type', off + 2, 2, protoType);
  p.add('arp.hw.size', off + 4, 1, hs);
  p.add('arp.proto.size', off + 5, 1, ps);
  p.add('arp.opcode', off + 6, 2, op);
  if (p.columns && off + total > buf.length) {
    p.setProtocol('ARP'); // tshark names the layer before the snaplen cuts it short
    p.setInfo('');
  }
  need(buf, off, total, end);
  const isEthIp = hwType === 1 && protoType === 0x0800 && hs === 6 && ps === 4;
  if (!isEthIp) {
    p.close();
    if (p.columns) {
      p.setProtocol('ARP');
      p.setInfo(`${op === 1 ? 'request' : op === 2 ? 'reply' : 'opcode ' + op}`);
    }
    return;
  }
  const sha = off + 8;
  const spa = sha + 6;
  const tha = spa + 4;
  const tpa = tha + 6;
  const sip = u32(buf, spa);
  const tip = u32(buf, tpa);
  const gratuitous = sip === tip && sip !== 0;
  if (p.tree && gratuitous) p.gen('arp.isgratuitous', true);
  if (p.want('arp.src.hw_mac')) p.add('arp.src.hw_mac', sha, 6, buf.slice(sha, sha + 6));
  p.add('arp.src.proto_ipv4', spa, 4, sip);
  if (p.want('arp.dst.hw_mac')) p.add('arp.dst.hw_mac', tha, 6, buf.slice(tha, tha + 6));
  p.add('arp.dst.proto_ipv4', tpa, 4, tip);
  // Duplicate address detection, as Wireshark does it: replies teach IP→MAC; a later packet
  // claiming a learnt IP with another MAC is flagged (the sender first, then a reply's target).
  const table = _s.get('arp.addresses', () => new Map<number, { mac: string; frame: number }>());
  let dup = checkDuplicate(p, table, sip, etherToString(buf, sha), tpa);
  if (dup < 0 && op === 2) dup = checkDuplicate(p, table, tip, etherToString(buf, tha), tpa);
  if (op === 2 && sip !== 0 && !table.has(sip) && !_s.net.inError) table.set(sip, { mac: etherToString(buf, sha), frame: p.number });
  p.close();
  if (!p.columns) return;
  p.setProtocol('ARP');
  const t = ipv4ToString(tip);
  const sIp = ipv4ToString(sip);
  const dupText = dup >= 0 ? ` (duplicate use of ${ipv4ToString(dup)} detected!)` : '';
  if (op === 1) {
    if (gratuitous) p.setInfo(`Gratuitous ARP for ${sIp} (Request)`);
    else if (sip === 0) p.setInfo(`Who has ${t}? (ARP Probe)`);
    else p.setInfo(`Who has ${t}? Tell ${sIp}`);
  } else if (op === 2) {
    if (gratuitous) p.setInfo(`Gratuitous ARP for ${sIp} (Reply)`);
    else p.setInfo(`${sIp} is at ${etherToString(buf, sha)}`);
  } else {
    p.setInfo(`Unknown ARP opcode 0x${hex(op, 4)}`);
  }
  if (dupText) p.appendInfo(dupText);
}

/** Flags `ip` claimed by `mac` when another MAC was learnt for it; returns the IP or -1. */
function checkDuplicate(p: Packet, table: Map<number, { mac: string; frame: number }>, ip: number, mac: string, at: number): number {
  if (ip === 0) return -1;
  const known = table.get(ip);
  if (!known || known.mac === mac || known.frame >= p.number) return -1;
  p.open('arp.duplicate-address-detected', at, 4, `Duplicate IP address detected for ${ipv4ToString(ip)} (${mac}) - also in use by ${known.mac} (frame ${known.frame})`);
  p.gen('arp.duplicate-address-frame', known.frame);
  p.close();
  p.expert('arp.duplicate-address-detected', at, 4, 'warn', 'sequence', `Duplicate IP address configured (${ipv4ToString(ip)})`);
  return ip;
}
