// TLS record layer and handshake: ClientHello/ServerHello with SNI, ALPN, supported_versions,
// key_share, signature_algorithms; Certificate, CertificateVerify, Finished, NewSessionTicket,
// EncryptedExtensions; ChangeCipherSpec, Alert, ApplicationData. Records spanning TCP segments
// are reassembled through TCP. With secrets from a key log (session's TLS key log: DSBs,
// `-o tls.keylog_file`), records are decrypted as Wireshark does (TLS 1.3 AEAD suites,
// TLS 1.2 AEAD and AES-CBC suites, see tls-decrypt.ts): the plaintext becomes a "Decrypted TLS" data source, handshake
// messages are dissected from it and application data goes to HTTP.
import type { FieldInfo } from '../types';
import type { DissectSession, StreamProtocol } from '../session';
import type { Packet } from '../packet';
import { field, hexField, protoField, uintField } from '../registry';
import { ascii, u16, u24, u32 } from '../bytes';
import { dissectData } from './link';
import { httpContext, httpStream, looksLikeHttp } from './http';
import { dissectHttp2Record, newHttp2Conn, startsWithPreface, type Http2Conn } from './http2';
import { TlsKeyLog, type ConnectionSecrets, type KeyLogLabel } from './tls-keylog';
import { Tls12GcmDecoder, Tls13Decoder, tls13SuiteSupported, type RecordDecoder } from './tls-decrypt';
import { dissectCertificate, X509_FIELDS } from './x509';

const CONTENT_TYPES: Record<number, string> = { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat' };
const HS_TYPES: Record<number, string> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 4: 'New Session Ticket', 5: 'End of Early Data', 8: 'Encrypted Extensions',
  11: 'Certificate', 12: 'Server Key Exchange', 13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify',
  16: 'Client Key Exchange', 20: 'Finished', 24: 'Key Update',
};
const VERSIONS: Record<number, string> = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3' };
const ALERT_LEVELS: Record<number, string> = { 1: 'Warning', 2: 'Fatal' };
const ALERT_DESCRIPTIONS: Record<number, string> = {
  0: 'Close Notify', 10: 'Unexpected Message', 20: 'Bad Record MAC', 21: 'Decryption Failed', 22: 'Record Overflow', 30: 'Decompression Failure',
  40: 'Handshake Failure', 41: 'No Certificate', 42: 'Bad Certificate', 43: 'Unsupported Certificate', 44: 'Certificate Revoked',
  45: 'Certificate Expired', 46: 'Certificate Unknown', 47: 'Illegal Parameter', 48: 'Unknown CA', 49: 'Access Denied', 50: 'Decode Error',
  51: 'Decrypt Error', 60: 'Export Restriction', 70: 'Protocol Version', 71: 'Insufficient Security', 80: 'Internal Error',
  86: 'Inappropriate Fallback', 90: 'User Canceled', 100: 'No Renegotiation', 109: 'Missing Extension', 110: 'Unsupported Extension',
  111: 'Certificate Unobtainable', 112: 'Unrecognized Name', 113: 'Bad Certificate Status Response', 114: 'Bad Certificate Hash Value',
  115: 'Unknown PSK Identity', 116: 'Certificate Required', 120: 'No application Protocol',
};

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
  uintField('tls.handshake.extensions_alpn_len', 'ALPN Extension Length', 16),
  uintField('tls.handshake.extensions_alpn_str_len', 'ALPN string length', 8),
  field('tls.handshake.extensions_alpn_str', 'ALPN Next Protocol', 'string'),
  hexField('tls.handshake.extensions.supported_version', 'Supported Version', 16, VERSIONS),
  uintField('tls.handshake.extensions_key_share_group', 'Group', 16),
  hexField('tls.handshake.sig_hash_alg', 'Signature Algorithm', 16),
  uintField('tls.handshake.certificate_request_context_length', 'Certificate Request Context Length', 8),
  uintField('tls.handshake.certificates_length', 'Certificates Length', 24),
  field('tls.handshake.certificates', 'Certificates', 'none'),
  uintField('tls.handshake.certificate_length', 'Certificate Length', 24),
  field('tls.handshake.certificate', 'Certificate', 'bytes'),
  uintField('tls.handshake.client_cert_vrfy.sig_len', 'Signature length', 16),
  field('tls.handshake.client_cert_vrfy.sig', 'Signature', 'bytes'),
  uintField('tls.handshake.sig_len', 'Signature Length', 16),
  field('tls.handshake.sig', 'Signature', 'bytes'),
  field('tls.handshake.verify_data', 'Verify Data', 'none'),
  uintField('tls.handshake.session_ticket_lifetime_hint', 'Session Ticket Lifetime Hint', 32),
  uintField('tls.handshake.session_ticket_age_add', 'Session Ticket Age Add', 32),
  uintField('tls.handshake.session_ticket_nonce_length', 'Session Ticket Nonce Length', 8),
  field('tls.handshake.session_ticket_nonce', 'Session Ticket Nonce', 'bytes'),
  uintField('tls.handshake.session_ticket_length', 'Session Ticket Length', 16),
  field('tls.handshake.session_ticket', 'Session Ticket', 'bytes'),
  field('tls.app_data', 'Encrypted Application Data', 'bytes'),
  field('tls.app_data_proto', 'Application Data Protocol', 'string'),
  field('tls.change_cipher_spec', 'Change Cipher Spec Message', 'none'),
  field('tls.alert_message', 'Alert Message', 'none'),
  uintField('tls.alert_message.level', 'Level', 8, ALERT_LEVELS),
  uintField('tls.alert_message.desc', 'Description', 8, ALERT_DESCRIPTIONS),
  ...X509_FIELDS,
];

/** Plausible TLS record header: content type 20–23, version 3.0–3.4, sane length. */
export function looksLikeTls(b: Uint8Array, off: number, end: number): boolean {
  if (end - off < 5) return false;
  const t = b[off];
  return t >= 20 && t <= 23 && b[off + 1] === 3 && b[off + 2] <= 4 && u16(b, off + 3) <= 16384 + 2048 && u16(b, off + 3) > 0;
}

// ---------------------------------------------------------------------------------------------
// Key logs: the session's secrets, fed by options, API calls and the capture's DSBs.

/** Secrets type of a TLS key log in a pcapng Decryption Secrets Block ("TLSK"). */
const SECRETS_TLS_KEY_LOG = 0x544c534b;

interface KeyState {
  log: TlsKeyLog;
  /** How many Decryption Secrets Blocks of the capture were already read. */
  blocks: number;
}

function keyState(s: DissectSession): KeyState {
  return s.get<KeyState>('tls.keys', () => ({ log: new TlsKeyLog(), blocks: 0 }));
}

/** The session's key log (its `errors` list the lines that could not be read). */
export function tlsKeyLog(s: DissectSession): TlsKeyLog {
  return keyState(s).log;
}

/** Adds NSS key log text (SSLKEYLOGFILE) to a session; returns the number of secrets read. */
export function addKeyLog(s: DissectSession, text: string, source = 'key log'): number {
  return keyState(s).log.add(text, source);
}

/**
 * Reads the capture's Decryption Secrets Blocks (as a reader lists them): call it with the whole
 * list, as often as it grows; blocks already read are skipped. Only TLS key logs are used.
 */
export function addDecryptionSecrets(s: DissectSession, secrets: readonly { type: number; data: Uint8Array }[]): void {
  const st = keyState(s);
  for (; st.blocks < secrets.length; st.blocks++) {
    const dsb = secrets[st.blocks];
    if (dsb.type === SECRETS_TLS_KEY_LOG) st.log.add(new TextDecoder('utf-8').decode(dsb.data), `Decryption Secrets Block #${st.blocks + 1}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Conversations

/** One direction of a TLS connection. */
interface TlsDir {
  /** A handshake message still waiting for bytes from later records. */
  pending: { type: number; remaining: number; parts: Uint8Array[] } | null;
  /** Sent ChangeCipherSpec (TLS ≤ 1.2): later records are encrypted. */
  ccs: boolean;
  decoder: RecordDecoder | null;
  /** TLS 1.3 key epoch: handshake keys until this side's Finished, then application keys. */
  appKeys: boolean;
  /** Key log version of the last lookup that found nothing (retried when the log grows). */
  missed: number;
  /** Decrypted application data an upper-layer PDU still needs more of. */
  app: Uint8Array | null;
}

interface TlsConv {
  /** Version chosen by the ServerHello (supported_versions wins). */
  version: number;
  /** Source port of the client (the side that sent the ClientHello); -1 unknown. */
  clientPort: number;
  clientRandom: Uint8Array | null;
  serverRandom: Uint8Array | null;
  suite: number;
  alpn: string;
  /** The ServerHello's encrypt_then_mac extension (RFC 7366): CBC records are MAC'd after encryption. */
  etm: boolean;
  client: TlsDir;
  server: TlsDir;
  /** Whether HTTP runs inside (decided on the first decrypted application data). */
  http: boolean | null;
  /** HTTP/2 state when ALPN chose h2 (or the data starts with the HTTP/2 preface). */
  h2?: Http2Conn;
}

function newDir(): TlsDir {
  return { pending: null, ccs: false, decoder: null, appKeys: false, missed: -1, app: null };
}

function conv(s: DissectSession): TlsConv {
  const net = s.net;
  const key = `tls:${net.ipVersion === 4 ? Math.min(net.src4, net.dst4) + ':' + Math.max(net.src4, net.dst4) : net.addrKey()}:${Math.min(net.srcPort, net.dstPort)}:${Math.max(net.srcPort, net.dstPort)}`;
  const map = s.get('tls.convs', () => new Map<string, TlsConv>());
  let c = map.get(key);
  if (!c) {
    c = { version: 0, clientPort: -1, clientRandom: null, serverRandom: null, suite: 0, alpn: '', etm: false, client: newDir(), server: newDir(), http: null };
    map.set(key, c);
  }
  return c;
}

function isClientSide(c: TlsConv, srcPort: number, dstPort: number): boolean {
  if (c.clientPort >= 0) return srcPort === c.clientPort;
  return srcPort > dstPort; // no ClientHello seen: the higher port is most likely the client
}

/** The record decoder for this direction, built from the key log when its secret is known. */
function decoderFor(s: DissectSession, c: TlsConv, dir: TlsDir, client: boolean): RecordDecoder | null {
  if (dir.decoder) return dir.decoder;
  const log = keyState(s).log;
  if (!c.clientRandom || log.size === 0 || dir.missed === log.version) return null;
  const secrets = log.get(c.clientRandom);
  if (c.version === 0x0304) {
    const secret = secrets?.[tls13Label(client, dir.appKeys)];
    if (secret && tls13SuiteSupported(c.suite)) dir.decoder = new Tls13Decoder(c.suite, secret);
  } else if (secrets?.CLIENT_RANDOM && c.serverRandom) {
    const pair = Tls12GcmDecoder.pair(c.suite, secrets.CLIENT_RANDOM, c.clientRandom, c.serverRandom, c.etm, c.version);
    if (pair) {
      c.client.decoder = pair.client;
      c.server.decoder = pair.server;
    }
  }
  if (!dir.decoder) dir.missed = log.version;
  return dir.decoder;
}

function tls13Label(client: boolean, app: boolean): KeyLogLabel {
  if (client) return app ? 'CLIENT_TRAFFIC_SECRET_0' : 'CLIENT_HANDSHAKE_TRAFFIC_SECRET';
  return app ? 'SERVER_TRAFFIC_SECRET_0' : 'SERVER_HANDSHAKE_TRAFFIC_SECRET';
}

/**
 * Opens one TLS 1.3 record. Handshake keys that fail while the application secret opens the
 * record mean this side's Finished went by unseen: switch epochs, as Wireshark does.
 */
function open13(s: DissectSession, c: TlsConv, dir: TlsDir, client: boolean, b: Uint8Array, o: number, len: number) {
  const dec = decoderFor(s, c, dir, client);
  const r = dec ? dec.open(b, o, len) : null;
  if (r || dir.appKeys) return r;
  const secrets: ConnectionSecrets | undefined = c.clientRandom ? keyState(s).log.get(c.clientRandom) : undefined;
  const appSecret = secrets?.[tls13Label(client, true)];
  if (!appSecret || !tls13SuiteSupported(c.suite)) return null;
  const appDec = new Tls13Decoder(c.suite, appSecret);
  const r2 = appDec.open(b, o, len);
  if (r2) {
    dir.appKeys = true;
    dir.decoder = appDec;
  }
  return r2;
}

// ---------------------------------------------------------------------------------------------
// Handshake messages

function dissectExtensions(p: Packet, b: Uint8Array, o: number, end: number, type: number, c: TlsConv): void {
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
    } else if (et === 22) {
      if (type === 2) c.etm = true;
    } else if (et === 16 && de - d >= 2) {
      p.add('tls.handshake.extensions_alpn_len', d, 2, u16(b, d));
      let q = d + 2;
      while (q < de) {
        const l = b[q];
        p.add('tls.handshake.extensions_alpn_str_len', q, 1, l);
        const name = ascii(b, q + 1, Math.min(de, q + 1 + l));
        if (p.want('tls.handshake.extensions_alpn_str')) p.add('tls.handshake.extensions_alpn_str', q + 1, l, name);
        if (type !== 1) c.alpn = name;
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

function dissectHello(p: Packet, b: Uint8Array, o: number, end: number, type: number, c: TlsConv): void {
  if (o + 34 > end) return;
  p.add('tls.handshake.version', o, 2, u16(b, o));
  const random = b.slice(o + 2, o + 34);
  if (type === 1) c.clientRandom = random;
  else c.serverRandom = random;
  p.add('tls.handshake.random', o + 2, 32, random);
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
    c.suite = u16(b, o);
    p.add('tls.handshake.ciphersuite', o, 2, c.suite);
    o += 3;
  }
  dissectExtensions(p, b, o, end, type, c);
}

/** ECDHE ServerKeyExchange (named curve): the signature algorithm after the public key. */
function dissectServerKeyExchange(p: Packet, b: Uint8Array, o: number, end: number): void {
  if (o + 4 > end || b[o] !== 3) return;
  const keyLen = b[o + 3];
  const sig = o + 4 + keyLen;
  if (sig + 2 <= end) p.add('tls.handshake.sig_hash_alg', sig, 2, u16(b, sig));
}

/** Certificate: TLS 1.3 has a request context and per-certificate extensions (RFC 8446 §4.4.2). */
function dissectCertificateMessage(p: Packet, s: DissectSession, b: Uint8Array, o: number, end: number, tls13: boolean): void {
  if (tls13) {
    if (o >= end) return;
    const ctx = b[o];
    p.add('tls.handshake.certificate_request_context_length', o, 1, ctx);
    o += 1 + ctx;
  }
  if (o + 3 > end) return;
  const total = u24(b, o);
  p.add('tls.handshake.certificates_length', o, 3, total);
  const listEnd = Math.min(end, o + 3 + total);
  o += 3;
  p.open('tls.handshake.certificates', o, listEnd - o, `Certificates (${total} bytes)`);
  let guard = 0;
  while (o + 3 <= listEnd && guard++ < 64) {
    const len = u24(b, o);
    p.add('tls.handshake.certificate_length', o, 3, len);
    const certEnd = Math.min(listEnd, o + 3 + len);
    if (p.want('tls.handshake.certificate')) p.add('tls.handshake.certificate', o + 3, certEnd - o - 3, b.slice(o + 3, certEnd));
    dissectCertificate(p, s, b, o + 3, certEnd);
    o = certEnd;
    if (tls13 && o + 2 <= listEnd) {
      const extLen = u16(b, o);
      p.add('tls.handshake.extensions_length', o, 2, extLen);
      o += 2 + extLen;
    }
  }
  p.close();
}

function dissectNewSessionTicket(p: Packet, b: Uint8Array, o: number, end: number, tls13: boolean, c: TlsConv): void {
  if (o + 4 > end) return;
  p.add('tls.handshake.session_ticket_lifetime_hint', o, 4, u32(b, o));
  o += 4;
  if (tls13) {
    if (o + 5 > end) return;
    p.add('tls.handshake.session_ticket_age_add', o, 4, u32(b, o));
    const nl = b[o + 4];
    p.add('tls.handshake.session_ticket_nonce_length', o + 4, 1, nl);
    if (p.want('tls.handshake.session_ticket_nonce')) p.add('tls.handshake.session_ticket_nonce', o + 5, nl, b.slice(o + 5, Math.min(end, o + 5 + nl)));
    o += 5 + nl;
  }
  if (o + 2 > end) return;
  const tl = u16(b, o);
  p.add('tls.handshake.session_ticket_length', o, 2, tl);
  if (p.want('tls.handshake.session_ticket')) p.add('tls.handshake.session_ticket', o + 2, tl, b.slice(o + 2, Math.min(end, o + 2 + tl)));
  o += 2 + tl;
  if (tls13) dissectExtensions(p, b, o, end, 4, c);
}

/** The body of one handshake message [o, end) of type `ht`. */
function dissectHandshakeBody(p: Packet, s: DissectSession, b: Uint8Array, o: number, end: number, ht: number, c: TlsConv): void {
  const tls13 = c.version === 0x0304;
  switch (ht) {
    case 1:
    case 2:
      dissectHello(p, b, o, end, ht, c);
      break;
    case 4:
      dissectNewSessionTicket(p, b, o, end, tls13, c);
      break;
    case 8:
      dissectExtensions(p, b, o, end, ht, c);
      break;
    case 11:
      dissectCertificateMessage(p, s, b, o, end, tls13);
      break;
    case 12:
      // TLS 1.0/1.1 signatures carry no SignatureAndHashAlgorithm (RFC 5246 §7.4.1.4.1 is new in 1.2)
      if (c.version >= 0x0303) dissectServerKeyExchange(p, b, o, end);
      break;
    case 15:
      if (o + 4 <= end) {
        p.add('tls.handshake.sig_hash_alg', o, 2, u16(b, o));
        const sl = u16(b, o + 2);
        p.add('tls.handshake.client_cert_vrfy.sig_len', o + 2, 2, sl);
        if (p.want('tls.handshake.client_cert_vrfy.sig')) p.add('tls.handshake.client_cert_vrfy.sig', o + 4, sl, b.slice(o + 4, Math.min(end, o + 4 + sl)));
      }
      break;
    case 20:
      p.add('tls.handshake.verify_data', o, end - o);
      break;
  }
}

/** What a record's handshake messages mean for this direction's keys. */
const FINISHED = 1;
const KEY_UPDATE = 2;

/**
 * Handshake messages in [q, recEnd) of one record (plaintext or decrypted), continuing a message
 * left pending by earlier records of this direction. Returns FINISHED / KEY_UPDATE flags.
 */
function dissectHandshakes(p: Packet, s: DissectSession, c: TlsConv, dir: TlsDir, b: Uint8Array, q: number, recEnd: number, names: string[]): number {
  let finished = 0;
  const pend = dir.pending;
  if (pend) {
    const take = Math.min(pend.remaining, recEnd - q);
    pend.remaining -= take;
    if (pend.parts.length < 1024) pend.parts.push(b.slice(q, q + take));
    q += take;
    if (pend.remaining === 0) {
      dir.pending = null;
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
      const outer = p.buf;
      const prev = p.enterSource(p.addSource(`Reassembled TLS Handshake (${whole.length} bytes)`, whole));
      p.reassembled = true;
      p.buf = whole;
      p.open('tls.handshake', 0, whole.length, `Handshake Protocol: ${HS_TYPES[pend.type] ?? 'Unknown'} (reassembled)`);
      p.add('tls.handshake.type', 0, 1, pend.type);
      if (whole.length >= 4) p.add('tls.handshake.length', 1, 3, u24(whole, 1));
      dissectHandshakeBody(p, s, whole, 4, whole.length, pend.type, c);
      p.close();
      p.buf = outer;
      p.enterSource(prev);
      p.reassembled = wasReassembled;
      names.push(HS_TYPES[pend.type] ?? 'Unknown Handshake Message');
      if (pend.type === 20) finished |= FINISHED;
    }
  }
  while (q + 4 <= recEnd) {
    const ht = b[q];
    const hl = u24(b, q + 1);
    if (q + 4 + hl > recEnd) {
      dir.pending = { type: ht, remaining: q + 4 + hl - recEnd, parts: [b.slice(q, recEnd)] };
      names.push(`[${HS_TYPES[ht] ?? 'Unknown Handshake Message'} Fragment]`);
      break;
    }
    p.open('tls.handshake', q, 4 + hl, `Handshake Protocol: ${HS_TYPES[ht] ?? 'Unknown'}`);
    p.add('tls.handshake.type', q, 1, ht);
    p.add('tls.handshake.length', q + 1, 3, hl);
    const versionBefore = c.version;
    dissectHandshakeBody(p, s, b, q + 4, q + 4 + hl, ht, c);
    p.close();
    names.push(HS_TYPES[ht] ?? 'Unknown Handshake Message');
    if (ht === 1) c.clientPort = s.net.srcPort;
    if (ht === 2 && versionBefore === 0 && c.version === 0) c.version = u16(b, q + 4);
    if (ht === 20) finished |= FINISHED;
    if (ht === 24) finished |= KEY_UPDATE;
    q += 4 + hl;
  }
  return finished;
}

// ---------------------------------------------------------------------------------------------
// Records

interface AppData {
  dir: TlsDir;
  data: Uint8Array;
  source: number;
}

function alertName(level: number, desc: number): string {
  return `Alert (Level: ${ALERT_LEVELS[level] ?? 'Unknown'}, Description: ${ALERT_DESCRIPTIONS[desc] ?? 'Unknown'})`;
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
  const client = isClientSide(c, srcPort, s.net.dstPort);
  let o = off;
  const names: string[] = [];
  let proto = '';
  let apps: AppData[] | null = null;
  p.proto('tls', off, 0);
  while (o + 5 <= end) {
    const ct = b[o];
    const rv = u16(b, o + 1);
    const len = u16(b, o + 3);
    if (!looksLikeTls(b, o, end)) break;
    if (o + 5 + len > end) break;
    const d = o + 5;
    const dir = client ? c.client : c.server;
    const tls13 = c.version === 0x0304;
    // Encrypted: TLS 1.3 application_data records, anything after a TLS ≤ 1.2 ChangeCipherSpec.
    const encrypted = tls13 ? ct === 23 : dir.ccs && ct !== 20;
    let opened: { type: number; data: Uint8Array } | null = null;
    if (encrypted) {
      if (tls13) opened = open13(s, c, dir, client, b, o, len);
      else opened = decoderFor(s, c, dir, client)?.open(b, o, len) ?? null;
    }
    const type = opened ? opened.type : ct;
    p.open('tls.record', o, 5 + len, `${VERSIONS[tls13 && ct === 23 ? 0x0304 : rv] ?? 'TLS'} Record Layer: ${CONTENT_TYPES[type] ?? 'Unknown'} Protocol`);
    if (tls13 && ct === 23) p.add('tls.record.opaque_type', o, 1, ct);
    else p.add('tls.record.content_type', o, 1, ct);
    p.add('tls.record.version', o + 1, 2, rv);
    p.add('tls.record.length', o + 3, 2, len);
    // The decrypted bytes: Wireshark's "Decrypted TLS" tab; items below point into it.
    let source = -1;
    if (opened) {
      if (tls13) p.gen('tls.record.content_type', type, `[Content Type: ${CONTENT_TYPES[type] ?? 'Unknown'} (${type})]`, o, 1);
      source = p.addSource(`Decrypted TLS (${opened.data.length} bytes)`, opened.data);
    }
    let recVersion = rv;
    if (type === 22) {
      if (opened) {
        const outer = p.buf;
        const prev = p.enterSource(source);
        p.buf = opened.data;
        const flags = dissectHandshakes(p, s, c, dir, opened.data, 0, opened.data.length, names);
        p.buf = outer;
        p.enterSource(prev);
        if (flags & FINISHED && tls13 && !dir.appKeys) {
          // This side's handshake is over: its next records use the application traffic secret.
          dir.appKeys = true;
          dir.decoder = null;
          dir.missed = -1;
        } else if (flags & KEY_UPDATE && tls13 && dir.decoder instanceof Tls13Decoder) {
          dir.decoder = dir.decoder.next(); // this side's next records use the updated secret
        }
      } else if (encrypted) names.push('Encrypted Handshake Message');
      else {
        const hadServerHello = c.version === 0x0304;
        dissectHandshakes(p, s, c, dir, b, d, d + len, names);
        if (!hadServerHello && c.version === 0x0304) recVersion = 0x0304;
      }
    } else if (type === 20 && !opened) {
      p.add('tls.change_cipher_spec', d, len);
      names.push('Change Cipher Spec');
      if (c.version !== 0x0304) dir.ccs = true;
    } else if (type === 21) {
      const ab = opened ? opened.data : b;
      const ao = opened ? 0 : d;
      if (encrypted && !opened) names.push('Encrypted Alert');
      else if (ab.length >= ao + 2) {
        const prev = p.enterSource(source);
        p.open('tls.alert_message', ao, 2, 'Alert Message');
        p.add('tls.alert_message.level', ao, 1, ab[ao]);
        p.add('tls.alert_message.desc', ao + 1, 1, ab[ao + 1]);
        p.close();
        p.enterSource(prev);
        names.push(alertName(ab[ao], ab[ao + 1]));
      }
    } else if (type === 23) {
      if (p.want('tls.app_data')) p.add('tls.app_data', d, len, b.slice(d, d + len));
      names.push('Application Data');
      if (opened && opened.data.length > 0 && (apps ??= []).length < 64) {
        if (c.http === null && !c.h2 && (c.alpn === 'h2' || startsWithPreface(opened.data, 0, opened.data.length))) c.h2 = newHttp2Conn();
        if (c.h2) p.gen('tls.app_data_proto', 'HyperText Transfer Protocol 2', '[Application Data Protocol: HyperText Transfer Protocol 2]', d, len);
        else if (c.http === null) c.http = c.alpn === 'http/1.1' || looksLikeHttp(opened.data, 0, opened.data.length);
        // tshark names the protocol when ALPN chose it (not when its heuristics found HTTP)
        if (c.http && c.alpn === 'http/1.1') p.gen('tls.app_data_proto', 'Hypertext Transfer Protocol', '[Application Data Protocol: Hypertext Transfer Protocol]', d, len);
        apps.push({ dir, data: opened.data, source });
      }
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
      // tshark appends each record with ", " to a column that is not empty: after TCP's fenced
      // analysis text ("[TCP Fast Retransmission] , Application Data") too.
      p.setInfo((p.fence ? ', ' : '') + names.join(', '));
    }
  }
  if (apps && c.h2) {
    if (p.needProto('http2')) for (const a of apps) dissectHttp2Record(p, s, c.h2, a.dir === c.client, a.data, a.source);
  } else if (apps && c.http && p.needProto('http')) {
    let completed = false;
    let waiting = false;
    for (const a of apps) {
      const r = dissectAppData(p, s, a);
      completed ||= r.completed;
      waiting = r.waiting;
    }
    if (waiting && !completed && p.columns && !s.net.inError) p.setInfo('[TLS segment of a reassembled PDU]');
  } else if (apps && c.http === false) {
    // No protocol known inside: tshark shows the plaintext as data
    for (const a of apps) {
      const prev = p.enterSource(a.source);
      const outer = p.buf;
      p.buf = a.data;
      dissectData(p, a.data, 0, a.data.length);
      p.buf = outer;
      p.enterSource(prev);
    }
  }
  return o - off;
}

/**
 * Hands decrypted application data to HTTP, keeping what an unfinished message still needs.
 * Reports whether a message was completed and whether bytes are left waiting for later records.
 */
function dissectAppData(p: Packet, s: DissectSession, a: AppData): { completed: boolean; waiting: boolean } {
  const dir = a.dir;
  let data = a.data;
  let source = a.source;
  if (dir.app) {
    const joined = new Uint8Array(dir.app.length + data.length);
    joined.set(dir.app, 0);
    joined.set(data, dir.app.length);
    data = joined;
    dir.app = null;
    source = p.addSource(`Reassembled TLS (${data.length} bytes)`, data);
  }
  const outer = p.buf;
  const prev = p.enterSource(source);
  const scheme = httpContext.scheme;
  httpContext.scheme = 'https';
  httpContext.insideTls = true;
  p.buf = data;
  let o = 0;
  let completed = false;
  let waiting = false;
  for (let rounds = 0; o < data.length && rounds < 100; rounds++) {
    const protocol = p.protocol;
    const info = p.info;
    p.desegmentLen = 0;
    const depth = p.depth;
    let used: number;
    try {
      used = httpStream.dissect(p, s, data, o, data.length, true);
    } catch {
      p.closeTo(depth);
      p.malformedAt('http', o);
      break;
    }
    if (used < 0) break;
    if (p.desegmentLen > 0) {
      // Wait for the next records of this direction (bounded like TCP reassembly).
      if (data.length - o - used < 1 << 22) dir.app = data.slice(o + used);
      waiting = dir.app !== null;
      completed ||= used > 0;
      p.desegmentLen = 0;
      p.protocol = protocol;
      p.info = info;
      break;
    }
    if (used === 0) break;
    completed = true;
    o += used;
  }
  httpContext.scheme = scheme;
  httpContext.insideTls = false;
  p.buf = outer;
  p.enterSource(prev);
  return { completed, waiting };
}

export const tlsStream: StreamProtocol = {
  name: 'tls',
  dissect: dissectTls,
  heuristic: looksLikeTls,
};
