// TLS bytes (RFC 8446 TLS 1.3, RFC 5246 TLS 1.2 framing): record layer, handshake framing across
// records, hello messages with typed extensions, the TLS 1.3 handshake messages, alerts and
// ChangeCipherSpec, plus IANA name tables as Wireshark shows them. No cryptography here: encrypted
// records stay opaque. Parsing never throws; unknown code points are kept.

import type { ParseError, ParseResult } from '../addr/result';

export type TlsResult<T> = ParseResult<T>;
const fail = (message: string, offset: number): { ok: false; error: ParseError } => ({ ok: false, error: { message, offset } });

export const TlsContentType = { CHANGE_CIPHER_SPEC: 20, ALERT: 21, HANDSHAKE: 22, APPLICATION_DATA: 23, HEARTBEAT: 24 } as const;
export const TlsVersion = { SSL3: 0x0300, TLS10: 0x0301, TLS11: 0x0302, TLS12: 0x0303, TLS13: 0x0304 } as const;

/** Record header: type(1) version(2) length(2). */
export const RECORD = { TYPE: 0, VERSION: 1, LENGTH: 3, HEADER_LEN: 5 } as const;
export const MAX_PLAINTEXT = 1 << 14;
/** RFC 8446 §5.2: a TLSCiphertext fragment may be 2^14 + 256 bytes. */
export const MAX_RECORD_LENGTH = (1 << 14) + 256;
/** Handshake header: msg_type(1) length(3). */
export const HANDSHAKE_HEADER_LEN = 4;

export const HandshakeType = {
  HELLO_REQUEST: 0, CLIENT_HELLO: 1, SERVER_HELLO: 2, NEW_SESSION_TICKET: 4, END_OF_EARLY_DATA: 5,
  ENCRYPTED_EXTENSIONS: 8, CERTIFICATE: 11, SERVER_KEY_EXCHANGE: 12, CERTIFICATE_REQUEST: 13, SERVER_HELLO_DONE: 14,
  CERTIFICATE_VERIFY: 15, CLIENT_KEY_EXCHANGE: 16, FINISHED: 20, KEY_UPDATE: 24, MESSAGE_HASH: 254,
} as const;

export const ExtensionType = {
  SERVER_NAME: 0, STATUS_REQUEST: 5, SUPPORTED_GROUPS: 10, EC_POINT_FORMATS: 11, SIGNATURE_ALGORITHMS: 13, ALPN: 16,
  PADDING: 21, ENCRYPT_THEN_MAC: 22, EXTENDED_MASTER_SECRET: 23, SESSION_TICKET: 35, PRE_SHARED_KEY: 41, EARLY_DATA: 42,
  SUPPORTED_VERSIONS: 43, COOKIE: 44, PSK_KEY_EXCHANGE_MODES: 45, POST_HANDSHAKE_AUTH: 49, KEY_SHARE: 51,
  RENEGOTIATION_INFO: 0xff01,
} as const;

// ---------------------------------------------------------------------------------------------
// Name tables (Wireshark's value strings)

export const CONTENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data', 24: 'Heartbeat',
};

export const VERSION_NAMES: Readonly<Record<number, string>> = {
  0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3',
};

export const HANDSHAKE_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Hello Request', 1: 'Client Hello', 2: 'Server Hello', 3: 'Hello Verify Request', 4: 'New Session Ticket',
  5: 'End of Early Data', 6: 'Hello Retry Request', 8: 'Encrypted Extensions', 11: 'Certificate', 12: 'Server Key Exchange',
  13: 'Certificate Request', 14: 'Server Hello Done', 15: 'Certificate Verify', 16: 'Client Key Exchange', 20: 'Finished',
  21: 'Certificate URL', 22: 'Certificate Status', 23: 'Supplemental Data', 24: 'Key Update', 25: 'Compressed Certificate',
  254: 'Message Hash',
};

export const EXTENSION_NAMES: Readonly<Record<number, string>> = {
  0: 'server_name', 1: 'max_fragment_length', 2: 'client_certificate_url', 3: 'trusted_ca_keys', 4: 'truncated_hmac',
  5: 'status_request', 6: 'user_mapping', 7: 'client_authz', 8: 'server_authz', 9: 'cert_type', 10: 'supported_groups',
  11: 'ec_point_formats', 12: 'srp', 13: 'signature_algorithms', 14: 'use_srtp', 15: 'heartbeat',
  16: 'application_layer_protocol_negotiation', 17: 'status_request_v2', 18: 'signed_certificate_timestamp',
  19: 'client_certificate_type', 20: 'server_certificate_type', 21: 'padding', 22: 'encrypt_then_mac',
  23: 'extended_master_secret', 24: 'token_binding', 25: 'cached_info', 27: 'compress_certificate', 28: 'record_size_limit',
  34: 'delegated_credentials', 35: 'session_ticket', 41: 'pre_shared_key', 42: 'early_data', 43: 'supported_versions',
  44: 'cookie', 45: 'psk_key_exchange_modes', 47: 'certificate_authorities', 48: 'oid_filters', 49: 'post_handshake_auth',
  50: 'signature_algorithms_cert', 51: 'key_share', 52: 'transparency_info', 54: 'connection_id', 55: 'external_id_hash',
  56: 'external_session_id', 57: 'quic_transport_parameters', 58: 'ticket_request', 59: 'dnssec_chain',
  17513: 'application_settings', 65037: 'encrypted_client_hello', 65281: 'renegotiation_info',
};

export const CIPHER_SUITE_NAMES: Readonly<Record<number, string>> = {
  0x0000: 'TLS_NULL_WITH_NULL_NULL', 0x002f: 'TLS_RSA_WITH_AES_128_CBC_SHA', 0x0033: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA',
  0x0035: 'TLS_RSA_WITH_AES_256_CBC_SHA', 0x0039: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 0x003c: 'TLS_RSA_WITH_AES_128_CBC_SHA256',
  0x003d: 'TLS_RSA_WITH_AES_256_CBC_SHA256', 0x0067: 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256',
  0x006b: 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 0x009c: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  0x009d: 'TLS_RSA_WITH_AES_256_GCM_SHA384', 0x009e: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  0x009f: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 0x00ff: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV', 0x5600: 'TLS_FALLBACK_SCSV',
  0x1301: 'TLS_AES_128_GCM_SHA256', 0x1302: 'TLS_AES_256_GCM_SHA384', 0x1303: 'TLS_CHACHA20_POLY1305_SHA256',
  0x1304: 'TLS_AES_128_CCM_SHA256', 0x1305: 'TLS_AES_128_CCM_8_SHA256',
  0xc009: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 0xc00a: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  0xc013: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 0xc014: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  0xc023: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 0xc024: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
  0xc027: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 0xc028: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384',
  0xc02b: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 0xc02c: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  0xc02f: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 0xc030: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  0xcca8: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 0xcca9: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  0xccaa: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
};

export const GROUP_NAMES: Readonly<Record<number, string>> = {
  0x0017: 'secp256r1', 0x0018: 'secp384r1', 0x0019: 'secp521r1', 0x001d: 'x25519', 0x001e: 'x448',
  0x0100: 'ffdhe2048', 0x0101: 'ffdhe3072', 0x0102: 'ffdhe4096', 0x0103: 'ffdhe6144', 0x0104: 'ffdhe8192',
  0x6399: 'X25519Kyber768Draft00', 0x11ec: 'X25519MLKEM768',
};

export const SIGNATURE_SCHEME_NAMES: Readonly<Record<number, string>> = {
  0x0201: 'rsa_pkcs1_sha1', 0x0203: 'ecdsa_sha1', 0x0401: 'rsa_pkcs1_sha256', 0x0403: 'ecdsa_secp256r1_sha256',
  0x0501: 'rsa_pkcs1_sha384', 0x0503: 'ecdsa_secp384r1_sha384', 0x0601: 'rsa_pkcs1_sha512', 0x0603: 'ecdsa_secp521r1_sha512',
  0x0804: 'rsa_pss_rsae_sha256', 0x0805: 'rsa_pss_rsae_sha384', 0x0806: 'rsa_pss_rsae_sha512', 0x0807: 'ed25519',
  0x0808: 'ed448', 0x0809: 'rsa_pss_pss_sha256', 0x080a: 'rsa_pss_pss_sha384', 0x080b: 'rsa_pss_pss_sha512',
  // Wireshark's names for the TLS 1.2 (hash, signature) pairs that have no TLS 1.3 name:
  0x0301: 'SHA224 RSA', 0x0302: 'SHA224 DSA', 0x0303: 'SHA224 ECDSA', 0x0402: 'SHA256 DSA', 0x0502: 'SHA384 DSA', 0x0602: 'SHA512 DSA',
};

export const ALERT_LEVEL_NAMES: Readonly<Record<number, string>> = { 1: 'Warning', 2: 'Fatal' };

export const ALERT_DESCRIPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'Close Notify', 10: 'Unexpected Message', 20: 'Bad Record MAC', 21: 'Decryption Failed', 22: 'Record Overflow',
  30: 'Decompression Failure', 40: 'Handshake Failure', 41: 'No Certificate', 42: 'Bad Certificate',
  43: 'Unsupported Certificate', 44: 'Certificate Revoked', 45: 'Certificate Expired', 46: 'Certificate Unknown',
  47: 'Illegal Parameter', 48: 'Unknown CA', 49: 'Access Denied', 50: 'Decode Error', 51: 'Decrypt Error',
  60: 'Export Restriction', 70: 'Protocol Version', 71: 'Insufficient Security', 80: 'Internal Error',
  86: 'Inappropriate Fallback', 90: 'User Canceled', 100: 'No Renegotiation', 109: 'Missing Extension',
  110: 'Unsupported Extension', 111: 'Certificate Unobtainable', 112: 'Unrecognized Name',
  113: 'Bad Certificate Status Response', 114: 'Bad Certificate Hash Value', 115: 'Unknown PSK Identity',
  116: 'Certificate Required', 120: 'No application Protocol',
};

export const PSK_MODE_NAMES: Readonly<Record<number, string>> = { 0: 'psk_ke', 1: 'psk_dhe_ke' };

/** GREASE values (RFC 8701): 0x0a0a, 0x1a1a, … 0xfafa. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);
}

const hex4 = (v: number) => '0x' + v.toString(16).padStart(4, '0');
const named = (table: Readonly<Record<number, string>>, v: number, grease = false) =>
  table[v] ?? (grease && isGrease(v) ? 'Reserved (GREASE)' : `Unknown (${hex4(v)})`);

export const cipherSuiteName = (v: number) => named(CIPHER_SUITE_NAMES, v, true);
export const extensionName = (v: number) => named(EXTENSION_NAMES, v, true);
export const groupName = (v: number) => named(GROUP_NAMES, v, true);
export const signatureSchemeName = (v: number) => named(SIGNATURE_SCHEME_NAMES, v);
export const versionName = (v: number) => named(VERSION_NAMES, v, true);
export const handshakeTypeName = (v: number) => HANDSHAKE_TYPE_NAMES[v] ?? `Unknown (${v})`;
export const contentTypeName = (v: number) => CONTENT_TYPE_NAMES[v] ?? `Unknown (${v})`;
export const alertLevelName = (v: number) => ALERT_LEVEL_NAMES[v] ?? `Unknown (${v})`;
export const alertDescriptionName = (v: number) => ALERT_DESCRIPTION_NAMES[v] ?? `Unknown (${v})`;

// ---------------------------------------------------------------------------------------------
// Record layer

export interface TlsRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
  /** Offset of the record header in the buffer/stream it was read from. */
  offset: number;
}

export type RecordRead = { ok: true; value: { record: TlsRecord; end: number } } | { ok: false; error: ParseError; incomplete?: boolean };

/**
 * Reads one record at `off`. A record cut short is `incomplete: true` (wait for more bytes);
 * a bad header is a plain error. `base` is added to reported offsets (stream position of buf[0]).
 */
export function parseTlsRecord(buf: Uint8Array, off = 0, base = 0): RecordRead {
  if (buf.length - off < RECORD.HEADER_LEN) return { ...fail('record header incomplete', base + off), incomplete: true };
  const type = buf[off];
  const version = (buf[off + 1] << 8) | buf[off + 2];
  const length = (buf[off + 3] << 8) | buf[off + 4];
  if (type < 20 || type > 63) return fail(`unknown record content type ${type}`, base + off);
  if (buf[off + 1] !== 3) return fail(`record version ${hex4(version)} is not SSL 3.x/TLS`, base + off + 1);
  if (length > MAX_RECORD_LENGTH) return fail(`record length ${length} exceeds 2^14+256`, base + off + 3);
  if (buf.length - off - RECORD.HEADER_LEN < length) return { ...fail(`record of ${length} bytes incomplete`, base + off), incomplete: true };
  const start = off + RECORD.HEADER_LEN;
  return { ok: true, value: { record: { type, version, fragment: buf.subarray(start, start + length), offset: base + off }, end: start + length } };
}

export function emitTlsRecord(type: number, version: number, fragment: Uint8Array): Uint8Array {
  if (fragment.length > MAX_RECORD_LENGTH) throw new TlsEmitError(`record fragment of ${fragment.length} bytes exceeds 2^14+256`);
  const out = new Uint8Array(RECORD.HEADER_LEN + fragment.length);
  out[0] = type; out[1] = version >> 8; out[2] = version; out[3] = fragment.length >> 8; out[4] = fragment.length;
  out.set(fragment, RECORD.HEADER_LEN);
  return out;
}

/** Splits a payload into records of at most `max` bytes (2^14 by default), as a sender must. */
export function emitTlsRecords(type: number, version: number, payload: Uint8Array, max = MAX_PLAINTEXT): Uint8Array {
  const parts: Uint8Array[] = [];
  let o = 0;
  do {
    const n = Math.min(max, payload.length - o);
    parts.push(emitTlsRecord(type, version, payload.subarray(o, o + n)));
    o += n;
  } while (o < payload.length);
  return concat(parts);
}

export class TlsEmitError extends Error {}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stream reader: records and handshake messages spanning records

export interface ByteRange {
  offset: number;
  length: number;
}

export interface HandshakeMessage {
  type: number;
  /** The whole message body (after the 4-byte header), reassembled across records. */
  body: Uint8Array;
  /** Where its bytes (header included) lie in the stream: one range per record it spans. */
  fragments: ByteRange[];
}

export interface TlsStreamEvent {
  record: TlsRecord;
  /** Handshake messages completed by this record. */
  handshakes: HandshakeMessage[];
  /**
   * True for records we cannot read: application data, and handshake records after a
   * ChangeCipherSpec (TLS 1.2 encrypted Finished).
   */
  encrypted: boolean;
}

export interface TlsStreamOptions {
  /** Largest handshake message accepted (default 2^18, ample for certificate chains). */
  maxHandshake?: number;
}

/**
 * Reads one direction of a TLS connection from a reassembled TCP stream, chunk by chunk. Handles
 * handshake messages split over several records and several messages in one record.
 */
export class TlsStreamReader {
  private buf = new Uint8Array(0);
  private base = 0;
  private hs = new Uint8Array(0);
  private hsFrags: ByteRange[] = [];
  private cipherOn = false;
  private err: ParseError | undefined;
  private readonly maxHandshake: number;

  constructor(options: TlsStreamOptions = {}) {
    this.maxHandshake = options.maxHandshake ?? 1 << 18;
  }

  push(data: Uint8Array): { events: TlsStreamEvent[]; error?: ParseError } {
    if (this.err) return { events: [], error: this.err };
    if (data.length) {
      const next = new Uint8Array(this.buf.length + data.length);
      next.set(this.buf);
      next.set(data, this.buf.length);
      this.buf = next;
    }
    const events: TlsStreamEvent[] = [];
    let off = 0;
    for (;;) {
      const r = parseTlsRecord(this.buf, off, this.base);
      if (!r.ok) {
        if (!r.incomplete) this.err = r.error;
        break;
      }
      const rec = { ...r.value.record, fragment: r.value.record.fragment.slice() };
      const ev: TlsStreamEvent = { record: rec, handshakes: [], encrypted: false };
      if (rec.type === TlsContentType.CHANGE_CIPHER_SPEC) this.cipherOn = true;
      else if (rec.type === TlsContentType.APPLICATION_DATA) ev.encrypted = true;
      else if (rec.type === TlsContentType.HANDSHAKE) {
        if (this.cipherOn) ev.encrypted = true;
        else {
          const e = this.addHandshake(rec, ev.handshakes);
          if (e) { this.err = e; events.push(ev); break; }
        }
      }
      events.push(ev);
      off = r.value.end;
    }
    this.base += off;
    this.buf = this.buf.slice(off);
    return this.err ? { events, error: this.err } : { events };
  }

  /** The stream ended: leftover bytes mean a truncated record or handshake message. */
  end(): { error?: ParseError } {
    if (this.err) return { error: this.err };
    if (this.buf.length) return { error: { message: `stream ends inside a record (${this.buf.length} bytes left)`, offset: this.base } };
    if (this.hs.length) return { error: { message: 'stream ends inside a handshake message', offset: this.hsFrags[0]?.offset ?? this.base } };
    return {};
  }

  private addHandshake(rec: TlsRecord, out: HandshakeMessage[]): ParseError | null {
    const data = rec.fragment;
    if (data.length === 0) return { message: 'empty handshake record', offset: rec.offset };
    let pos = 0;
    const fragStart = rec.offset + RECORD.HEADER_LEN;
    while (pos < data.length) {
      // Continue a pending message, or start a new one.
      const needHeader = HANDSHAKE_HEADER_LEN - this.hs.length;
      const take = (n: number) => {
        const piece = data.subarray(pos, pos + n);
        const joined = new Uint8Array(this.hs.length + piece.length);
        joined.set(this.hs);
        joined.set(piece, this.hs.length);
        this.hs = joined;
        const last = this.hsFrags[this.hsFrags.length - 1];
        if (last && last.offset + last.length === fragStart + pos) last.length += n;
        else this.hsFrags.push({ offset: fragStart + pos, length: n });
        pos += n;
      };
      if (needHeader > 0) {
        take(Math.min(needHeader, data.length - pos));
        if (this.hs.length < HANDSHAKE_HEADER_LEN) return null;
      }
      const len = (this.hs[1] << 16) | (this.hs[2] << 8) | this.hs[3];
      if (len > this.maxHandshake) return { message: `handshake message of ${len} bytes exceeds the ${this.maxHandshake}-byte limit`, offset: this.hsFrags[0].offset };
      const missing = HANDSHAKE_HEADER_LEN + len - this.hs.length;
      take(Math.min(missing, data.length - pos));
      if (this.hs.length === HANDSHAKE_HEADER_LEN + len) {
        out.push({ type: this.hs[0], body: this.hs.subarray(HANDSHAKE_HEADER_LEN), fragments: this.hsFrags });
        this.hs = new Uint8Array(0);
        this.hsFrags = [];
      }
    }
    return null;
  }
}

/** Splits a byte string of handshake messages (e.g. decrypted TLS 1.3 records) into messages. */
export function splitHandshakes(data: Uint8Array): TlsResult<{ type: number; body: Uint8Array; offset: number }[]> {
  const out: { type: number; body: Uint8Array; offset: number }[] = [];
  let o = 0;
  while (o < data.length) {
    if (o + HANDSHAKE_HEADER_LEN > data.length) return fail('truncated handshake header', o);
    const len = (data[o + 1] << 16) | (data[o + 2] << 8) | data[o + 3];
    if (o + HANDSHAKE_HEADER_LEN + len > data.length) return fail(`handshake message of ${len} bytes is truncated`, o);
    out.push({ type: data[o], body: data.subarray(o + 4, o + 4 + len), offset: o });
    o += HANDSHAKE_HEADER_LEN + len;
  }
  return { ok: true, value: out };
}

export function emitHandshake(type: number, body: Uint8Array): Uint8Array {
  if (body.length > 0xffffff) throw new TlsEmitError('handshake body longer than 2^24-1');
  const out = new Uint8Array(HANDSHAKE_HEADER_LEN + body.length);
  out[0] = type; out[1] = body.length >> 16; out[2] = body.length >> 8; out[3] = body.length;
  out.set(body, HANDSHAKE_HEADER_LEN);
  return out;
}

// ---------------------------------------------------------------------------------------------
// A bounds-checked reader for handshake bodies (errors carry the offset within the body).

class Cursor {
  pos: number;
  constructor(readonly b: Uint8Array, start = 0, readonly end = b.length) { this.pos = start; }
  get left() { return this.end - this.pos; }
  need(n: number, what: string) {
    if (this.pos + n > this.end) throw new TlsParseError(`${what} truncated`, this.pos);
  }
  u8(what: string) { this.need(1, what); return this.b[this.pos++]; }
  u16(what: string) { this.need(2, what); const v = (this.b[this.pos] << 8) | this.b[this.pos + 1]; this.pos += 2; return v; }
  u24(what: string) { this.need(3, what); const v = (this.b[this.pos] << 16) | (this.b[this.pos + 1] << 8) | this.b[this.pos + 2]; this.pos += 3; return v; }
  u32(what: string) { this.need(4, what); const v = ((this.b[this.pos] << 24) | (this.b[this.pos + 1] << 16) | (this.b[this.pos + 2] << 8) | this.b[this.pos + 3]) >>> 0; this.pos += 4; return v; }
  bytes(n: number, what: string) { this.need(n, what); const v = this.b.slice(this.pos, this.pos + n); this.pos += n; return v; }
  vec8(what: string) { return this.bytes(this.u8(what + ' length'), what); }
  vec16(what: string) { return this.bytes(this.u16(what + ' length'), what); }
  vec24(what: string) { return this.bytes(this.u24(what + ' length'), what); }
  sub(n: number, what: string) { this.need(n, what); const c = new Cursor(this.b, this.pos, this.pos + n); this.pos += n; return c; }
  done(what: string) { if (this.pos !== this.end) throw new TlsParseError(`${this.end - this.pos} unexpected bytes after ${what}`, this.pos); }
}

/** Internal: thrown by Cursor and caught at every public entry point, never escaping. */
class TlsParseError {
  constructor(readonly error: string, readonly offset: number) {}
}

function guard<T>(f: () => T): TlsResult<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof TlsParseError) return fail(e.error, e.offset);
    throw e;
  }
}

function u16List(d: Uint8Array, what: string): number[] {
  if (d.length % 2) throw new TlsParseError(`${what} has an odd length`, 0);
  const out: number[] = [];
  for (let i = 0; i < d.length; i += 2) out.push((d[i] << 8) | d[i + 1]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Extensions

export interface TlsExtension {
  type: number;
  data: Uint8Array;
}

export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}

export type ExtensionContext = 'client_hello' | 'server_hello' | 'hello_retry_request' | 'encrypted_extensions' | 'certificate' | 'new_session_ticket';

/** Typed view of the extensions this codec understands; everything else is 'raw'. */
export type ExtensionValue =
  | { kind: 'server_name'; names: { type: number; name: string }[] } // empty list in a server's ack
  | { kind: 'alpn'; protocols: string[] }
  | { kind: 'supported_versions'; versions: number[] } // client list
  | { kind: 'selected_version'; version: number } // ServerHello / HRR
  | { kind: 'key_share_client'; entries: KeyShareEntry[] }
  | { kind: 'key_share_server'; entry: KeyShareEntry }
  | { kind: 'key_share_hrr'; selectedGroup: number }
  | { kind: 'signature_algorithms'; schemes: number[] }
  | { kind: 'supported_groups'; groups: number[] }
  | { kind: 'psk_key_exchange_modes'; modes: number[] }
  | { kind: 'raw'; type: number; data: Uint8Array };

const latin1 = (d: Uint8Array) => { let s = ''; for (let i = 0; i < d.length; i++) s += String.fromCharCode(d[i]); return s; };
const fromLatin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

export function decodeExtension(ext: TlsExtension, context: ExtensionContext): TlsResult<ExtensionValue> {
  return guard(() => {
    const c = new Cursor(ext.data);
    switch (ext.type) {
      case ExtensionType.SERVER_NAME: {
        if (ext.data.length === 0) return { kind: 'server_name', names: [] };
        const list = c.sub(c.u16('server name list length'), 'server name list');
        c.done('server_name');
        const names: { type: number; name: string }[] = [];
        while (list.left > 0) names.push({ type: list.u8('name type'), name: latin1(list.vec16('host name')) });
        return { kind: 'server_name', names };
      }
      case ExtensionType.ALPN: {
        const list = c.sub(c.u16('ALPN list length'), 'ALPN list');
        c.done('ALPN');
        const protocols: string[] = [];
        while (list.left > 0) protocols.push(latin1(list.vec8('protocol name')));
        return { kind: 'alpn', protocols };
      }
      case ExtensionType.SUPPORTED_VERSIONS: {
        if (context === 'server_hello' || context === 'hello_retry_request') {
          const version = c.u16('selected version');
          c.done('supported_versions');
          return { kind: 'selected_version', version };
        }
        const d = c.vec8('supported versions');
        c.done('supported_versions');
        return { kind: 'supported_versions', versions: u16List(d, 'supported versions') };
      }
      case ExtensionType.KEY_SHARE: {
        if (context === 'hello_retry_request') {
          const selectedGroup = c.u16('selected group');
          c.done('key_share');
          return { kind: 'key_share_hrr', selectedGroup };
        }
        if (context === 'server_hello') {
          const entry = { group: c.u16('key share group'), keyExchange: c.vec16('key exchange') };
          c.done('key_share');
          return { kind: 'key_share_server', entry };
        }
        const list = c.sub(c.u16('client shares length'), 'client shares');
        c.done('key_share');
        const entries: KeyShareEntry[] = [];
        while (list.left > 0) entries.push({ group: list.u16('key share group'), keyExchange: list.vec16('key exchange') });
        return { kind: 'key_share_client', entries };
      }
      case ExtensionType.SIGNATURE_ALGORITHMS: {
        const d = c.vec16('signature algorithms');
        c.done('signature_algorithms');
        return { kind: 'signature_algorithms', schemes: u16List(d, 'signature algorithms') };
      }
      case ExtensionType.SUPPORTED_GROUPS: {
        const d = c.vec16('supported groups');
        c.done('supported_groups');
        return { kind: 'supported_groups', groups: u16List(d, 'supported groups') };
      }
      case ExtensionType.PSK_KEY_EXCHANGE_MODES: {
        const d = c.vec8('PSK key exchange modes');
        c.done('psk_key_exchange_modes');
        return { kind: 'psk_key_exchange_modes', modes: Array.from(d) };
      }
      default:
        return { kind: 'raw', type: ext.type, data: ext.data };
    }
  });
}

function be16(list: number[]): Uint8Array {
  const out = new Uint8Array(list.length * 2);
  list.forEach((v, i) => { out[2 * i] = v >> 8; out[2 * i + 1] = v; });
  return out;
}

function vec(lenBytes: 1 | 2 | 3, body: Uint8Array): Uint8Array {
  const max = lenBytes === 1 ? 0xff : lenBytes === 2 ? 0xffff : 0xffffff;
  if (body.length > max) throw new TlsEmitError(`vector of ${body.length} bytes exceeds ${max}`);
  const out = new Uint8Array(lenBytes + body.length);
  for (let i = 0; i < lenBytes; i++) out[i] = body.length >> (8 * (lenBytes - 1 - i));
  out.set(body, lenBytes);
  return out;
}

export function encodeExtension(v: ExtensionValue): TlsExtension {
  const E = ExtensionType;
  switch (v.kind) {
    case 'server_name':
      return { type: E.SERVER_NAME, data: v.names.length === 0 ? new Uint8Array(0)
        : vec(2, concat(v.names.map((n) => concat([Uint8Array.of(n.type), vec(2, fromLatin1(n.name))])))) };
    case 'alpn': return { type: E.ALPN, data: vec(2, concat(v.protocols.map((p) => vec(1, fromLatin1(p))))) };
    case 'supported_versions': return { type: E.SUPPORTED_VERSIONS, data: vec(1, be16(v.versions)) };
    case 'selected_version': return { type: E.SUPPORTED_VERSIONS, data: be16([v.version]) };
    case 'key_share_client':
      return { type: E.KEY_SHARE, data: vec(2, concat(v.entries.map((e) => concat([be16([e.group]), vec(2, e.keyExchange)])))) };
    case 'key_share_server': return { type: E.KEY_SHARE, data: concat([be16([v.entry.group]), vec(2, v.entry.keyExchange)]) };
    case 'key_share_hrr': return { type: E.KEY_SHARE, data: be16([v.selectedGroup]) };
    case 'signature_algorithms': return { type: E.SIGNATURE_ALGORITHMS, data: vec(2, be16(v.schemes)) };
    case 'supported_groups': return { type: E.SUPPORTED_GROUPS, data: vec(2, be16(v.groups)) };
    case 'psk_key_exchange_modes': return { type: E.PSK_KEY_EXCHANGE_MODES, data: vec(1, Uint8Array.from(v.modes)) };
    case 'raw': return { type: v.type, data: v.data };
  }
}

function readExtensions(c: Cursor): TlsExtension[] {
  const list = c.sub(c.u16('extensions length'), 'extensions');
  const out: TlsExtension[] = [];
  while (list.left > 0) out.push({ type: list.u16('extension type'), data: list.vec16('extension data') });
  return out;
}

function writeExtensions(exts: TlsExtension[]): Uint8Array {
  return vec(2, concat(exts.map((e) => concat([be16([e.type]), vec(2, e.data)]))));
}

/** The first extension of a type, decoded; undefined if absent. */
export function findExtension(exts: readonly TlsExtension[], type: number, context: ExtensionContext): TlsResult<ExtensionValue> | undefined {
  const e = exts.find((x) => x.type === type);
  return e ? decodeExtension(e, context) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Hello messages

export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** Absent in very old clients; [] when the field is present but empty. */
  extensions: TlsExtension[];
}

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: TlsExtension[];
  /** RFC 8446 §4.1.3: a ServerHello carrying the special random is a HelloRetryRequest. */
  helloRetryRequest: boolean;
}

/** SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest. */
export const HRR_RANDOM = Uint8Array.from([
  0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
  0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
]);

export function parseClientHello(body: Uint8Array): TlsResult<ClientHello> {
  return guard(() => {
    const c = new Cursor(body);
    const legacyVersion = c.u16('legacy_version');
    const random = c.bytes(32, 'random');
    const sessionId = c.vec8('legacy_session_id');
    if (sessionId.length > 32) throw new TlsParseError('legacy_session_id longer than 32 bytes', 34);
    const suites = c.vec16('cipher_suites');
    const compressionMethods = Array.from(c.vec8('legacy_compression_methods'));
    const extensions = c.left > 0 ? readExtensions(c) : [];
    c.done('ClientHello');
    return { legacyVersion, random, sessionId, cipherSuites: u16List(suites, 'cipher_suites'), compressionMethods, extensions };
  });
}

export function emitClientHello(h: ClientHello): Uint8Array {
  if (h.random.length !== 32) throw new TlsEmitError('random must be 32 bytes');
  return emitHandshake(HandshakeType.CLIENT_HELLO, concat([
    be16([h.legacyVersion]), h.random, vec(1, h.sessionId), vec(2, be16(h.cipherSuites)),
    vec(1, Uint8Array.from(h.compressionMethods)), writeExtensions(h.extensions),
  ]));
}

export function parseServerHello(body: Uint8Array): TlsResult<ServerHello> {
  return guard(() => {
    const c = new Cursor(body);
    const legacyVersion = c.u16('legacy_version');
    const random = c.bytes(32, 'random');
    const sessionId = c.vec8('legacy_session_id_echo');
    const cipherSuite = c.u16('cipher_suite');
    const compressionMethod = c.u8('legacy_compression_method');
    const extensions = c.left > 0 ? readExtensions(c) : [];
    c.done('ServerHello');
    const helloRetryRequest = random.every((b, i) => b === HRR_RANDOM[i]);
    return { legacyVersion, random, sessionId, cipherSuite, compressionMethod, extensions, helloRetryRequest };
  });
}

export function emitServerHello(h: Omit<ServerHello, 'helloRetryRequest'>): Uint8Array {
  if (h.random.length !== 32) throw new TlsEmitError('random must be 32 bytes');
  return emitHandshake(HandshakeType.SERVER_HELLO, concat([
    be16([h.legacyVersion]), h.random, vec(1, h.sessionId), be16([h.cipherSuite]), Uint8Array.of(h.compressionMethod),
    writeExtensions(h.extensions),
  ]));
}

/** The version a hello really negotiates: supported_versions if present, else legacy_version. */
export function negotiatedVersion(h: ServerHello): number {
  const sv = findExtension(h.extensions, ExtensionType.SUPPORTED_VERSIONS, 'server_hello');
  return sv?.ok && sv.value.kind === 'selected_version' ? sv.value.version : h.legacyVersion;
}

// ---------------------------------------------------------------------------------------------
// Other handshake messages

export interface EncryptedExtensions {
  extensions: TlsExtension[];
}

export function parseEncryptedExtensions(body: Uint8Array): TlsResult<EncryptedExtensions> {
  return guard(() => {
    const c = new Cursor(body);
    const extensions = readExtensions(c);
    c.done('EncryptedExtensions');
    return { extensions };
  });
}

export function emitEncryptedExtensions(m: EncryptedExtensions): Uint8Array {
  return emitHandshake(HandshakeType.ENCRYPTED_EXTENSIONS, writeExtensions(m.extensions));
}

export interface CertificateEntry {
  /** DER certificate (or raw public key). */
  data: Uint8Array;
  /** TLS 1.3 only; [] for TLS 1.2. */
  extensions: TlsExtension[];
}

export interface CertificateMsg {
  /** TLS 1.3 certificate_request_context; empty for TLS 1.2. */
  requestContext: Uint8Array;
  entries: CertificateEntry[];
}

/** Certificate message; `tls13` selects the RFC 8446 form (context + per-entry extensions). */
export function parseCertificate(body: Uint8Array, tls13: boolean): TlsResult<CertificateMsg> {
  return guard(() => {
    const c = new Cursor(body);
    const requestContext = tls13 ? c.vec8('certificate_request_context') : new Uint8Array(0);
    const list = c.sub(c.u24('certificate_list length'), 'certificate_list');
    c.done('Certificate');
    const entries: CertificateEntry[] = [];
    while (list.left > 0) {
      const data = list.vec24('cert_data');
      entries.push({ data, extensions: tls13 ? readExtensions(list) : [] });
    }
    return { requestContext, entries };
  });
}

export function emitCertificate(m: CertificateMsg, tls13: boolean): Uint8Array {
  const list = concat(m.entries.map((e) => concat([vec(3, e.data), ...(tls13 ? [writeExtensions(e.extensions)] : [])])));
  return emitHandshake(HandshakeType.CERTIFICATE, concat([...(tls13 ? [vec(1, m.requestContext)] : []), vec(3, list)]));
}

export interface CertificateVerify {
  algorithm: number;
  signature: Uint8Array;
}

export function parseCertificateVerify(body: Uint8Array): TlsResult<CertificateVerify> {
  return guard(() => {
    const c = new Cursor(body);
    const v = { algorithm: c.u16('algorithm'), signature: c.vec16('signature') };
    c.done('CertificateVerify');
    return v;
  });
}

export function emitCertificateVerify(m: CertificateVerify): Uint8Array {
  return emitHandshake(HandshakeType.CERTIFICATE_VERIFY, concat([be16([m.algorithm]), vec(2, m.signature)]));
}

export interface Finished {
  verifyData: Uint8Array;
}

/** Finished: verify_data is the whole body (Hash.length bytes, 12 in TLS 1.2). */
export function parseFinished(body: Uint8Array): TlsResult<Finished> {
  if (body.length === 0) return fail('empty Finished', 0);
  return { ok: true, value: { verifyData: body.slice() } };
}

export function emitFinished(m: Finished): Uint8Array {
  return emitHandshake(HandshakeType.FINISHED, m.verifyData);
}

export interface NewSessionTicket {
  lifetime: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  extensions: TlsExtension[];
}

/** TLS 1.3 NewSessionTicket (RFC 8446 §4.6.1). */
export function parseNewSessionTicket(body: Uint8Array): TlsResult<NewSessionTicket> {
  return guard(() => {
    const c = new Cursor(body);
    const v = { lifetime: c.u32('ticket_lifetime'), ageAdd: c.u32('ticket_age_add'), nonce: c.vec8('ticket_nonce'), ticket: c.vec16('ticket'), extensions: [] as TlsExtension[] };
    v.extensions = readExtensions(c);
    c.done('NewSessionTicket');
    return v;
  });
}

export function emitNewSessionTicket(m: NewSessionTicket): Uint8Array {
  const u32 = (n: number) => Uint8Array.of(n >>> 24, n >>> 16, n >>> 8, n);
  return emitHandshake(HandshakeType.NEW_SESSION_TICKET, concat([u32(m.lifetime), u32(m.ageAdd), vec(1, m.nonce), vec(2, m.ticket), writeExtensions(m.extensions)]));
}

// ---------------------------------------------------------------------------------------------
// Alert and ChangeCipherSpec

export interface Alert {
  level: number;
  description: number;
}

export function parseAlert(fragment: Uint8Array): TlsResult<Alert> {
  if (fragment.length !== 2) return fail(`alert of ${fragment.length} bytes (expected 2; encrypted?)`, 0);
  return { ok: true, value: { level: fragment[0], description: fragment[1] } };
}

export function emitAlert(a: Alert): Uint8Array {
  return Uint8Array.of(a.level, a.description);
}

export function parseChangeCipherSpec(fragment: Uint8Array): TlsResult<{ value: number }> {
  if (fragment.length !== 1) return fail(`ChangeCipherSpec of ${fragment.length} bytes (expected 1)`, 0);
  return { ok: true, value: { value: fragment[0] } };
}

export function emitChangeCipherSpec(): Uint8Array {
  return Uint8Array.of(1);
}
