// The lab's PKI: one CA and server certificates for the lab's web servers, all keys and serials
// from the caller's seeded ByteSource so the same lab gives the same certificates.
import { generateEd25519, type Ed25519KeyPair } from './keys';
import type { ByteSource } from './seeded-bytes';
import { buildCertificate, parseCertificate, type DistinguishedName, type ParsedCertificate } from './x509';

export interface IssuedCertificate {
  key: Ed25519KeyPair;
  der: Uint8Array;
  cert: ParsedCertificate;
  name: DistinguishedName;
}

const YEAR_US = 365 * 86_400 * 1_000_000;

function parsed(der: Uint8Array): ParsedCertificate {
  const p = parseCertificate(der);
  if (!p.ok) throw new Error(`internal: built an unparsable certificate: ${p.error}`);
  return p.cert;
}

export interface CaOptions {
  source: ByteSource;
  name?: DistinguishedName;
  /** µs since the epoch; validity defaults to 10 years from notBefore. */
  notBefore: number;
  notAfter?: number;
}

export function createLabCa(o: CaOptions): IssuedCertificate {
  const key = generateEd25519(o.source);
  const name = o.name ?? { commonName: 'PacketLab Root CA', organization: 'PacketLab' };
  const der = buildCertificate(
    { serial: o.source.bytes(16), subject: name, issuer: name, notBefore: o.notBefore, notAfter: o.notAfter ?? o.notBefore + 10 * YEAR_US, subjectPublicKey: key.publicKey, issuerPublicKey: key.publicKey, isCa: true },
    key,
  );
  return { key, der, cert: parsed(der), name };
}

export interface ServerCertOptions {
  source: ByteSource;
  /** SAN dNSNames; the first is also the Common Name. */
  dnsNames: string[];
  notBefore: number;
  /** Defaults to 90 days after notBefore. */
  notAfter?: number;
  organization?: string;
}

export function issueServerCertificate(ca: IssuedCertificate, o: ServerCertOptions): IssuedCertificate {
  const key = generateEd25519(o.source);
  const name = { commonName: o.dnsNames[0] ?? 'server', organization: o.organization };
  const der = buildCertificate(
    { serial: o.source.bytes(16), subject: name, issuer: ca.name, notBefore: o.notBefore, notAfter: o.notAfter ?? o.notBefore + 90 * 86_400 * 1_000_000, subjectPublicKey: key.publicKey, issuerPublicKey: ca.key.publicKey, dnsNames: o.dnsNames },
    ca.key,
  );
  return { key, der, cert: parsed(der), name };
}
