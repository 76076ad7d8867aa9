// TLS record layer and handshake: ClientHello/ServerHello with SNI, ALPN, supported_versions,
// key_share, signature_algorithms; ChangeCipherSpec, Alert, ApplicationData; TLS 1.3 opaque
// records. Records spanning TCP segments are reassembled through TCP.
import type { FieldInfo } from '../types';
import type { DissectSession, StreamProtocol } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { ascii, u16, u24 } from '../bytes';

const CONTENT_TYPES: Record<number, string> = { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat' };
const HS_TYPES: Record<number, string> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 5: 'End of Early Data', 8: 'Encrypted Extensions',
  11: 'Certificate', 12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify',
  16: 'Client Key Exchange', 20: 'Finished', 24: 'Key Update',
};
const VERSIONS: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };

export const TLS_FIELDS: FieldInfo[] = [
  protoField('tls', 'Transport Layer Security'),
  field('tls.record', 'TLS Record Layer', 'none'),
  uintField('tls.record.content_type', 'Content Type', 8, CONTENT_TYPES),
  uintField('tls.record.opaque_type', 'Opaque Type', 8, CONTENT_TYPES),
  hexField('tls.record.version', 'Version', 16, VERSIONS),
  uintField('tls.record.length', 'Length', 16),
  field('tls.handshake', 'Handshake Protocol', 'none'),
  uintField('tls.handshake.type', 'Handshake Type', 8, HS_TYPES),
  uintField('tls.handshake.length', 'Length', 24),
  hexField('tls.handshake.version', 'Version', 16, VERSIONS),
  field('tls.handshake.random', 'Random', 'bytes'),
  uintField('tls.handshake.session_id_length', 'Session ID Length', 8),
  field('tls.handshake.session_id', 'Session ID', 'bytes'),
  uintField('tls.handshake.cipher_suites_length', 'Cipher Suites Length', 16),
  hexField('tls.handshake.ciphersuite', 'Cipher Suite', 16),
  uintField('tls.handshake.extensions_length', 'Extensions Length', 16),
  uintField('tls.handshake.extension.type', 'Type', 16),
  uintField('tls.handshake.extension.len', 'Length', 16),
  field('tls.handshake.extensions_server_name', 'Server Name', 'string'),
  uintField('tls.handshake.extensions_server_name_len', 'Server Name length', 16),
  field('tls.handshake.extensions_alpn_str', 'ALPN Next Protocol', 'string'),
  hexField('tls.handshake.extensions.supported_version', 'Supported Version', 16, VERSIONS),
  uintField('tls.handshake.extensions_key_share_group', 'Group', 16),
  hexField('tls.handshake.sig_hash_alg', 'Signature Algorithm', 16),
  field('tls.app_data', 'Encrypted Application Data', 'bytes'),
  field('tls.change_cipher_spec', 'Change Cipher Spec Message', 'none'),
  uintField('tls.alert_message.level', 'Level', 8),
  uintField('tls.alert_message.desc', 'Description', 8),
];

/** Plausible TLS record header: content type 20–23, version 3.0–3.4, sane length. */
export function looksLikeTls(b: Uint8Array, off: number, end: number): boolean {
  if (end - off < 5) return false;
  const t = b[off];
  return t >= 20 && t <= 23 && b[off + 1] === 3 && b[off + 2] <= 4 && u16(b, off + 3) <= 16384 + 2048 && u16(b, off + 3) > 0;
}

interface TlsConv {
  /** Version chosen by the ServerHello (supported_versions wins). */
  version: number;
  /** Directions (by source port) that sent ChangeCipherSpec: their later handshakes are encrypted. */
  ccs: Set<number>;
  /** Per direction (source port): a handshake message still waiting for bytes from later records. */
  pending: Map<number, { type: number; remaining: number; parts: Uint8Array[] }>;
}

function conv(s: DissectSession): TlsConv {
  const net = s.net;
  const key = `tls:${net.ipVersion === 4 ? Math.min(net.src4, net.dst4) + ':' + Math.max(net.src4, net.dst4) : net.addrKey()}:${Math.min(net.srcPort, net.dstPort)}:${Math.max(net.srcPort, net.dstPort)}`;
  const map = s.get('tls.convs', () => new Map<string, TlsConv>());
  let c = map.get(key);
  if (!c) {
    c = { version: 0, ccs: new Set(), pending: new Map() };
    map.set(key, c);
  }
  return c;
}

function dissectHello(p: Packet, b: Uint8Array, o: number, end: number, type: number, c: TlsConv): void {
  if (o + 34 > end) return;
  p.add('tls.handshake.version', o, 2, u16(b, o));
  if (p.want('tls.handshake.random')) p.add('tls.handshake.random', o + 2, 32, b.slice(o + 2, o + 34));
  o += 34;
  const sidLen = b[o];
  p.add('tls.handshake.session_id_length', o, 1, sidLen);
  o += 1 + sidLen;
  if (type === 1) {
    if (o + 2 > end) return;
    const csLen = u16(b, o);
    p.add('tls.handshake.cipher_suites_length', o, 2, csLen);
    for (let i = o + 2; i + 2 <= o + 2 + csLen && i + 2 <= end; i += 2) p.add('tls.handshake.ciphersuite', i, 2, u16(b, i));
    o += 2 + csLen;
    if (o >= end) return;
    o += 1 + b[o]; // compression methods
  } else {
    if (o + 3 > end) return;
    p.add('tls.handshake.ciphersuite', o, 2, u16(b, o));
    o += 3;
  }
  if (o + 2 > end) return;
  const extLen = u16(b, o);
  p.add('tls.handshake.extensions_length', o, 2, extLen);
  o += 2;
  const extEnd = Math.min(end, o + extLen);
  let guard = 0;
  while (o + 4 <= extEnd && guard++ < 256) {
    const et = u16(b, o);
    const el = u16(b, o + 2);
    const d = o + 4;
    const de = Math.min(extEnd, d + el);
    p.open('tls.handshake.extension', o, 4 + el, `Extension: type ${et}`);
    p.add('tls.handshake.extension.type', o, 2, et);
    p.add('tls.handshake.extension.len', o + 2, 2, el);
    if (et === 0 && de - d >= 5) {
      // server_name list: list len, type, name len, name
      let q = d + 2;
      while (q + 3 <= de) {
        const nl = u16(b, q + 1);
        p.add('tls.handshake.extensions_server_name_len', q + 1, 2, nl);
        if (p.want('tls.handshake.extensions_server_name')) p.add('tls.handshake.extensions_server_name', q + 3, nl, ascii(b, q + 3, Math.min(de, q + 3 + nl)));
        q += 3 + nl;
      }
    } else if (et === 16 && de - d >= 2) {
      let q = d + 2;
      while (q < de) {
        const l = b[q];
        if (p.want('tls.handshake.extensions_alpn_str')) p.add('tls.handshake.extensions_alpn_str', q + 1, l, ascii(b, q + 1, Math.min(de, q + 1 + l)));
        q += 1 + l;
      }
    } else if (et === 43) {
      if (type === 1) {
        for (let q = d + 1; q + 2 <= de; q += 2) p.add('tls.handshake.extensions.supported_version', q, 2, u16(b, q));
      } else if (de - d >= 2) {
        const v = u16(b, d);
        p.add('tls.handshake.extensions.supported_version', d, 2, v);
        c.version = v;
      }
    } else if (et === 51) {
      if (type === 1) {
        let q = d + 2;
        while (q + 4 <= de) {
          p.add('tls.handshake.extensions_key_share_group', q, 2, u16(b, q));
          q += 4 + u16(b, q + 2);
        }
      } else if (de - d >= 2) p.add('tls.handshake.extensions_key_share_group', d, 2, u16(b, d));
    } else if (et === 13) {
      for (let q = d + 2; q + 2 <= de; q += 2) p.add('tls.handshake.sig_hash_alg', q, 2, u16(b, q));
    }
    p.close();
    o = d + el;
  }
}

/** ECDHE ServerKeyExchange (named curve): the signature algorithm after the public key. */
function dissectServerKeyExchange(p: Packet, b: Uint8Array, o: number, end: number): void {
  if (o + 4 > end || b[o] !== 3) return;
  const keyLen = b[o + 3];
  const sig = o + 4 + keyLen;
  if (sig + 2 <= end) p.add('tls.handshake.sig_hash_alg', sig, 2, u16(b, sig));
}

function dissectTls(p: Packet, s: DissectSession, b: Uint8Array, off: number, end: number): number {
  if (end - off < 5) {
    p.desegmentLen = 5 - (end - off);
    return 0;
  }
  if (!looksLikeTls(b, off, end)) {
    // Not a record header: continuation or garbage (Wireshark: "Ignored Unknown Record")
    p.proto('tls', off, end - off);
    p.close();
    if (p.columns) {
      p.setProtocol('TLS');
      p.setInfo('Ignored Unknown Record');
    }
    return end - off;
  }
  const c = conv(s);
  const srcPort = s.net.srcPort;
  let o = off;
  const names: string[] = [];
  let proto = '';
  p.proto('tls', off, 0);
  while (o + 5 <= end) {
    const ct = b[o];
    const rv = u16(b, o + 1);
    const len = u16(b, o + 3);
    if (!looksLikeTls(b, o, end)) break;
    if (o + 5 + len > end) break;
    const d = o + 5;
    const tls13 = c.version === 0x0304;
    p.open('tls.record', o, 5 + len, `TLSv1.x Record Layer: ${CONTENT_TYPES[ct] ?? 'Unknown'}`);
    if (tls13 && ct === 23) p.add('tls.record.opaque_type', o, 1, ct);
    else p.add('tls.record.content_type', o, 1, ct);
    p.add('tls.record.version', o + 1, 2, rv);
    p.add('tls.record.length', o + 3, 2, len);
    let recVersion = rv;
    if (ct === 22) {
      if (c.ccs.has(srcPort)) names.push('Encrypted Handshake Message');
      else {
        let q = d;
        const recEnd = d + len;
        // A handshake message longer than its record continues in the next handshake records
        // of this direction: those bytes belong to it (it is named where it completes).
        const pend = c.pending.get(srcPort);
        if (pend) {
          const take = Math.min(pend.remaining, len);
          pend.remaining -= take;
          if (pend.parts.length < 1024) pend.parts.push(b.slice(q, q + take));
          q += take;
          if (pend.remaining === 0) {
            c.pending.delete(srcPort);
            // The whole message (header included), reassembled from its records.
            let total = 0;
            for (const part of pend.parts) total += part.length;
            const whole = new Uint8Array(total);
            let at = 0;
            for (const part of pend.parts) {
              whole.set(part, at);
              at += part.length;
            }
            const wasReassembled = p.reassembled;
            p.reassembled = true;
            p.open('tls.handshake', 0, whole.length, `Handshake Protocol: ${HS_TYPES[pend.type] ?? 'Unknown'} (reassembled)`);
            p.add('tls.handshake.type', 0, 1, pend.type);
            if (whole.length >= 4) p.add('tls.handshake.length', 1, 3, u24(whole, 1));
            if (pend.type === 1 || pend.type === 2) dissectHello(p, whole, 4, whole.length, pend.type, c);
            else if (pend.type === 12) dissectServerKeyExchange(p, whole, 4, whole.length);
            p.close();
            p.reassembled = wasReassembled;
            names.push(HS_TYPES[pend.type] ?? 'Unknown Handshake Message');
          }
        }
        while (q + 4 <= recEnd) {
          const ht = b[q];
          const hl = u24(b, q + 1);
          if (q + 4 + hl > recEnd) {
            c.pending.set(srcPort, { type: ht, remaining: q + 4 + hl - recEnd, parts: [b.slice(q, recEnd)] });
            names.push(`[${HS_TYPES[ht] ?? 'Unknown Handshake Message'} Fragment]`);
            break;
          }
          p.open('tls.handshake', q, 4 + hl, `Handshake Protocol: ${HS_TYPES[ht] ?? 'Unknown'}`);
          p.add('tls.handshake.type', q, 1, ht);
          p.add('tls.handshake.length', q + 1, 3, hl);
          if (ht === 1 || ht === 2) dissectHello(p, b, q + 4, Math.min(recEnd, q + 4 + hl), ht, c);
          else if (ht === 12) dissectServerKeyExchange(p, b, q + 4, q + 4 + hl);
          p.close();
          names.push(HS_TYPES[ht] ?? 'Unknown Handshake Message');
          if (ht === 2 && c.version === 0x0304) recVersion = 0x0304;
          else if (ht === 2 && c.version === 0) c.version = u16(b, q + 4);
          q += 4 + hl;
        }
      }
    } else if (ct === 20) {
      p.add('tls.change_cipher_spec', d, len);
      names.push('Change Cipher Spec');
      if (c.version !== 0x0304) c.ccs.add(srcPort);
    } else if (ct === 21) {
      if (c.ccs.has(srcPort) || tls13) names.push('Encrypted Alert');
      else if (len >= 2) {
        p.add('tls.alert_message.level', d, 1, b[d]);
        p.add('tls.alert_message.desc', d + 1, 1, b[d + 1]);
        names.push(`Alert (Level: ${b[d] === 2 ? 'Fatal' : 'Warning'}, Description: ${b[d + 1]})`);
      }
    } else if (ct === 23) {
      if (p.want('tls.app_data')) p.add('tls.app_data', d, len, b.slice(d, d + len));
      names.push('Application Data');
    }
    p.close();
    const v = c.version && ct !== 22 ? c.version : c.version === 0x0304 ? 0x0304 : recVersion;
    if (!proto) proto = VERSIONS[c.version === 0x0304 && !(ct === 22 && names[0] === 'Client Hello') ? 0x0304 : v] ?? 'TLS';
    o = d + len;
  }
  p.close();
  if (o === off) {
    // the first record is not complete yet
    p.desegmentLen = 5 + u16(b, off + 3) - (end - off);
    return 0;
  }
  if (p.columns && !s.net.inError) {
    if (p.protocol.startsWith('TLS') && p.info && p.protocol !== 'TCP') p.appendInfo(', ' + names.join(', '));
    else {
      p.setProtocol(proto);
      p.setInfo(names.join(', '));
    }
  }
  if (o < end) {
    // a record continues in the next segment
    return o - off;
  }
  return o - off;
}

export const tlsStream: StreamProtocol = {
  name: 'tls',
  dissect: dissectTls,
  heuristic: looksLikeTls,
};
