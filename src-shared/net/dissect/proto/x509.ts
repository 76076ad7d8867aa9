// X.509 certificates in TLS Certificate messages, with tshark's fields (x509af, x509if, x509sat,
// x509ce, pkcs1) and its layers: every name attribute adds "x509sat" to frame.protocols, every
// extension "x509ce", EC parameters "pkcs-1" (tshark calls those through its OID table; x509af and
// x509if are plain functions there, so they are fields but never layers). DER is read with bounds
// on every length; a damaged certificate stops where it breaks, never throws.
import type { FieldInfo } from '../types';
import type { DissectSession } from '../session';
import type { Packet } from '../packet';
import { field, uintField } from '../registry';
import { ascii, utf8Text } from '../bytes';

const DIRECTORY_STRING_CHOICES: Record<number, string> = { 0: 'teletexString', 1: 'printableString', 2: 'universalString', 3: 'bmpString', 4: 'uTF8String' };
const TIME_CHOICES: Record<number, string> = { 0: 'utcTime', 1: 'generalizedTime' };
const GENERAL_NAME_CHOICES: Record<number, string> = {
  0: 'otherName', 1: 'rfc822Name', 2: 'dNSName', 3: 'x400Address', 4: 'directoryName', 5: 'ediPartyName', 6: 'uniformResourceIdentifier', 7: 'iPAddress', 8: 'registeredID',
};

export const X509_FIELDS: FieldInfo[] = [
  field('x509af.signedCertificate_element', 'signedCertificate', 'none'),
  field('x509af.version', 'version', 'int', { valueNames: { 0: 'v1', 1: 'v2', 2: 'v3' } }),
  field('x509af.serialNumber', 'serialNumber', 'bytes'),
  field('x509af.signature_element', 'signature', 'none'),
  field('x509af.algorithm.id', 'Algorithm Id', 'string'),
  uintField('x509af.issuer', 'issuer', 32, { 0: 'rdnSequence' }),
  uintField('x509af.subject', 'subject', 32, { 0: 'rdnSequence' }),
  uintField('x509if.rdnSequence', 'rdnSequence', 32),
  uintField('x509af.rdnSequence', 'rdnSequence', 32),
  uintField('x509if.RDNSequence_item', 'RDNSequence item', 32),
  field('x509if.RelativeDistinguishedName_item_element', 'RelativeDistinguishedName item', 'none'),
  field('x509if.oid', 'Object Id', 'string'),
  uintField('x509sat.DirectoryString', 'DirectoryString', 32, DIRECTORY_STRING_CHOICES),
  field('x509sat.uTF8String', 'uTF8String', 'string'),
  field('x509sat.printableString', 'printableString', 'string'),
  field('x509sat.teletexString', 'teletexString', 'string'),
  field('x509sat.bmpString', 'bmpString', 'string'),
  field('x509sat.universalString', 'universalString', 'string'),
  field('x509sat.CountryName', 'CountryName', 'string'),
  field('x509af.validity_element', 'validity', 'none'),
  uintField('x509af.notBefore', 'notBefore', 32, TIME_CHOICES),
  uintField('x509af.notAfter', 'notAfter', 32, TIME_CHOICES),
  field('x509af.utcTime', 'utcTime', 'string'),
  field('x509af.generalizedTime', 'generalizedTime', 'string'),
  field('x509af.subjectPublicKeyInfo_element', 'subjectPublicKeyInfo', 'none'),
  field('x509af.algorithm_element', 'algorithm', 'none'),
  field('x509af.subjectPublicKey', 'subjectPublicKey', 'bytes'),
  uintField('pkcs1.ECParameters', 'ECParameters', 32, { 0: 'specifiedCurve', 1: 'namedCurve', 2: 'implicitlyCA' }),
  field('pkcs1.namedCurve', 'namedCurve', 'string'),
  field('pkcs1.modulus', 'modulus', 'bytes'),
  field('pkcs1.publicExponent', 'publicExponent', 'int'),
  uintField('x509af.extensions', 'extensions', 32),
  field('x509af.Extension_element', 'Extension', 'none'),
  field('x509af.extension.id', 'Extension Id', 'string'),
  field('x509af.critical', 'critical', 'bool'),
  field('x509ce.SubjectKeyIdentifier', 'SubjectKeyIdentifier', 'bytes'),
  field('x509ce.AuthorityKeyIdentifier_element', 'AuthorityKeyIdentifier', 'none'),
  field('x509ce.keyIdentifier', 'keyIdentifier', 'bytes'),
  field('x509ce.authorityCertSerialNumber', 'authorityCertSerialNumber', 'bytes'),
  field('x509ce.BasicConstraintsSyntax_element', 'BasicConstraintsSyntax', 'none'),
  field('x509ce.cA', 'cA', 'bool'),
  field('x509ce.pathLenConstraint', 'pathLenConstraint', 'int'),
  field('x509ce.KeyUsage', 'KeyUsage', 'bytes'),
  uintField('x509ce.KeyPurposeIDs', 'KeyPurposeIDs', 32),
  field('x509ce.KeyPurposeId', 'KeyPurposeId', 'string'),
  uintField('x509ce.GeneralNames', 'GeneralNames', 32),
  uintField('x509ce.GeneralName', 'GeneralName', 32, GENERAL_NAME_CHOICES),
  field('x509ce.dNSName', 'dNSName', 'string'),
  field('x509ce.rfc822Name', 'rfc822Name', 'string'),
  field('x509ce.uniformResourceIdentifier', 'uniformResourceIdentifier', 'string'),
  field('x509ce.iPAddress', 'iPAddress', 'bytes'),
  field('x509af.algorithmIdentifier_element', 'algorithmIdentifier', 'none'),
  field('x509af.encrypted', 'encrypted', 'bytes'),
];

// Names tshark shows for common OIDs (tree labels only).
const OID_NAMES: Record<string, string> = {
  '2.5.4.3': 'id-at-commonName', '2.5.4.6': 'id-at-countryName', '2.5.4.7': 'id-at-localityName', '2.5.4.8': 'id-at-stateOrProvinceName',
  '2.5.4.10': 'id-at-organizationName', '2.5.4.11': 'id-at-organizationalUnitName', '2.5.29.14': 'id-ce-subjectKeyIdentifier',
  '2.5.29.15': 'id-ce-keyUsage', '2.5.29.17': 'id-ce-subjectAltName', '2.5.29.19': 'id-ce-basicConstraints', '2.5.29.35': 'id-ce-authorityKeyIdentifier',
  '2.5.29.37': 'id-ce-extKeyUsage', '1.2.840.10045.2.1': 'id-ecPublicKey', '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256', '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.3.1.7': 'secp256r1', '1.3.132.0.34': 'secp384r1', '1.2.840.113549.1.1.1': 'rsaEncryption', '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption', '1.3.6.1.5.5.7.3.1': 'id-kp-serverAuth', '1.3.6.1.5.5.7.3.2': 'id-kp-clientAuth',
};

/** Attribute types whose values are DirectoryStrings (tshark's x509sat, one layer each). */
const DIRECTORY_STRING_ATTRIBUTES = new Set(['2.5.4.3', '2.5.4.4', '2.5.4.7', '2.5.4.8', '2.5.4.9', '2.5.4.10', '2.5.4.11', '2.5.4.12', '2.5.4.42', '2.5.4.43', '2.5.4.44', '2.5.4.65']);
const STRING_TAGS: Record<number, [number, string]> = { 0x14: [0, 'x509sat.teletexString'], 0x13: [1, 'x509sat.printableString'], 0x1c: [2, 'x509sat.universalString'], 0x1e: [3, 'x509sat.bmpString'], 0x0c: [4, 'x509sat.uTF8String'] };

/** One DER element: tag byte, content [off, end), whole element [start, end). */
interface Tlv {
  tag: number;
  start: number;
  off: number;
  end: number;
}

/** Reads the element at `o` inside [o, limit); null when its header or length does not fit. */
function der(b: Uint8Array, o: number, limit: number): Tlv | null {
  if (o + 2 > limit) return null;
  const tag = b[o];
  if ((tag & 0x1f) === 0x1f) return null; // multi-byte tags never occur in certificates
  let len = b[o + 1];
  let off = o + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || off + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[off + i];
    off += n;
  }
  if (off + len > limit) return null;
  return { tag, start: o, off, end: off + len };
}

/** The elements of a constructed element's content, in order (at most 256). */
function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let o = t.off; o < t.end && out.length < 256; ) {
    const c = der(b, o, t.end);
    if (!c) break;
    out.push(c);
    o = c.end;
  }
  return out;
}

function oidString(b: Uint8Array, off: number, end: number): string {
  if (end <= off) return '';
  const parts: number[] = [];
  let v = 0;
  for (let i = off; i < end; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function intValue(b: Uint8Array, t: Tlv): number {
  let v = b[t.off] & 0x80 ? -1 : 0;
  for (let i = t.off; i < t.end && i < t.off + 6; i++) v = v * 256 + b[i];
  return v;
}

function oidLabel(oid: string): string {
  const name = OID_NAMES[oid];
  return name ? `${oid} (${name})` : oid;
}

/** "261122105728Z" → "2026-11-22 10:57:28 (UTC)", as tshark prints UTCTime and GeneralizedTime. */
function timeText(raw: string, generalized: boolean): string {
  const m = generalized ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(raw) : /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(raw);
  if (!m) return raw;
  const year = generalized ? m[1] : (Number(m[1]) < 50 ? '20' : '19') + m[1];
  return `${year}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} (UTC)`;
}

function algorithm(p: Packet, b: Uint8Array, t: Tlv, element: string, label: string): string {
  const parts = children(b, t);
  const oid = parts[0]?.tag === 0x06 ? oidString(b, parts[0].off, parts[0].end) : '';
  p.open(element, t.start, t.end - t.start, `${label} (${OID_NAMES[oid] ?? oid})`);
  if (oid) p.add('x509af.algorithm.id', parts[0].start, parts[0].end - parts[0].start, oid, `Algorithm Id: ${oidLabel(oid)}`);
  if (oid === '1.2.840.10045.2.1' && parts[1]?.tag === 0x06) {
    // id-ecPublicKey parameters: tshark's pkcs-1 ECParameters (namedCurve)
    p.layers.push('pkcs-1');
    const curve = oidString(b, parts[1].off, parts[1].end);
    p.open('pkcs1.ECParameters', parts[1].start, parts[1].end - parts[1].start, 'ECParameters: namedCurve (1)', 1);
    p.add('pkcs1.namedCurve', parts[1].start, parts[1].end - parts[1].start, curve, `namedCurve: ${oidLabel(curve)}`);
    p.close();
  }
  p.close();
  return oid;
}

/** A Name (issuer or subject): RDNSequence of attribute sets, each attribute an x509sat layer. */
function name(p: Packet, b: Uint8Array, t: Tlv, which: 'issuer' | 'subject'): void {
  const rdns = children(b, t);
  p.open(`x509af.${which}`, t.start, t.end - t.start, `${which}: rdnSequence (0)`, 0);
  // tshark names the issuer's sequence from x509if, the subject's from x509af
  p.open(which === 'issuer' ? 'x509if.rdnSequence' : 'x509af.rdnSequence', t.start, t.end - t.start, `rdnSequence: ${rdns.length} item${rdns.length === 1 ? '' : 's'}`, rdns.length);
  for (const set of rdns) {
    const attrs = children(b, set);
    p.open('x509if.RDNSequence_item', set.start, set.end - set.start, `RDNSequence item: ${attrs.length} item${attrs.length === 1 ? '' : 's'}`, attrs.length);
    for (const attr of attrs) {
      const [type, value] = children(b, attr);
      if (!type || type.tag !== 0x06) continue;
      const oid = oidString(b, type.off, type.end);
      p.open('x509if.RelativeDistinguishedName_item_element', attr.start, attr.end - attr.start, 'RelativeDistinguishedName item');
      p.add('x509if.oid', type.start, type.end - type.start, oid, `Object Id: ${oidLabel(oid)}`);
      if (value) attributeValue(p, b, oid, value);
      p.close();
    }
    p.close();
  }
  p.close();
  p.close();
}

function stringValue(b: Uint8Array, t: Tlv): string {
  if (t.tag === 0x0c) return utf8Text(b, t.off, t.end);
  if (t.tag === 0x1e) {
    let s = '';
    for (let i = t.off; i + 1 < t.end; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
    return s;
  }
  return ascii(b, t.off, t.end);
}

function attributeValue(p: Packet, b: Uint8Array, oid: string, v: Tlv): void {
  if (oid === '2.5.4.6' && v.tag === 0x13) {
    p.layers.push('x509sat');
    p.add('x509sat.CountryName', v.start, v.end - v.start, ascii(b, v.off, v.end));
    return;
  }
  const kind = STRING_TAGS[v.tag];
  if (!DIRECTORY_STRING_ATTRIBUTES.has(oid) || !kind) return;
  p.layers.push('x509sat');
  p.open('x509sat.DirectoryString', v.start, v.end - v.start, `DirectoryString: ${DIRECTORY_STRING_CHOICES[kind[0]]} (${kind[0]})`, kind[0]);
  p.add(kind[1], v.start, v.end - v.start, stringValue(b, v));
  p.close();
}

function time(p: Packet, b: Uint8Array, t: Tlv | undefined, which: 'notBefore' | 'notAfter'): void {
  if (!t || (t.tag !== 0x17 && t.tag !== 0x18)) return;
  const generalized = t.tag === 0x18;
  const choice = generalized ? 1 : 0;
  p.open(`x509af.${which}`, t.start, t.end - t.start, `${which}: ${TIME_CHOICES[choice]} (${choice})`, choice);
  p.add(generalized ? 'x509af.generalizedTime' : 'x509af.utcTime', t.start, t.end - t.start, timeText(ascii(b, t.off, t.end), generalized));
  p.close();
}

function generalNames(p: Packet, b: Uint8Array, t: Tlv): void {
  const names = children(b, t);
  p.open('x509ce.GeneralNames', t.start, t.end - t.start, `GeneralNames: ${names.length} item${names.length === 1 ? '' : 's'}`, names.length);
  for (const n of names) {
    const choice = n.tag & 0x1f;
    p.open('x509ce.GeneralName', n.start, n.end - n.start, `GeneralName: ${GENERAL_NAME_CHOICES[choice] ?? choice} (${choice})`, choice);
    if (choice === 2) p.add('x509ce.dNSName', n.start, n.end - n.start, ascii(b, n.off, n.end));
    else if (choice === 1) p.add('x509ce.rfc822Name', n.start, n.end - n.start, ascii(b, n.off, n.end));
    else if (choice === 6) p.add('x509ce.uniformResourceIdentifier', n.start, n.end - n.start, ascii(b, n.off, n.end));
    else if (choice === 7) p.add('x509ce.iPAddress', n.start, n.end - n.start, b.slice(n.off, n.end));
    p.close();
  }
  p.close();
}

/** The extnValue of one extension, by its OID (each known one is an x509ce layer in tshark). */
function extensionValue(p: Packet, b: Uint8Array, oid: string, v: Tlv): void {
  const inner = der(b, v.off, v.end);
  switch (oid) {
    case '2.5.29.14':
      p.layers.push('x509ce');
      if (inner?.tag === 0x04) p.add('x509ce.SubjectKeyIdentifier', inner.start, inner.end - inner.start, b.slice(inner.off, inner.end));
      break;
    case '2.5.29.35':
      p.layers.push('x509ce');
      if (inner?.tag !== 0x30) break;
      p.open('x509ce.AuthorityKeyIdentifier_element', inner.start, inner.end - inner.start, 'AuthorityKeyIdentifier');
      for (const c of children(b, inner)) {
        if (c.tag === 0x80) p.add('x509ce.keyIdentifier', c.start, c.end - c.start, b.slice(c.off, c.end));
        else if (c.tag === 0x82) p.add('x509ce.authorityCertSerialNumber', c.start, c.end - c.start, b.slice(c.off, c.end));
      }
      p.close();
      break;
    case '2.5.29.19':
      p.layers.push('x509ce');
      if (inner?.tag !== 0x30) break;
      p.open('x509ce.BasicConstraintsSyntax_element', inner.start, inner.end - inner.start, inner.end === inner.off ? 'BasicConstraintsSyntax [0 length]' : 'BasicConstraintsSyntax');
      for (const c of children(b, inner)) {
        if (c.tag === 0x01) p.add('x509ce.cA', c.start, c.end - c.start, b[c.off] !== 0);
        else if (c.tag === 0x02) p.add('x509ce.pathLenConstraint', c.start, c.end - c.start, intValue(b, c));
      }
      p.close();
      break;
    case '2.5.29.15':
      p.layers.push('x509ce');
      if (inner?.tag === 0x03 && inner.end > inner.off) p.add('x509ce.KeyUsage', inner.off + 1, inner.end - inner.off - 1, b.slice(inner.off + 1, inner.end));
      break;
    case '2.5.29.37': {
      p.layers.push('x509ce');
      if (inner?.tag !== 0x30) break;
      const ids = children(b, inner);
      p.open('x509ce.KeyPurposeIDs', inner.start, inner.end - inner.start, `KeyPurposeIDs: ${ids.length} item${ids.length === 1 ? '' : 's'}`, ids.length);
      for (const id of ids) if (id.tag === 0x06) p.add('x509ce.KeyPurposeId', id.start, id.end - id.start, oidString(b, id.off, id.end), `KeyPurposeId: ${oidLabel(oidString(b, id.off, id.end))}`);
      p.close();
      break;
    }
    case '2.5.29.17':
    case '2.5.29.18':
      p.layers.push('x509ce');
      if (inner?.tag === 0x30) generalNames(p, b, inner);
      break;
  }
}

function extensions(p: Packet, b: Uint8Array, t: Tlv): void {
  const seq = der(b, t.off, t.end);
  if (!seq || seq.tag !== 0x30) return;
  const list = children(b, seq);
  p.open('x509af.extensions', t.start, t.end - t.start, `extensions: ${list.length} item${list.length === 1 ? '' : 's'}`, list.length);
  for (const ext of list) {
    const parts = children(b, ext);
    if (parts[0]?.tag !== 0x06) continue;
    const oid = oidString(b, parts[0].off, parts[0].end);
    p.open('x509af.Extension_element', ext.start, ext.end - ext.start, `Extension (${OID_NAMES[oid] ?? oid})`);
    p.add('x509af.extension.id', parts[0].start, parts[0].end - parts[0].start, oid, `Extension Id: ${oidLabel(oid)}`);
    let i = 1;
    if (parts[i]?.tag === 0x01) {
      p.add('x509af.critical', parts[i].start, parts[i].end - parts[i].start, b[parts[i].off] !== 0);
      i++;
    }
    if (parts[i]?.tag === 0x04) extensionValue(p, b, oid, parts[i]);
    p.close();
  }
  p.close();
}

function publicKeyInfo(p: Packet, b: Uint8Array, t: Tlv): void {
  const [alg, key] = children(b, t);
  p.open('x509af.subjectPublicKeyInfo_element', t.start, t.end - t.start, 'subjectPublicKeyInfo');
  const oid = alg?.tag === 0x30 ? algorithm(p, b, alg, 'x509af.algorithm_element', 'algorithm') : '';
  if (key?.tag === 0x03 && key.end > key.off) {
    p.add('x509af.subjectPublicKey', key.off + 1, key.end - key.off - 1, b.slice(key.off + 1, key.end));
    if (oid === '1.2.840.113549.1.1.1') {
      // RSAPublicKey inside the bit string (tshark shows it, without a pkcs-1 layer)
      const rsa = der(b, key.off + 1, key.end);
      const [n, e] = rsa && rsa.tag === 0x30 ? children(b, rsa) : [];
      if (n?.tag === 0x02) p.add('pkcs1.modulus', n.start, n.end - n.start, b.slice(n.off, n.end));
      if (e?.tag === 0x02) p.add('pkcs1.publicExponent', e.start, e.end - e.start, intValue(b, e));
    }
  }
  p.close();
}

/** Field groups whose presence makes certificate dissection worth doing on the fast path. */
const PREFIXES = ['x509af', 'x509if', 'x509sat', 'x509ce', 'pkcs1'];

/** One DER certificate in [off, end) of `b` (tshark's x509af Certificate). */
export function dissectCertificate(p: Packet, _s: DissectSession, b: Uint8Array, off: number, end: number): void {
  if (!p.tree && !p.want('frame.protocols') && !PREFIXES.some((x) => p.wantAny(x))) return;
  const cert = der(b, off, end);
  if (!cert || cert.tag !== 0x30) return;
  const [tbs, sigAlg, sig] = children(b, cert);
  if (!tbs || tbs.tag !== 0x30) return;
  p.open('x509af.signedCertificate_element', tbs.start, tbs.end - tbs.start, 'signedCertificate');
  const fields = children(b, tbs);
  let i = 0;
  if (fields[i]?.tag === 0xa0) {
    const v = der(b, fields[i].off, fields[i].end);
    if (v?.tag === 0x02) p.add('x509af.version', v.start, v.end - v.start, intValue(b, v));
    i++;
  }
  const serial = fields[i++];
  if (serial?.tag === 0x02) p.add('x509af.serialNumber', serial.start, serial.end - serial.start, b.slice(serial.off, serial.end));
  const signature = fields[i++];
  if (signature?.tag === 0x30) algorithm(p, b, signature, 'x509af.signature_element', 'signature');
  const issuer = fields[i++];
  if (issuer?.tag === 0x30) name(p, b, issuer, 'issuer');
  const validity = fields[i++];
  if (validity?.tag === 0x30) {
    const [nb, na] = children(b, validity);
    p.open('x509af.validity_element', validity.start, validity.end - validity.start, 'validity');
    time(p, b, nb, 'notBefore');
    time(p, b, na, 'notAfter');
    p.close();
  }
  const subject = fields[i++];
  if (subject?.tag === 0x30) name(p, b, subject, 'subject');
  const spki = fields[i++];
  if (spki?.tag === 0x30) publicKeyInfo(p, b, spki);
  for (; i < fields.length; i++) if (fields[i].tag === 0xa3) extensions(p, b, fields[i]);
  p.close();
  if (sigAlg?.tag === 0x30) algorithm(p, b, sigAlg, 'x509af.algorithmIdentifier_element', 'algorithmIdentifier');
  if (sig?.tag === 0x03 && sig.end > sig.off) p.add('x509af.encrypted', sig.off + 1, sig.end - sig.off - 1, b.slice(sig.off + 1, sig.end));
}

