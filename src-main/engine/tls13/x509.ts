// X.509 v3 certificates for the lab's PKI, DER built by hand (RFC 5280): a lab CA and server
// certificates with SAN dNSNames, signed with Ed25519 (deterministic), plus a parser and the
// browser's verifier (chain to a trusted CA, validity in virtual time, RFC 6125 name matching with
// wildcards) with failure reasons named like Chrome's (NET::ERR_CERT_AUTHORITY_INVALID, …).
import { createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { bytesEqual, concatBytes, toHex, utf8 } from './bytes';
import { ed25519Sign, type Ed25519KeyPair } from './keys';

// ---------------------------------------------------------------------------------------------
// DER encoding

function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(tag), derLength(content.length), content]);
}

const seq = (...items: Uint8Array[]) => tlv(0x30, concatBytes(items));
const set = (...items: Uint8Array[]) => tlv(0x31, concatBytes(items));
const explicit = (n: number, inner: Uint8Array) => tlv(0xa0 + n, inner);
const octetString = (b: Uint8Array) => tlv(0x04, b);
const bitString = (b: Uint8Array, unusedBits = 0) => tlv(0x03, concatBytes([Uint8Array.of(unusedBits), b]));
const utf8String = (s: string) => tlv(0x0c, utf8(s));
const boolTrue = () => Uint8Array.of(0x01, 0x01, 0xff);

/** A non-negative INTEGER from big-endian bytes (leading zeros trimmed, sign byte added). */
function integer(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? concatBytes([Uint8Array.of(0), v]) : v);
}

function oid(text: string): Uint8Array {
  const parts = text.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift(0x80 | (v & 0x7f));
    out.push(...stack);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** µs since the epoch -> UTCTime (1950–2049) or GeneralizedTime, as RFC 5280 §4.1.2.5 requires. */
function time(us: number): Uint8Array {
  const d = new Date(Math.floor(us / 1000));
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? tlv(0x17, utf8(p(y % 100) + rest)) : tlv(0x18, utf8(p(y, 4) + rest));
}

export const OID = {
  ed25519: '1.3.101.112',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface DistinguishedName {
  commonName: string;
  organization?: string;
}

function name(dn: DistinguishedName): Uint8Array {
  const rdns: Uint8Array[] = [];
  if (dn.organization) rdns.push(set(seq(oid(OID.organization), utf8String(dn.organization))));
  rdns.push(set(seq(oid(OID.commonName), utf8String(dn.commonName))));
  return seq(...rdns);
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), boolTrue(), octetString(value)) : seq(oid(id), octetString(value));
}

const keyId = (publicKey: Uint8Array) => new Uint8Array(createHash('sha1').update(publicKey).digest());

export interface CertificateSpec {
  /** Big-endian serial bytes (from the lab's seeded source); made positive. */
  serial: Uint8Array;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  /** Validity in µs since the epoch (virtual time plus the lab's epoch). */
  notBefore: number;
  notAfter: number;
  /** Raw Ed25519 public key of the subject. */
  subjectPublicKey: Uint8Array;
  /** Issuer's public key (for the authority key identifier). */
  issuerPublicKey: Uint8Array;
  /** CA certificates get basicConstraints cA=TRUE and keyCertSign. */
  isCa?: boolean;
  /** SAN dNSNames (A-labels for IDNs); "*.example.com" allowed. */
  dnsNames?: string[];
}

/** Builds and signs a certificate (DER). The signature is Ed25519, so the bytes are deterministic. */
export function buildCertificate(spec: CertificateSpec, issuerKey: Ed25519KeyPair): Uint8Array {
  const serial = spec.serial.slice();
  serial[0] &= 0x7f;
  const algorithm = seq(oid(OID.ed25519));
  const exts: Uint8Array[] = [
    extension(OID.basicConstraints, true, spec.isCa ? seq(boolTrue()) : seq()),
    // keyUsage bits: digitalSignature (0) for servers; keyCertSign (5) + cRLSign (6) for CAs.
    extension(OID.keyUsage, true, spec.isCa ? bitString(Uint8Array.of(0x06), 1) : bitString(Uint8Array.of(0x80), 7)),
    extension(OID.subjectKeyId, false, octetString(keyId(spec.subjectPublicKey))),
    extension(OID.authorityKeyId, false, seq(tlv(0x80, keyId(spec.issuerPublicKey)))),
  ];
  if (!spec.isCa) exts.push(extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))));
  if (spec.dnsNames?.length) exts.push(extension(OID.subjectAltName, false, seq(...spec.dnsNames.map((n) => tlv(0x82, utf8(n))))));
  const tbs = seq(
    explicit(0, integer(Uint8Array.of(2))),
    integer(serial),
    algorithm,
    name(spec.issuer),
    seq(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    seq(algorithm, bitString(spec.subjectPublicKey)),
    explicit(3, seq(...exts)),
  );
  return seq(tbs, algorithm, bitString(ed25519Sign(issuerKey, tbs)));
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

// ---------------------------------------------------------------------------------------------
// DER parsing

interface Node {
  tag: number;
  /** Offsets of the whole element and its content. */
  start: number;
  contentStart: number;
  end: number;
}

class DerError extends Error {}

function read(buf: Uint8Array, off: number, limit = buf.length): Node {
  if (off + 2 > limit) throw new DerError(`truncated DER at byte ${off}`);
  const tag = buf[off];
  let len = buf[off + 1];
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new DerError(`bad DER length at byte ${off + 1}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  if (p + len > limit) throw new DerError(`DER element at byte ${off} runs past its container`);
  return { tag, start: off, contentStart: p, end: p + len };
}

function children(buf: Uint8Array, n: Node): Node[] {
  const out: Node[] = [];
  for (let p = n.contentStart; p < n.end; ) {
    const c = read(buf, p, n.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oidText(buf: Uint8Array, n: Node): string {
  const b = buf.subarray(n.contentStart, n.end);
  if (b.length === 0) return '';
  const parts = [Math.floor(b[0] / 40), b[0] % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function parseTime(buf: Uint8Array, n: Node): number {
  const s = new TextDecoder().decode(buf.subarray(n.contentStart, n.end));
  const m = n.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new DerError(`bad time '${s}'`);
  let y = Number(m[1]);
  if (n.tag === 0x17) y += y >= 50 ? 1900 : 2000;
  return Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) * 1000;
}

export interface ParsedCertificate {
  der: Uint8Array;
  tbs: Uint8Array;
  serialHex: string;
  signatureAlgorithm: string;
  signature: Uint8Array;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  issuerCommonName?: string;
  subjectCommonName?: string;
  notBefore: number;
  notAfter: number;
  /** SubjectPublicKeyInfo DER (for node:crypto) and its algorithm. */
  spki: Uint8Array;
  publicKeyAlgorithm: string;
  isCa: boolean;
  /** keyUsage bits as a number (bit 0 = digitalSignature is 0x80 of the first byte), undefined if absent. */
  keyUsage?: number;
  dnsNames: string[];
  extendedKeyUsage?: string[];
}

function commonName(buf: Uint8Array, nameNode: Node): string | undefined {
  for (const rdn of children(buf, nameNode)) {
    for (const atv of children(buf, rdn)) {
      const [t, v] = children(buf, atv);
      if (t && v && oidText(buf, t) === OID.commonName) return new TextDecoder().decode(buf.subarray(v.contentStart, v.end));
    }
  }
  return undefined;
}

export type ParseCertResult = { ok: true; cert: ParsedCertificate } | { ok: false; error: string };

/** Parses a DER certificate; never throws. */
export function parseCertificate(der: Uint8Array): ParseCertResult {
  try {
    const root = read(der, 0);
    if (root.tag !== 0x30 || root.end !== der.length) throw new DerError('not a DER SEQUENCE spanning the whole input');
    const [tbsN, algN, sigN] = children(der, root);
    if (!tbsN || !algN || !sigN) throw new DerError('certificate needs tbsCertificate, signatureAlgorithm and signature');
    const tbsKids = children(der, tbsN);
    let i = 0;
    if (tbsKids[0]?.tag === 0xa0) i++;
    const [serialN, , issuerN, validityN, subjectN, spkiN] = tbsKids.slice(i);
    if (!spkiN) throw new DerError('tbsCertificate is missing fields');
    const [nb, na] = children(der, validityN);
    const [spkiAlg] = children(der, spkiN);
    const cert: ParsedCertificate = {
      der,
      tbs: der.subarray(tbsN.start, tbsN.end),
      serialHex: toHex(der.subarray(serialN.contentStart, serialN.end)),
      signatureAlgorithm: oidText(der, children(der, algN)[0]),
      signature: der.subarray(sigN.contentStart + 1, sigN.end),
      issuerDer: der.subarray(issuerN.start, issuerN.end),
      subjectDer: der.subarray(subjectN.start, subjectN.end),
      issuerCommonName: commonName(der, issuerN),
      subjectCommonName: commonName(der, subjectN),
      notBefore: parseTime(der, nb),
      notAfter: parseTime(der, na),
      spki: der.subarray(spkiN.start, spkiN.end),
      publicKeyAlgorithm: oidText(der, children(der, spkiAlg)[0]),
      isCa: false,
      dnsNames: [],
    };
    const extsWrapper = tbsKids.find((k) => k.tag === 0xa3);
    if (extsWrapper) {
      for (const ext of children(der, children(der, extsWrapper)[0])) {
        const parts = children(der, ext);
        const id = oidText(der, parts[0]);
        const valueN = parts[parts.length - 1];
        const value = read(der, valueN.contentStart, valueN.end);
        if (id === OID.basicConstraints) {
          const first = children(der, value)[0];
          cert.isCa = first?.tag === 0x01 && der[first.contentStart] !== 0;
        } else if (id === OID.keyUsage) {
          cert.keyUsage = der[value.contentStart + 1] ?? 0;
        } else if (id === OID.subjectAltName) {
          for (const gn of children(der, value)) if (gn.tag === 0x82) cert.dnsNames.push(new TextDecoder().decode(der.subarray(gn.contentStart, gn.end)));
        } else if (id === OID.extKeyUsage) {
          cert.extendedKeyUsage = children(der, value).map((k) => oidText(der, k));
        }
      }
    }
    return { ok: true, cert };
  } catch (e) {
    if (e instanceof DerError) return { ok: false, error: e.message };
    return { ok: false, error: `malformed certificate: ${(e as Error).message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Verification (what the lab browser does with the server's Certificate message)

export type CertFailureCode =
  | 'NET::ERR_CERT_INVALID'
  | 'NET::ERR_CERT_AUTHORITY_INVALID'
  | 'NET::ERR_CERT_DATE_INVALID'
  | 'NET::ERR_CERT_COMMON_NAME_INVALID';

export type CertVerdict =
  | { ok: true; leaf: ParsedCertificate; path: ParsedCertificate[]; explanation: string }
  | { ok: false; code: CertFailureCode; reason: string };

/** Signature check of `cert` by `issuer`'s key (Ed25519, ECDSA P-256/SHA-256 or RSA/SHA-256). */
export function checkSignature(cert: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(issuer.spki), format: 'der', type: 'spki' });
    const hash = cert.signatureAlgorithm === OID.ed25519 ? null : cert.signatureAlgorithm === OID.ecdsaWithSha256 || cert.signatureAlgorithm === OID.sha256WithRsa ? 'sha256' : undefined;
    if (hash === undefined) return false;
    return cryptoVerify(hash, cert.tbs, key, cert.signature);
  } catch {
    return false;
  }
}

/** RFC 6125 §6.4: exact match, or a wildcard as the whole left-most label matching one label. */
export function matchesHostname(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const suffix = p.slice(1);
  if (suffix.split('.').length < 3) return false; // no "*.com"
  if (!h.endsWith(suffix)) return false;
  const label = h.slice(0, h.length - suffix.length);
  return label.length > 0 && !label.includes('.') && !label.startsWith('xn--');
}

export interface VerifyOptions {
  /** Certificates from the server, leaf first. */
  chain: readonly Uint8Array[];
  /** The browser's trust store (DER). */
  trusted: readonly Uint8Array[];
  /** Host name the browser connected to (ASCII). */
  hostname: string;
  /** µs since the epoch. */
  now: number;
}

const fmtDate = (us: number) => new Date(Math.floor(us / 1000)).toISOString().replace('.000', '');

export function verifyServerCertificate(o: VerifyOptions): CertVerdict {
  const parsed: ParsedCertificate[] = [];
  for (const [i, der] of o.chain.entries()) {
    const p = parseCertificate(der);
    if (!p.ok) return { ok: false, code: 'NET::ERR_CERT_INVALID', reason: `certificate ${i} cannot be parsed: ${p.error}` };
    parsed.push(p.cert);
  }
  if (!parsed.length) return { ok: false, code: 'NET::ERR_CERT_INVALID', reason: 'the server sent no certificate' };
  const roots: ParsedCertificate[] = [];
  for (const der of o.trusted) {
    const p = parseCertificate(der);
    if (p.ok) roots.push(p.cert);
  }
  const leaf = parsed[0];
  const path: ParsedCertificate[] = [leaf];
  let current = leaf;
  for (let depth = 0; ; depth++) {
    if (depth > 5) return { ok: false, code: 'NET::ERR_CERT_AUTHORITY_INVALID', reason: 'certificate chain is longer than 5' };
    const root = roots.find((r) => bytesEqual(r.subjectDer, current.issuerDer) && checkSignature(current, r));
    if (root) {
      if (!bytesEqual(root.der, current.der)) path.push(root);
      break;
    }
    const next = parsed.find((c) => c !== current && bytesEqual(c.subjectDer, current.issuerDer));
    if (!next) {
      const sameName = roots.some((r) => bytesEqual(r.subjectDer, current.issuerDer));
      return {
        ok: false,
        code: 'NET::ERR_CERT_AUTHORITY_INVALID',
        reason: sameName
          ? `the signature on "${current.subjectCommonName}" does not verify with the trusted "${current.issuerCommonName}" key (a different CA with the same name?)`
          : `"${current.subjectCommonName}" is issued by "${current.issuerCommonName}", which is not a trusted CA`,
      };
    }
    if (!next.isCa) return { ok: false, code: 'NET::ERR_CERT_INVALID', reason: `"${next.subjectCommonName}" is not a CA (basicConstraints cA is false)` };
    if (!checkSignature(current, next)) return { ok: false, code: 'NET::ERR_CERT_INVALID', reason: `the signature on "${current.subjectCommonName}" does not verify with the key of "${next.subjectCommonName}"` };
    path.push(next);
    current = next;
  }
  for (const c of path) {
    if (o.now < c.notBefore) return { ok: false, code: 'NET::ERR_CERT_DATE_INVALID', reason: `"${c.subjectCommonName}" is not valid before ${fmtDate(c.notBefore)} (now ${fmtDate(o.now)})` };
    if (o.now > c.notAfter) return { ok: false, code: 'NET::ERR_CERT_DATE_INVALID', reason: `"${c.subjectCommonName}" expired at ${fmtDate(c.notAfter)} (now ${fmtDate(o.now)})` };
  }
  if (leaf.extendedKeyUsage && !leaf.extendedKeyUsage.includes(OID.serverAuth)) return { ok: false, code: 'NET::ERR_CERT_INVALID', reason: 'the certificate is not for TLS servers (extendedKeyUsage lacks serverAuth)' };
  // Browsers ignore the Common Name: only subjectAltName dNSNames count (RFC 6125, CA/B Forum).
  if (!leaf.dnsNames.some((n) => matchesHostname(n, o.hostname))) {
    const names = leaf.dnsNames.length ? leaf.dnsNames.join(', ') : '(none)';
    return { ok: false, code: 'NET::ERR_CERT_COMMON_NAME_INVALID', reason: `the certificate is for ${names}, not ${o.hostname}` };
  }
  return { ok: true, leaf, path, explanation: `valid: ${path.map((c) => `"${c.subjectCommonName}"`).join(' ← issued by ')}; ${o.hostname} matches ${leaf.dnsNames.find((n) => matchesHostname(n, o.hostname))}` };
}
