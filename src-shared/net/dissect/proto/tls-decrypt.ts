// Record decryption for the TLS dissector, as Wireshark does it from a key log: TLS 1.3 traffic
// keys from the handshake/application traffic secrets (RFC 8446 §7.3, nonce = IV ⊕ sequence
// number, TLSInnerPlaintext with its content type and zero padding), and TLS 1.2 AES-GCM suites
// from the master secret (RFC 5246 PRF key block, RFC 5288 explicit nonces), and AES-CBC suites
// (RFC 5246 §6.2.3.2 MAC-then-encrypt: explicit IV, HMAC over the plaintext; RFC 7366
// encrypt-then-MAC; TLS 1.1/1.0 with the MD5 ⊕ SHA-1 PRF, TLS 1.0 with chained IVs). Pure TypeScript
// (src-shared/crypto), synchronous, never throws on record bytes.
import { Aes, AesGcm, ChaCha20Poly1305, aesCbcDecrypt, createHash, hkdfExpandLabel, hmac, type HashName } from '../../../crypto';

interface SuiteInfo {
  hash: HashName;
  keyLen: number;
  chacha?: boolean;
}

/** The two AEADs behind TLS suites, opened the same way. */
interface Aead {
  open(nonce: Uint8Array, aad: Uint8Array, data: Uint8Array, off: number, end: number): Uint8Array | null;
}

function aead(info: SuiteInfo, key: Uint8Array): Aead {
  return info.chacha ? new ChaCha20Poly1305(key) : new AesGcm(key);
}

/** TLS 1.3 AEAD suites PacketLab can open. */
const TLS13_SUITES: Record<number, SuiteInfo> = {
  0x1301: { hash: 'sha256', keyLen: 16 }, // TLS_AES_128_GCM_SHA256
  0x1302: { hash: 'sha384', keyLen: 32 }, // TLS_AES_256_GCM_SHA384
  0x1303: { hash: 'sha256', keyLen: 32, chacha: true }, // TLS_CHACHA20_POLY1305_SHA256
};

/** TLS 1.2 AEAD suites: AES-GCM (RFC 5288, RFC 5289) and ChaCha20-Poly1305 (RFC 7905). */
const TLS12_GCM_SUITES: Record<number, SuiteInfo> = {
  0xcca8: { hash: 'sha256', keyLen: 32, chacha: true },
  0xcca9: { hash: 'sha256', keyLen: 32, chacha: true },
  0xccaa: { hash: 'sha256', keyLen: 32, chacha: true },
  0x009c: { hash: 'sha256', keyLen: 16 },
  0x009d: { hash: 'sha384', keyLen: 32 },
  0x009e: { hash: 'sha256', keyLen: 16 },
  0x009f: { hash: 'sha384', keyLen: 32 },
  0xc02b: { hash: 'sha256', keyLen: 16 },
  0xc02c: { hash: 'sha384', keyLen: 32 },
  0xc02f: { hash: 'sha256', keyLen: 16 },
  0xc030: { hash: 'sha384', keyLen: 32 },
};

export interface OpenedRecord {
  /** The real content type (TLS 1.3: from TLSInnerPlaintext; TLS 1.2: the record's). */
  type: number;
  /** Plaintext content (TLS 1.3: without the content type byte and padding). */
  data: Uint8Array;
}

export interface RecordDecoder {
  /** Opens the record whose header starts at b[off] (5-byte header, `len` bytes of body); null if it does not authenticate. */
  open(b: Uint8Array, off: number, len: number): OpenedRecord | null;
}

export function tls13SuiteSupported(suite: number): boolean {
  return suite in TLS13_SUITES;
}

/** TLS 1.2 AES-CBC suites: the record MAC's hash and the PRF's (SHA-256 unless the suite names SHA-384). */
interface CbcSuiteInfo {
  mac: HashName;
  prf: HashName;
  keyLen: number;
}

const CBC_SHA128: CbcSuiteInfo = { mac: 'sha1', prf: 'sha256', keyLen: 16 };
const CBC_SHA256: CbcSuiteInfo = { mac: 'sha1', prf: 'sha256', keyLen: 32 };
const CBC_SHA256_128: CbcSuiteInfo = { mac: 'sha256', prf: 'sha256', keyLen: 16 };
const CBC_SHA256_256: CbcSuiteInfo = { mac: 'sha256', prf: 'sha256', keyLen: 32 };
const CBC_SHA384_256: CbcSuiteInfo = { mac: 'sha384', prf: 'sha384', keyLen: 32 };

const TLS12_CBC_SUITES: Record<number, CbcSuiteInfo> = {
  0x002f: CBC_SHA128, // TLS_RSA_WITH_AES_128_CBC_SHA
  0x0033: CBC_SHA128, // TLS_DHE_RSA_WITH_AES_128_CBC_SHA
  0xc009: CBC_SHA128, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
  0xc013: CBC_SHA128, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
  0x0035: CBC_SHA256, // TLS_RSA_WITH_AES_256_CBC_SHA
  0x0039: CBC_SHA256, // TLS_DHE_RSA_WITH_AES_256_CBC_SHA
  0xc00a: CBC_SHA256, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
  0xc014: CBC_SHA256, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
  0x003c: CBC_SHA256_128, // TLS_RSA_WITH_AES_128_CBC_SHA256
  0x0067: CBC_SHA256_128, // TLS_DHE_RSA_WITH_AES_128_CBC_SHA256
  0xc023: CBC_SHA256_128, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256
  0xc027: CBC_SHA256_128, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256
  0x003d: CBC_SHA256_256, // TLS_RSA_WITH_AES_256_CBC_SHA256
  0x006b: CBC_SHA256_256, // TLS_DHE_RSA_WITH_AES_256_CBC_SHA256
  0xc024: CBC_SHA384_256, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384
  0xc028: CBC_SHA384_256, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384
};

export function tls12SuiteSupported(suite: number): boolean {
  return suite in TLS12_GCM_SUITES || suite in TLS12_CBC_SUITES;
}

/** The TLS 1.2 key block's seed: server random ‖ client random. */
function keyExpansionSeed(clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  const seed = new Uint8Array(64);
  seed.set(serverRandom, 0);
  seed.set(clientRandom, 32);
  return seed;
}

const EMPTY = new Uint8Array(0);

/** One direction of a TLS 1.3 connection under one traffic secret. */
export class Tls13Decoder implements RecordDecoder {
  private readonly gcm: Aead;
  private readonly iv: Uint8Array;
  private readonly nonce = new Uint8Array(12);
  /** Sequence number of the next record. */
  seq = 0;

  constructor(
    private readonly suite: number,
    private readonly secret: Uint8Array,
  ) {
    const info = TLS13_SUITES[suite];
    if (!info) throw new RangeError(`cipher suite 0x${suite.toString(16).padStart(4, '0')} is not supported`);
    this.gcm = aead(info, hkdfExpandLabel(info.hash, secret, 'key', EMPTY, info.keyLen));
    this.iv = hkdfExpandLabel(info.hash, secret, 'iv', EMPTY, 12);
  }

  /** The decoder after a KeyUpdate (RFC 8446 §7.2): the next application traffic secret. */
  next(): Tls13Decoder {
    const hash = TLS13_SUITES[this.suite].hash;
    return new Tls13Decoder(this.suite, hkdfExpandLabel(hash, this.secret, 'traffic upd', EMPTY, this.secret.length));
  }

  open(b: Uint8Array, off: number, len: number): OpenedRecord | null {
    if (off + 5 + len > b.length || len < 17) return null;
    const n = this.nonce;
    n.set(this.iv);
    let s = this.seq;
    for (let i = 11; i >= 4 && s > 0; i--) {
      n[i] ^= s % 256;
      s = Math.floor(s / 256);
    }
    const inner = this.gcm.open(n, b.subarray(off, off + 5), b, off + 5, off + 5 + len);
    if (!inner) return null;
    this.seq++;
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) return null; // all padding: unexpected_message
    return { type: inner[end], data: inner.subarray(0, end) };
  }
}

/** TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label ‖ seed); also the halves of the TLS 1.0/1.1 PRF. */
export function tls12Prf(hash: HashName, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = new Uint8Array(label.length + seed.length);
  for (let i = 0; i < label.length; i++) labelSeed[i] = label.charCodeAt(i);
  labelSeed.set(seed, label.length);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed;
  for (let o = 0; o < length; ) {
    a = hmac(hash, secret, a);
    const chunk = hmac(hash, secret, a, labelSeed);
    out.set(chunk.subarray(0, Math.min(chunk.length, length - o)), o);
    o += chunk.length;
  }
  return out;
}

/** TLS 1.0/1.1 PRF (RFC 4346 §5): P_MD5(S1, …) ⊕ P_SHA1(S2, …) over the secret's two halves. */
export function tls10Prf(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const half = Math.ceil(secret.length / 2);
  const out = tls12Prf('md5', secret.subarray(0, half), label, seed, length);
  const sha = tls12Prf('sha1', secret.subarray(secret.length - half), label, seed, length);
  for (let i = 0; i < length; i++) out[i] ^= sha[i];
  return out;
}

/**
 * One direction of a TLS 1.2 AEAD connection (after its ChangeCipherSpec). AES-GCM records carry
 * an 8-byte explicit nonce after a 4-byte salt; ChaCha20-Poly1305 XORs the sequence number into a
 * 12-byte IV (RFC 7905).
 */
export class Tls12GcmDecoder implements RecordDecoder {
  private readonly gcm: Aead;
  private readonly salt: Uint8Array;
  private readonly chacha: boolean;
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(13);
  seq = 0;

  constructor(info: SuiteInfo, key: Uint8Array, salt: Uint8Array) {
    this.gcm = aead(info, key);
    this.salt = salt;
    this.chacha = info.chacha === true;
  }

  /**
   * Both directions' decoders from the master secret (CLIENT_RANDOM line of the key log), for any
   * TLS 1.2 suite PacketLab opens (AEAD here, CBC through Tls12CbcDecoder).
   */
  static pair(
    suite: number,
    master: Uint8Array,
    clientRandom: Uint8Array,
    serverRandom: Uint8Array,
    encryptThenMac = false,
    version = 0x0303,
  ): { client: RecordDecoder; server: RecordDecoder } | null {
    const info = TLS12_GCM_SUITES[suite];
    if (!info) return Tls12CbcDecoder.pair(suite, master, clientRandom, serverRandom, encryptThenMac, version);
    if (version !== 0x0303) return null;
    const seed = keyExpansionSeed(clientRandom, serverRandom);
    const k = info.keyLen;
    const iv = info.chacha ? 12 : 4;
    const block = tls12Prf(info.hash, master, 'key expansion', seed, 2 * k + 2 * iv);
    return {
      client: new Tls12GcmDecoder(info, block.subarray(0, k), block.subarray(2 * k, 2 * k + iv)),
      server: new Tls12GcmDecoder(info, block.subarray(k, 2 * k), block.subarray(2 * k + iv, 2 * k + 2 * iv)),
    };
  }

  open(b: Uint8Array, off: number, len: number): OpenedRecord | null {
    const explicit = this.chacha ? 0 : 8;
    if (off + 5 + len > b.length || len < explicit + 16) return null;
    const a = this.aad;
    let s = this.seq;
    for (let i = 7; i >= 0; i--) {
      a[i] = s % 256;
      s = Math.floor(s / 256);
    }
    if (this.chacha) {
      this.nonce.set(this.salt, 0);
      for (let i = 0; i < 8; i++) this.nonce[4 + i] ^= a[i];
    } else {
      this.nonce.set(this.salt, 0);
      this.nonce.set(b.subarray(off + 5, off + 13), 4);
    }
    a[8] = b[off];
    a[9] = b[off + 1];
    a[10] = b[off + 2];
    const plainLen = len - explicit - 16;
    a[11] = plainLen >> 8;
    a[12] = plainLen & 0xff;
    const data = this.gcm.open(this.nonce, a, b, off + 5 + explicit, off + 5 + len);
    if (!data) return null;
    this.seq++;
    return { type: b[off], data };
  }
}

/**
 * One direction of a TLS 1.2 AES-CBC connection (RFC 5246 §6.2.3.2): each record is an explicit
 * 16-byte IV and CBC(plaintext ‖ HMAC ‖ padding ‖ padding length); the HMAC covers
 * seq_num ‖ type ‖ version ‖ length ‖ plaintext. As in Wireshark, the sequence number advances once
 * the MAC is checked, matching or not (a record rejected earlier, for its length or an impossible
 * padding length, does not advance it); a record whose MAC fails is not decrypted
 * (tls.ignore_ssl_mac_failed is off).
 * Encrypt-then-MAC records (RFC 7366) are opened too.
 */
export class Tls12CbcDecoder implements RecordDecoder {
  private readonly aes: Aes;
  private readonly macLen: number;
  private readonly header = new Uint8Array(13);
  seq = 0;

  constructor(
    private readonly mac: HashName,
    private readonly macKey: Uint8Array,
    key: Uint8Array,
    /** Encrypt-then-MAC (RFC 7366): the ServerHello carried the encrypt_then_mac extension. */
    private readonly etm = false,
    /** TLS 1.0's implicit IV: the key block's, then the last ciphertext block of the previous record. */
    private readonly chainIv: Uint8Array | null = null,
  ) {
    this.aes = new Aes(key);
    this.macLen = createHash(mac).outputLen;
  }

  /** Both directions from the master secret; TLS 1.0 (0x0301) and 1.1 (0x0302) take the SHA-1 suites with their own PRF. */
  static pair(suite: number, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array, encryptThenMac: boolean, version = 0x0303): { client: Tls12CbcDecoder; server: Tls12CbcDecoder } | null {
    const info = TLS12_CBC_SUITES[suite];
    if (!info || (version !== 0x0303 && (version < 0x0301 || version > 0x0302 || info.mac !== 'sha1'))) return null;
    const m = createHash(info.mac).outputLen;
    const k = info.keyLen;
    // client MAC key, server MAC key, client key, server key, client IV, server IV (the IVs only
    // matter to TLS 1.0; TLS 1.1 and 1.2 records carry explicit IVs).
    const seed = keyExpansionSeed(clientRandom, serverRandom);
    const length = 2 * m + 2 * k + 32;
    const block = version === 0x0303 ? tls12Prf(info.prf, master, 'key expansion', seed, length) : tls10Prf(master, 'key expansion', seed, length);
    const iv = 2 * m + 2 * k;
    const tls10 = version === 0x0301;
    return {
      client: new Tls12CbcDecoder(info.mac, block.subarray(0, m), block.subarray(2 * m, 2 * m + k), encryptThenMac, tls10 ? block.slice(iv, iv + 16) : null),
      server: new Tls12CbcDecoder(info.mac, block.subarray(m, 2 * m), block.subarray(2 * m + k, 2 * m + 2 * k), encryptThenMac, tls10 ? block.slice(iv + 16, iv + 32) : null),
    };
  }

  /** Decrypts `b[from, to)`: TLS 1.1+ take the first block as the IV, TLS 1.0 chains from the previous record's last block. */
  private decrypt(b: Uint8Array, from: number, to: number): Uint8Array | null {
    const iv = this.chainIv;
    if (!iv) return to - from >= 32 ? aesCbcDecrypt(this.aes, b.subarray(from, from + 16), b, from + 16, to) : null;
    if (to - from < 16) return null;
    const plain = aesCbcDecrypt(this.aes, iv, b, from, to);
    if (plain) iv.set(b.subarray(to - 16, to));
    return plain;
  }

  open(b: Uint8Array, off: number, len: number): OpenedRecord | null {
    if (off + 5 + len > b.length) return null;
    return this.etm ? this.openEtm(b, off, len) : this.openMte(b, off, len);
  }

  /** Writes seq_num ‖ type ‖ version ‖ length into the MAC header. */
  private macHeader(b: Uint8Array, off: number, length: number): Uint8Array {
    const h = this.header;
    let seq = this.seq;
    for (let i = 7; i >= 0; i--) {
      h[i] = seq % 256;
      seq = Math.floor(seq / 256);
    }
    h[8] = b[off];
    h[9] = b[off + 1];
    h[10] = b[off + 2];
    h[11] = length >> 8;
    h[12] = length & 0xff;
    return h;
  }

  /** Compares the MAC; the sequence number is spent either way, as in Wireshark's tls_check_mac. */
  private macMatches(expected: Uint8Array, b: Uint8Array, at: number): boolean {
    this.seq++;
    for (let i = 0; i < this.macLen; i++) if (expected[i] !== b[at + i]) return false;
    return true;
  }

  /** RFC 5246 MAC-then-encrypt: IV ‖ CBC(plaintext ‖ MAC ‖ padding ‖ padding length). */
  private openMte(b: Uint8Array, off: number, len: number): OpenedRecord | null {
    const body = off + 5;
    const plain = this.decrypt(b, body, body + len);
    if (!plain) return null;
    const dataLen = plain.length - plain[plain.length - 1] - 1 - this.macLen;
    if (dataLen < 0) return null;
    const data = plain.subarray(0, dataLen);
    const expected = hmac(this.mac, this.macKey, this.macHeader(b, off, dataLen), data);
    return this.macMatches(expected, plain, dataLen) ? { type: b[off], data } : null;
  }

  /**
   * RFC 7366 encrypt-then-MAC: IV ‖ CBC(plaintext ‖ padding ‖ padding length) ‖ MAC, the MAC over
   * the header and IV ‖ ciphertext, checked before decrypting.
   */
  private openEtm(b: Uint8Array, off: number, len: number): OpenedRecord | null {
    const cipherLen = len - this.macLen;
    if (cipherLen < (this.chainIv ? 16 : 32) || cipherLen % 16 !== 0) return null;
    const body = off + 5;
    const expected = hmac(this.mac, this.macKey, this.macHeader(b, off, cipherLen), b.subarray(body, body + cipherLen));
    if (!this.macMatches(expected, b, body + cipherLen)) return null;
    const plain = this.decrypt(b, body, body + cipherLen);
    if (!plain) return null;
    const dataLen = plain.length - plain[plain.length - 1] - 1;
    return dataLen < 0 ? null : { type: b[off], data: plain.subarray(0, dataLen) };
  }
}
