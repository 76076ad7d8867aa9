// DNS over UDP and over TCP (2-byte length prefix). Names are decoded with guards against pointer
// loops, over-long names and records running past the message.
import type { FieldInfo } from '../types';
import type { DatagramProtocol, DissectSession, StreamProtocol } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { ascii, need, u16, u32 } from '../bytes';
import { hex, ipv4ToString, ipv6ToString } from '../format';
import { encodeAscii, putAscii, putHex16, putIpv4Bytes, putIpv6, putUint, type TextWriter } from '../text-writer';

export const DNS_TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV',
  35: 'NAPTR', 39: 'DNAME', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3', 51: 'NSEC3PARAM',
  52: 'TLSA', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 249: 'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 255: 'ANY', 257: 'CAA',
};
const RCODES: Record<number, string> = {
  0: 'No error', 1: 'Format error', 2: 'Server failure', 3: 'No such name', 4: 'Not implemented', 5: 'Refused',
  6: 'Name exists', 7: 'RRset exists', 8: 'RRset does not exist', 9: 'Not authoritative', 10: 'Name out of zone',
};
const OPCODES: Record<number, string> = { 0: 'Standard query', 1: 'Inverse query', 2: 'Server status request', 4: 'Zone change notification', 5: 'Dynamic update' };
const CLASSES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export const DNS_FIELDS: FieldInfo[] = [
  protoField('dns', 'Domain Name System'),
  uintField('dns.length', 'Length', 16),
  hexField('dns.id', 'Transaction ID', 16),
  hexField('dns.flags', 'Flags', 16),
  field('dns.flags.response', 'Response', 'bool'),
  uintField('dns.flags.opcode', 'Opcode', 16, OPCODES),
  field('dns.flags.authoritative', 'Authoritative', 'bool'),
  field('dns.flags.truncated', 'Truncated', 'bool'),
  field('dns.flags.recdesired', 'Recursion desired', 'bool'),
  field('dns.flags.recavail', 'Recursion available', 'bool'),
  field('dns.flags.z', 'Z', 'bool'),
  field('dns.flags.authenticated', 'Answer authenticated', 'bool'),
  field('dns.flags.checkdisable', 'Non-authenticated data', 'bool'),
  uintField('dns.flags.rcode', 'Reply code', 16, RCODES),
  uintField('dns.count.queries', 'Questions', 16),
  uintField('dns.count.answers', 'Answer RRs', 16),
  uintField('dns.count.auth_rr', 'Authority RRs', 16),
  uintField('dns.count.add_rr', 'Additional RRs', 16),
  field('dns.qry.name', 'Name', 'string'),
  uintField('dns.qry.name.len', 'Name Length', 16),
  uintField('dns.count.labels', 'Label Count', 16),
  uintField('dns.qry.type', 'Type', 16, DNS_TYPES),
  hexField('dns.qry.class', 'Class', 16, CLASSES),
  field('dns.resp.name', 'Name', 'string'),
  uintField('dns.resp.type', 'Type', 16, DNS_TYPES),
  hexField('dns.resp.class', 'Class', 16, CLASSES),
  uintField('dns.resp.ttl', 'Time to live', 32),
  uintField('dns.resp.len', 'Data length', 16),
  field('dns.a', 'Address', 'ipv4'),
  field('dns.aaaa', 'AAAA Address', 'ipv6'),
  field('dns.cname', 'CNAME', 'string'),
  field('dns.ns', 'Name Server', 'string'),
  field('dns.ptr.domain_name', 'Domain Name', 'string'),
  uintField('dns.mx.preference', 'Preference', 16),
  field('dns.mx.mail_exchange', 'Mail Exchange', 'string'),
  field('dns.txt', 'TXT', 'string'),
  uintField('dns.txt.length', 'TXT Length', 8),
  field('dns.soa.mname', 'Primary name server', 'string'),
  field('dns.soa.rname', 'Responsible authority\'s mailbox', 'string'),
  uintField('dns.soa.serial_number', 'Serial Number', 32),
  uintField('dns.soa.refresh_interval', 'Refresh Interval', 32),
  uintField('dns.soa.retry_interval', 'Retry Interval', 32),
  uintField('dns.soa.expire_limit', 'Expire limit', 32),
  uintField('dns.soa.minimum_ttl', 'Minimum TTL', 32),
  uintField('dns.srv.priority', 'Priority', 16),
  uintField('dns.srv.weight', 'Weight', 16),
  uintField('dns.srv.port', 'Port', 16),
  field('dns.srv.target', 'Target', 'string'),
  uintField('dns.rr.udp_payload_size', 'UDP payload size', 16),
  hexField('dns.resp.ext_rcode', 'Higher bits in extended RCODE', 8),
  uintField('dns.resp.edns0_version', 'EDNS0 version', 8),
  field('dns.resp.z.do', 'DO bit', 'bool'),
  field('dns.response_in', 'Response In', 'framenum'),
  field('dns.response_to', 'Request In', 'framenum'),
  field('dns.time', 'Time', 'reltime'),
  field('dns.unsolicited', 'Unsolicited', 'none'),
  field('dns.retransmission', 'Retransmission', 'bool'),
];

/** Decoded name and where the name's bytes end in the record (not following pointers). */
interface Name {
  text: string;
  end: number;
}

const MAX_NAME = 255;

/** Reads a (possibly compressed) name at `off`; message bounds [base, end). Throws Truncated when cut short. */
function readName(b: Uint8Array, base: number, off: number, end: number): Name {
  let o = off;
  let after = -1;
  let text = '';
  let jumps = 0;
  let total = 0;
  for (;;) {
    need(b, o, 1, end);
    const len = b[o];
    if (len === 0) {
      o++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      need(b, o, 2, end);
      const ptr = base + (((len & 0x3f) << 8) | b[o + 1]);
      if (after < 0) after = o + 2;
      if (++jumps > 64 || ptr >= end) {
        text += text ? '.<Name contains a pointer that loops>' : '<Name contains a pointer that loops>';
        break;
      }
      o = ptr;
      continue;
    }
    if ((len & 0xc0) !== 0) {
      text += '<Unknown extended label>';
      o++;
      break;
    }
    need(b, o + 1, len, end);
    total += len + 1;
    if (total > MAX_NAME) {
      text += '<Name too long>';
      break;
    }
    if (text) text += '.';
    for (let i = o + 1; i <= o + len; i++) {
      const c = b[i];
      text += c === 0x2e ? '\\.' : c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0');
    }
    o += len + 1;
  }
  return { text: text === '' ? '<Root>' : text, end: after >= 0 ? after : o };
}

/** Whether request/response matching matters to this Packet (the tree or dns.response_to). */
export function dnsTracking(p: Packet): boolean {
  return p.tree || p.want('dns.response_to');
}

interface DnsState {
  pending: Map<string, number>;
}

/** Dissects one DNS message in [off, end); returns nothing (UDP) — used by both transports. */
function dissectMessage(p: Packet, s: DissectSession, b: Uint8Array, off: number, end: number, tcpLen: number): void {
  const start = tcpLen >= 0 ? off - 2 : off;
  // tshark names the layer by the QR bit: "Domain Name System (query)" / "(response)".
  const kind = p.tree && end - off >= 3 ? ((b[off + 2] & 0x80) !== 0 ? ' (response)' : ' (query)') : '';
  p.proto('dns', start, end - start, kind ? `Domain Name System${kind}` : undefined);
  const cols = p.columns && !s.net.inError;
  // The first message of the frame owns the columns from here on, even if it is cut short.
  const showProgress = cols && !(p.protocol === 'DNS' && p.info);
  if (showProgress) {
    p.setProtocol('DNS');
    p.setInfo('');
  }
  if (tcpLen >= 0) p.add('dns.length', start, 2, tcpLen);
  // ID and flags first: tshark's Info names the message before it reads the counts.
  need(b, off, 4, end);
  const id = u16(b, off);
  const flags = u16(b, off + 2);
  const isResp = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 15;
  const rcode = flags & 15;
  let info = cols ? `${OPCODES[opcode] ?? 'Unknown operation'}${isResp ? ' response' : ''} 0x${hex(id, 4)}` : '';
  if (cols && isResp && rcode !== 0) info += ' ' + (RCODES[rcode] ?? 'Unknown error');
  // Info grows as records are read, so a message cut short keeps what was read (as tshark).
  if (showProgress) p.setInfo(info);
  p.add('dns.id', off, 2, id);
  if (p.wantAny('dns.flags')) {
    const flagsText = `${OPCODES[opcode] ?? 'Unknown operation'}${isResp ? ` response, ${RCODES[rcode] ?? 'Unknown error'}` : ''}`;
    p.open('dns.flags', off + 2, 2, p.tree ? `Flags: 0x${hex(flags, 4)} ${flagsText}` : undefined, flags);
    p.add('dns.flags.response', off + 2, 2, isResp);
    p.add('dns.flags.opcode', off + 2, 2, opcode);
    if (isResp) p.add('dns.flags.authoritative', off + 2, 2, (flags & 0x0400) !== 0);
    p.add('dns.flags.truncated', off + 2, 2, (flags & 0x0200) !== 0);
    p.add('dns.flags.recdesired', off + 2, 2, (flags & 0x0100) !== 0);
    if (isResp) p.add('dns.flags.recavail', off + 2, 2, (flags & 0x0080) !== 0);
    p.add('dns.flags.z', off + 2, 2, (flags & 0x0040) !== 0);
    if (isResp) p.add('dns.flags.authenticated', off + 2, 2, (flags & 0x0020) !== 0);
    p.add('dns.flags.checkdisable', off + 2, 2, (flags & 0x0010) !== 0);
    if (isResp) p.add('dns.flags.rcode', off + 2, 2, rcode);
    p.close();
  }
  // each count as far as the capture goes (tshark adds them one by one)
  need(b, off + 4, 2, end);
  const qd = u16(b, off + 4);
  p.add('dns.count.queries', off + 4, 2, qd);
  need(b, off + 6, 2, end);
  const an = u16(b, off + 6);
  p.add('dns.count.answers', off + 6, 2, an);
  need(b, off + 8, 2, end);
  const ns = u16(b, off + 8);
  p.add('dns.count.auth_rr', off + 8, 2, ns);
  need(b, off + 10, 2, end);
  const ar = u16(b, off + 10);
  p.add('dns.count.add_rr', off + 10, 2, ar);

  let o = off + 12;
  if (qd) p.open('dns.qry', o, 0, 'Queries');
  for (let i = 0; i < qd && i < 512; i++) {
    const name = readName(b, off, o, end);
    need(b, name.end, 4, end);
    const type = u16(b, name.end);
    const cls = u16(b, name.end + 2);
    const q0 = o;
    if (p.tree) p.open('dns.query', o, name.end + 4 - o, `${name.text}: type ${DNS_TYPES[type] ?? type}, class ${CLASSES[cls & 0x7fff] ?? cls}`);
    p.add('dns.qry.name', q0, name.end - q0, name.text);
    if (p.tree) {
      // Not generated in tshark: both point at the name's bytes.
      p.add('dns.qry.name.len', q0, name.end - q0, name.text === '<Root>' ? 0 : name.text.length);
      p.add('dns.count.labels', q0, name.end - q0, name.text === '<Root>' ? 0 : name.text.split('.').length);
    }
    p.add('dns.qry.type', name.end, 2, type);
    p.add('dns.qry.class', name.end + 2, 2, cls);
    if (p.tree) p.close();
    if (cols) info += ` ${DNS_TYPES[type] ?? `Unknown (${type})`} ${name.text}`;
    if (showProgress) p.setInfo(info);
    o = name.end + 4;
  }
  if (qd) p.close(o - (off + 12));

  // Request/response tracking (single pass: a response points back at its query), after the
  // questions as in tshark (a message cut short before them is not matched).
  // Only when someone can see it: summary lines never do, so they skip it (and the fast path may too).
  if (!s.net.inError && dnsTracking(p)) {
    const st = s.get<DnsState>('dns', () => ({ pending: new Map() }));
    const net = s.net;
    const client = isResp ? `${net.dstPort}` : `${net.srcPort}`;
    const key = `${id}:${client}`;
    if (!isResp) st.pending.set(key, p.number);
    else {
      const q = st.pending.get(key);
      if (q !== undefined) {
        p.gen('dns.response_to', q);
        st.pending.delete(key);
      } else if (p.tree) p.expert('dns.unsolicited', off, 0, 'warn', 'protocol', 'Unsolicited response');
    }
  }

  const treeLike = p.tree || p.wantAny('dns');
  const sections: [number, string][] = [
    [an, 'Answers'],
    [ns, 'Authoritative nameservers'],
    [ar, 'Additional records'],
  ];
  for (const [count, title] of sections) {
    if (!count) continue;
    const sectionStart = o;
    p.open('dns.rrs', o, 0, title);
    for (let i = 0; i < count && i < 4096; i++) {
      const name = readName(b, off, o, end);
      need(b, name.end, 10, end);
      // tshark names the record's type in Info once its fixed part is read: a record cut short in
      // its data still shows its type.
      const type = u16(b, name.end);
      const cls = u16(b, name.end + 2);
      const typeName = DNS_TYPES[type] ?? `Unknown (${type})`;
      if (cols) info += ` ${typeName}`;
      if (showProgress) p.setInfo(info);
      const ttl = u32(b, name.end + 4);
      const rdlen = u16(b, name.end + 8);
      const rd = name.end + 10;
      const rdEnd = rd + rdlen;
      // With a tree, tshark's record item spans the data, so a record cut short ends here; without
      // one (summary lines) it reads what it can of the data first: a cut SOA names its server.
      if (treeLike) need(b, rd, rdlen, end);
      if (p.tree) p.open('dns.rr', o, rdEnd - o, `${name.text}: type ${typeName}, class ${CLASSES[cls] ?? cls}`);
      p.add('dns.resp.name', o, name.end - o, name.text);
      p.add('dns.resp.type', name.end, 2, type);
      if (type === 41) {
        p.add('dns.rr.udp_payload_size', name.end + 2, 2, cls);
        p.add('dns.resp.ext_rcode', name.end + 4, 1, b[name.end + 4]);
        p.add('dns.resp.edns0_version', name.end + 5, 1, b[name.end + 5]);
        p.add('dns.resp.z.do', name.end + 6, 2, (b[name.end + 6] & 0x80) !== 0);
      } else {
        p.add('dns.resp.class', name.end + 2, 2, cls);
        p.add('dns.resp.ttl', name.end + 4, 4, ttl);
      }
      p.add('dns.resp.len', name.end + 8, 2, rdlen);
      let summary = '';
      switch (type) {
        case 1:
          if (rdlen === 4) {
            const a = u32(b, rd);
            p.add('dns.a', rd, 4, a);
            if (cols) summary = ipv4ToString(a);
          }
          break;
        case 28:
          if (rdlen === 16) {
            need(b, rd, 16, end);
            if (p.want('dns.aaaa')) p.add('dns.aaaa', rd, 16, b.slice(rd, rd + 16));
            if (cols) summary = ipv6ToString(b, rd);
          }
          break;
        case 2:
        case 5:
        case 12: {
          const n = readName(b, off, rd, rdEnd > end ? end : end);
          p.add(type === 2 ? 'dns.ns' : type === 5 ? 'dns.cname' : 'dns.ptr.domain_name', rd, rdlen, n.text);
          summary = n.text;
          break;
        }
        case 15: {
          need(b, rd, 3, rdEnd);
          const pref = u16(b, rd);
          const n = readName(b, off, rd + 2, end);
          p.add('dns.mx.preference', rd, 2, pref);
          p.add('dns.mx.mail_exchange', rd + 2, rdlen - 2, n.text);
          summary = `${pref} ${n.text}`;
          break;
        }
        case 6: {
          const m = readName(b, off, rd, end);
          // Info gets the primary name as soon as it is read (tshark: before the rest of the record)
          if (cols) info += ` ${m.text}`;
          if (showProgress) p.setInfo(info);
          const r = readName(b, off, m.end, end);
          p.add('dns.soa.mname', rd, m.end - rd, m.text);
          p.add('dns.soa.rname', m.end, r.end - m.end, r.text);
          need(b, r.end, 20, rdEnd);
          p.add('dns.soa.serial_number', r.end, 4, u32(b, r.end));
          p.add('dns.soa.refresh_interval', r.end + 4, 4, u32(b, r.end + 4));
          p.add('dns.soa.retry_interval', r.end + 8, 4, u32(b, r.end + 8));
          p.add('dns.soa.expire_limit', r.end + 12, 4, u32(b, r.end + 12));
          p.add('dns.soa.minimum_ttl', r.end + 16, 4, u32(b, r.end + 16));
          break;
        }
        case 16: {
          let t = rd;
          while (t < rdEnd) {
            const l = b[t];
            need(b, t + 1, l, rdEnd);
            p.add('dns.txt.length', t, 1, l);
            if (p.want('dns.txt')) p.add('dns.txt', t + 1, l, ascii(b, t + 1, t + 1 + l));
            t += 1 + l;
          }
          break;
        }
        case 33: {
          need(b, rd, 7, rdEnd);
          const prio = u16(b, rd);
          const weight = u16(b, rd + 2);
          const port = u16(b, rd + 4);
          const n = readName(b, off, rd + 6, end);
          p.add('dns.srv.priority', rd, 2, prio);
          p.add('dns.srv.weight', rd + 2, 2, weight);
          p.add('dns.srv.port', rd + 4, 2, port);
          p.add('dns.srv.target', rd + 6, rdlen - 6, n.text);
          summary = `${prio} ${weight} ${port} ${n.text}`;
          break;
        }
      }
      need(b, rd, rdlen, end);
      if (p.tree) p.close();
      if (cols && summary) info += ` ${summary}`;
      if (showProgress) p.setInfo(info);
      o = rdEnd;
    }
    p.close(o - sectionStart);
  }
  p.close();
  if (cols && !showProgress) p.appendInfo(' , ' + info);
}

/**
 * tshark 4.0's UDP heuristic for DNS on ports other than 53 (enabled by default, `udp dns T` in
 * `tshark -G heuristic-decodes`): a defined opcode, the Z bit clear, one question whose name is
 * plain labels within the limits, and a known class.
 */
export function looksLikeDns(b: Uint8Array, off: number, reportedEnd: number): boolean {
  // Only captured bytes can be checked. A frame cut by the snaplen cannot disprove the rest of the
  // question, and tshark takes it for DNS as long as the 12-byte header fits.
  const end = Math.min(reportedEnd, b.length);
  const truncated = end < reportedEnd;
  if (end - off < 12 || reportedEnd - off <= 12) return false;
  const flags = u16(b, off + 2);
  const opcode = (flags >> 11) & 0xf;
  if (opcode > 6 || opcode === 3 || (flags & 0x0040) !== 0 || (flags & 0xf) > 10) return false;
  if (u16(b, off + 4) !== 1) return false;
  if (u16(b, off + 6) + u16(b, off + 8) + u16(b, off + 10) > 256) return false;
  let at = off + 12;
  let nameLength = 0;
  for (;;) {
    if (at >= end) return truncated;
    const label = b[at];
    if (label === 0) break;
    if (label > 63) return false;
    nameLength += label + 1;
    if (nameLength > 255) return false;
    at += label + 1;
  }
  if (at + 5 > end) return truncated;
  const qclass = u16(b, at + 3) & 0x7fff;
  return qclass === 1 || qclass === 3 || qclass === 4 || qclass === 254 || qclass === 255;
}

export const dnsDatagram: DatagramProtocol = {
  name: 'dns',
  dissect(p, s, b, off, end) {
    dissectMessage(p, s, b, off, end, -1);
  },
  heuristic: looksLikeDns,
};

export const dnsStream: StreamProtocol = {
  name: 'dns',
  dissect(p, s, b, off, end) {
    if (end - off < 2) {
      p.desegmentLen = 2 - (end - off);
      return 0;
    }
    const len = u16(b, off);
    if (off + 2 + len > end) {
      p.desegmentLen = off + 2 + len - end;
      return 0;
    }
    dissectMessage(p, s, b, off + 2, off + 2 + len, len);
    return 2 + len;
  },
};

// ---------------------------------------------------------------------------------------------
// Column fast path: the Info column of a DNS message, written as bytes. Anything unusual (cut
// short, pointer loops, over-long names) returns false and the full dissector runs instead.

/**
 * Checks the name at `off` (message bounds [base, end)) as writeName would write it; returns
 * where it ends in the record, or -1. Sets `nameJumps`.
 */
function skipName(b: Uint8Array, base: number, off: number, end: number): number {
  let o = off;
  let after = -1;
  let jumps = 0;
  let total = 0;
  for (;;) {
    if (o >= end) return -1;
    const len = b[o];
    if (len === 0) {
      o++;
      break;
    }
    if (len >= 0xc0) {
      if (o + 2 > end) return -1;
      const ptr = base + (((len & 0x3f) << 8) | b[o + 1]);
      if (after < 0) after = o + 2;
      if (++jumps > 64 || ptr >= end) return -1;
      o = ptr;
      continue;
    }
    if (len > 63 || o + 1 + len > end) return -1;
    total += len + 1;
    if (total > MAX_NAME) return -1;
    o += len + 1;
  }
  nameJumps = jumps;
  return after >= 0 ? after : o;
}

/**
 * Writes the name at `off` as readName shows it into out[q] (NAME_ROOM bytes of room); returns
 * the output's end, or -1 where readName would not give a plain name.
 */
function putName(out: Uint8Array, q: number, b: Uint8Array, base: number, off: number, end: number): number {
  let o = off;
  let jumps = 0;
  let total = 0;
  for (;;) {
    if (o >= end) return -1;
    const len = b[o];
    if (len === 0) break;
    if (len >= 0xc0) {
      if (o + 2 > end) return -1;
      const ptr = base + (((len & 0x3f) << 8) | b[o + 1]);
      if (++jumps > 64 || ptr >= end) return -1;
      o = ptr;
      continue;
    }
    const last = o + len;
    if (len > 63 || last >= end) return -1;
    total += len + 1;
    if (total > MAX_NAME) return -1;
    if (total !== len + 1) out[q++] = 0x2e;
    for (let i = o + 1; i <= last; i++) {
      const c = b[i];
      if (NAME_PLAIN[c] === 1) out[q++] = c;
      else if (c === 0x2e) {
        out[q] = 0x5c;
        out[q + 1] = 0x2e;
        q += 2;
      } else {
        out[q] = 0x5c;
        out[q + 1] = 48 + (c >> 6);
        out[q + 2] = 48 + ((c >> 3) & 7);
        out[q + 3] = 48 + (c & 7);
        q += 4;
      }
    }
    o = last + 1;
  }
  if (total === 0) {
    for (let k = 0; k < 6; k++) out[q + k] = ROOT[k];
    q += 6;
  }
  return q;
}

/** Pointers the last successful skipName followed (see dnsColumnsFast's owner-name shortcut). */
let nameJumps = 0;

/** Name bytes written as they are: printable ASCII but the dot. */
const NAME_PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) NAME_PLAIN[c] = c === 0x2e ? 0 : 1;
const ROOT = encodeAscii('<Root>');
/**
 * Room one name needs: labels and their length bytes total at most MAX_NAME, and a label byte
 * takes at most 4 output bytes (an octal escape), its length byte 1 (the dot).
 */
const NAME_ROOM = 4 * MAX_NAME + 8;
/** Room for a record's text: its type, the numbers of MX/SRV, one name (or an address). */
const RECORD_ROOM = 64 + NAME_ROOM;

const DNS_ = encodeAscii('DNS ');
const RESPONSE_0X = encodeAscii(' response 0x');
const SPACE_0X = encodeAscii(' 0x');
/**
 * Texts of opcodes, rcodes (after a space) and record types (` TYPE`, types below 256: all the
 * common ones), encoded at load: the hot path only indexes arrays (no encoding code for the
 * optimizing compiler to inline there).
 */
const OPCODE_BYTES = Array.from({ length: 16 }, (_, i) => encodeAscii(OPCODES[i] ?? 'Unknown operation'));
const RCODE_BYTES = Array.from({ length: 16 }, (_, i) => encodeAscii(' ' + (RCODES[i] ?? 'Unknown error')));
const TYPE_BYTES = Array.from({ length: 256 }, (_, i) => typeText(i));

function typeText(type: number): Uint8Array {
  return encodeAscii(' ' + (DNS_TYPES[type] ?? `Unknown (${type})`));
}

/** ` TYPE` (a space and the record type's name) as Info shows it (≤ 17 bytes). */
function typeBytes(type: number): Uint8Array {
  return type < 256 ? TYPE_BYTES[type] : typeText(type);
}

/**
 * `DNS LEN INFO` of a DNS message over UDP in [off, end), as dissectMessage shows it; false to
 * fall back. Written unchecked into w.buf, with one room check per entry (RECORD_ROOM).
 * Questions and the three record sections run through one loop with one call of each writer:
 * V8 inlines every call site, and with one per record type the optimizing compile of this
 * function alone took ~25 ms of CPU (counted in the run's time, as `-Y dns` lasts ~0.3 s).
 */
export function dnsColumnsFast(w: TextWriter, b: Uint8Array, off: number, end: number, frameLen: number): boolean {
  if (end - off < 12) return false;
  const id = u16(b, off);
  const flags = u16(b, off + 2);
  const isResp = (flags & 0x8000) !== 0;
  const rcode = flags & 15;
  w.room(RECORD_ROOM);
  let out = w.buf;
  let p = putAscii(out, w.pos, DNS_);
  p = putUint(out, p, frameLen);
  out[p++] = 32;
  p = putAscii(out, p, OPCODE_BYTES[(flags >> 11) & 15]);
  p = putAscii(out, p, isResp ? RESPONSE_0X : SPACE_0X);
  p = putHex16(out, p, id);
  if (isResp && rcode !== 0) p = putAscii(out, p, RCODE_BYTES[rcode]);
  // A name known to be valid (the first question's) and the pointers it took: an owner name that
  // is just a pointer to it needs no walk (skipName would return o + 2 after the same checks).
  let knownAt = -1;
  let knownJumps = 0;
  // section -1: questions (at most 512 read), then answers, authority, additional (4096 each)
  let section = -1;
  let left = u16(b, off + 4);
  if (left > 512) left = 512;
  let o = off + 12;
  for (;;) {
    while (left === 0) {
      if (++section === 3) {
        w.pos = p;
        return true;
      }
      left = u16(b, off + 6 + 2 * section);
      if (left > 4096) left = 4096;
    }
    left--;
    const c = o + 2 <= end ? b[o] : 0;
    const ownerEnd = section >= 0 && c >= 0xc0 && knownJumps < 64 && off + (((c & 0x3f) << 8) | b[o + 1]) === knownAt ? o + 2 : skipName(b, off, o, end);
    if (ownerEnd < 0) return false;
    w.pos = p;
    w.room(RECORD_ROOM);
    out = w.buf;
    /** Where the name to write (after any numbers) starts, or -1. */
    let nameAt = -1;
    /** How many 16-bit numbers at `rd` come before it (MX, SRV). */
    let numbers = 0;
    let rd = 0;
    if (section < 0) {
      // a question: type, then the name
      if (ownerEnd + 4 > end) return false;
      if (knownAt < 0) {
        knownAt = o;
        knownJumps = nameJumps;
      }
      p = putAscii(out, p, typeBytes(u16(b, ownerEnd)));
      nameAt = o;
      o = ownerEnd + 4;
    } else {
      if (ownerEnd + 10 > end) return false;
      const type = u16(b, ownerEnd);
      const rdlen = u16(b, ownerEnd + 8);
      rd = ownerEnd + 10;
      const rdEnd = rd + rdlen;
      if (rdEnd > end) return false;
      p = putAscii(out, p, typeBytes(type));
      switch (type) {
        case 1:
          if (rdlen === 4) {
            out[p++] = 32;
            p = putIpv4Bytes(out, p, b, rd);
          }
          break;
        case 28:
          if (rdlen === 16) {
            out[p++] = 32;
            p = putIpv6(out, p, b, rd);
          }
          break;
        case 2:
        case 5:
        case 12:
          nameAt = rd;
          break;
        case 15:
          if (rd + 3 > rdEnd) return false;
          numbers = 1;
          nameAt = rd + 2;
          break;
        case 6: {
          // MNAME and RNAME must be whole, and the five numbers after them there
          let r = rd;
          for (let k = 0; k < 2 && r >= 0; k++) r = skipName(b, off, r, end);
          if (r < 0 || r + 20 > rdEnd) return false;
          nameAt = rd;
          break;
        }
        case 16:
          for (let t = rd; t < rdEnd; t += 1 + b[t]) if (t + 1 + b[t] > rdEnd) return false;
          break;
        case 33:
          if (rd + 7 > rdEnd) return false;
          numbers = 3;
          nameAt = rd + 6;
          break;
      }
      o = rdEnd;
    }
    for (let k = 0; k < numbers; k++) {
      out[p++] = 32;
      p = putUint(out, p, u16(b, rd + 2 * k));
    }
    if (nameAt >= 0) {
      out[p++] = 32;
      p = putName(out, p, b, off, nameAt, end);
      if (p < 0) return false;
    }
  }
}
