// Masquerading NAT (Linux `iptables -t nat -A POSTROUTING -o OUT -j MASQUERADE`): packets leaving
// the outside interface get its address as source, with the source port (or ICMP echo identifier)
// changed only when another mapping already uses it. Replies and ICMP errors about translated
// packets are mapped back. The connection table is inspectable and logged for state-at-frame.
import { formatIpv4 } from '../../../src-shared/net/addr';
import { readU16, updateChecksum, writeU16 } from '../../../src-shared/net/wire/checksum';
import { emitIcmp, parseIcmp, type IcmpRepr } from '../../../src-shared/net/wire/icmp';
import { emitIpv4, IpProtocol, parseIpv4, writeIpv4Header, type Ipv4Parsed } from '../../../src-shared/net/wire/ipv4';
import { emitTcp, parseTcp } from '../../../src-shared/net/wire/tcp';
import { emitUdp, parseUdp } from '../../../src-shared/net/wire/udp';
import type { NetInterface } from '../model/node';
import type { Network } from '../model/network';
import type { NatRow } from '../state/state-log';

const TIMEOUT: Record<NatRow['protocol'], number> = { icmp: 30_000_000, udp: 30_000_000, tcp: 300_000_000 };
const PORT_MIN = 1024;
const PORT_MAX = 65535;

type Proto = NatRow['protocol'];

function protoName(n: number): Proto | null {
  return n === IpProtocol.UDP ? 'udp' : n === IpProtocol.TCP ? 'tcp' : n === IpProtocol.ICMP ? 'icmp' : null;
}

export class Nat {
  private readonly byInside = new Map<string, NatRow>();
  private readonly byOutside = new Map<string, NatRow>();

  constructor(
    private readonly net: Network,
    private readonly device: string,
    readonly outside: NetInterface,
  ) {}

  /** Live mappings (the connection table). */
  table(): NatRow[] {
    const now = this.net.now;
    return [...this.byInside.values()].filter((r) => r.expires > now);
  }

  /** Source-translates a packet leaving the outside interface. Returns the new packet, or null to drop. */
  outbound(packet: Uint8Array, out: NetInterface): Uint8Array | null {
    const p = parseIpv4(packet);
    if (!p.ok || !out.ipv4) return null;
    const ip = p.repr;
    const proto = protoName(ip.protocol);
    const off = ip.headerLength;
    const len = ip.totalLength - off;
    const publicAddress = out.ipv4.address;
    if (ip.src === publicAddress) return packet;
    let sport: number;
    let dport: number;
    if (proto === 'udp' || proto === 'tcp') {
      sport = readU16(packet, off);
      dport = readU16(packet, off + 2);
    } else if (proto === 'icmp') {
      const m = parseIcmp(packet, off, len);
      if (!m.ok || m.repr.kind !== 'echoRequest') return null; // only queries start a mapping
      sport = m.repr.identifier;
      dport = 0;
    } else {
      return null;
    }
    const row = this.mappingFor(proto, ip.src, sport, ip.dst, dport, publicAddress);
    const payload = packet.subarray(off, off + len);
    const pair = { src: publicAddress, dst: ip.dst };
    let l4: Uint8Array;
    if (proto === 'udp') {
      const u = parseUdp(payload);
      if (!u.ok) return null;
      l4 = emitUdp({ srcPort: row.outsidePort, dstPort: dport }, payload.subarray(8, u.repr.length), pair);
    } else if (proto === 'tcp') {
      const t = parseTcp(payload);
      if (!t.ok) return null;
      l4 = emitTcp({ ...t.repr, srcPort: row.outsidePort, rawOptions: t.repr.optionBytes }, payload.subarray(t.headerLength), pair);
    } else {
      const m = parseIcmp(payload);
      if (!m.ok || m.repr.kind !== 'echoRequest') return null;
      l4 = emitIcmp({ kind: 'echoRequest', identifier: row.outsidePort, sequence: m.repr.sequence, data: m.repr.data });
    }
    return emitIpv4({ ...ip, src: publicAddress }, l4);
  }

  /** Maps a packet arriving on the outside interface back to the inside host, or null if it is not ours. */
  inbound(packet: Uint8Array, ip: Ipv4Parsed): Uint8Array | null {
    const proto = protoName(ip.protocol);
    const off = ip.headerLength;
    const len = ip.totalLength - off;
    const payload = packet.subarray(off, off + len);
    if (proto === 'udp' || proto === 'tcp') {
      const row = this.lookupOutside(proto, readU16(payload, 2), ip.src, readU16(payload, 0));
      if (!row) return null;
      const pair = { src: ip.src, dst: row.insideAddress };
      if (proto === 'udp') {
        const u = parseUdp(payload);
        if (!u.ok) return null;
        return emitIpv4({ ...ip, dst: row.insideAddress }, emitUdp({ srcPort: u.repr.srcPort, dstPort: row.insidePort }, payload.subarray(8, u.repr.length), pair));
      }
      const t = parseTcp(payload);
      if (!t.ok) return null;
      return emitIpv4({ ...ip, dst: row.insideAddress }, emitTcp({ ...t.repr, dstPort: row.insidePort, rawOptions: t.repr.optionBytes }, payload.subarray(t.headerLength), pair));
    }
    if (proto !== 'icmp') return null;
    const m = parseIcmp(payload);
    if (!m.ok) return null;
    const icmp = m.repr;
    if (icmp.kind === 'echoReply') {
      const row = this.lookupOutside('icmp', icmp.identifier, ip.src, 0);
      if (!row) return null;
      return emitIpv4({ ...ip, dst: row.insideAddress }, emitIcmp({ kind: 'echoReply', identifier: row.insidePort, sequence: icmp.sequence, data: icmp.data }));
    }
    if (icmp.kind === 'destUnreachable' || icmp.kind === 'timeExceeded') {
      const quote = this.translateQuote(icmp.quote);
      if (!quote) return null;
      const repr: IcmpRepr = icmp.kind === 'timeExceeded' ? { kind: 'timeExceeded', code: icmp.code, quote: quote.bytes } : { kind: 'destUnreachable', code: icmp.code, nextHopMtu: icmp.nextHopMtu, quote: quote.bytes };
      return emitIpv4({ ...ip, dst: quote.row.insideAddress }, emitIcmp(repr));
    }
    return null;
  }

  /** Rewrites the packet quoted in an ICMP error (our translated packet) back to its inside form. */
  private translateQuote(quoted: Uint8Array): { bytes: Uint8Array; row: NatRow } | null {
    const q = parseIpv4(quoted, 0, quoted.length, { allowTruncated: true });
    if (!q.ok) return null;
    const inner = q.repr;
    const proto = protoName(inner.protocol);
    const off = inner.headerLength;
    if (!proto || quoted.length < off + 8) return null;
    const sport = proto === 'icmp' ? readU16(quoted, off + 4) : readU16(quoted, off);
    const dport = proto === 'icmp' ? 0 : readU16(quoted, off + 2);
    const row = this.lookupOutside(proto, sport, inner.dst, dport);
    if (!row || inner.src !== row.outsideAddress) return null;
    const bytes = quoted.slice();
    writeIpv4Header({ ...inner, src: row.insideAddress }, bytes, 0, inner.totalLength - off);
    // The quote may be cut short, so the inner transport checksum is updated incrementally (RFC 1624)
    // for each 16-bit word that changed: both halves of the source address and the port or identifier.
    const sumAt = proto === 'udp' ? off + 6 : proto === 'tcp' ? off + 16 : off + 2;
    const portAt = proto === 'icmp' ? off + 4 : off;
    if (sumAt + 2 <= bytes.length && !(proto === 'udp' && readU16(bytes, sumAt) === 0)) {
      let sum = readU16(bytes, sumAt);
      if (proto !== 'icmp') {
        sum = updateChecksum(sum, row.outsideAddress >>> 16, row.insideAddress >>> 16);
        sum = updateChecksum(sum, row.outsideAddress & 0xffff, row.insideAddress & 0xffff);
      }
      sum = updateChecksum(sum, row.outsidePort, row.insidePort);
      writeU16(bytes, sumAt, sum);
    }
    writeU16(bytes, portAt, row.insidePort);
    return { bytes, row };
  }

  private mappingFor(proto: Proto, src: number, sport: number, dst: number, dport: number, publicAddress: number): NatRow {
    const now = this.net.now;
    const insideKey = `${proto}|${src}|${sport}|${dst}|${dport}`;
    let row = this.byInside.get(insideKey);
    if (row && row.expires > now) {
      if (row.expires - now < TIMEOUT[proto] / 2) {
        row = { ...row, expires: now + TIMEOUT[proto] };
        this.store(insideKey, row);
      }
      return row;
    }
    let port = sport;
    while (this.isTaken(proto, port, dst, dport)) port = port >= PORT_MAX ? PORT_MIN : port + 1;
    row = { protocol: proto, insideAddress: src, insidePort: sport, outsideAddress: publicAddress, outsidePort: port, remoteAddress: dst, remotePort: dport, created: now, expires: now + TIMEOUT[proto] };
    this.store(insideKey, row);
    this.net.log.add(now, 'info', this.device, `NAT: ${proto} ${formatIpv4(src)}:${sport} → ${formatIpv4(dst)}:${dport} masqueraded as ${formatIpv4(publicAddress)}:${port}`);
    return row;
  }

  private store(insideKey: string, row: NatRow): void {
    this.byInside.set(insideKey, row);
    this.byOutside.set(`${row.protocol}|${row.outsidePort}|${row.remoteAddress}|${row.remotePort}`, row);
    this.net.state.set(this.device, 'nat', insideKey, row);
  }

  private isTaken(proto: Proto, port: number, dst: number, dport: number): boolean {
    const r = this.byOutside.get(`${proto}|${port}|${dst}|${dport}`);
    return r !== undefined && r.expires > this.net.now;
  }

  private lookupOutside(proto: Proto, outsidePort: number, remote: number, remotePort: number): NatRow | undefined {
    const r = this.byOutside.get(`${proto}|${outsidePort}|${remote}|${remotePort}`);
    return r && r.expires > this.net.now ? r : undefined;
  }
}
