// The lab's web PKI: one CA per simulation (deterministic from the lab seed), server certificates
// issued on demand for the names a web server serves, and one NSS key log for every TLS
// connection, exported into the capture's Decryption Secrets Block.
import { createLabCa, issueServerCertificate, KeyLog, SeededBytes, type IssuedCertificate, type ServerIdentity } from '../../tls13';
import { VIRTUAL_EPOCH_SECONDS } from '../../sim/time';

/** Virtual µs since the Unix epoch (what certificates and HTTP dates are measured against). */
export function epochMicros(now: number): number {
  return VIRTUAL_EPOCH_SECONDS * 1_000_000 + now;
}

export class LabPki {
  readonly ca: IssuedCertificate;
  readonly keyLog = new KeyLog();
  private readonly source: SeededBytes;
  private connections = 0;

  constructor(readonly seed: number) {
    this.source = new SeededBytes(seed, 'lab-pki');
    this.ca = createLabCa({ source: this.source, notBefore: epochMicros(0) - 86_400_000_000 });
  }

  /** A certificate for `names` (the first is the Common Name), signed by the lab CA. */
  identity(names: string[]): ServerIdentity {
    const cert = issueServerCertificate(this.ca, { source: this.source, dnsNames: names, notBefore: epochMicros(0) - 86_400_000_000 });
    return { chain: [cert.der, this.ca.der], key: cert.key, names };
  }

  /** Random bytes for one TLS endpoint, derived from the lab seed and a per-connection counter. */
  connectionBytes(who: string): SeededBytes {
    return new SeededBytes(this.seed, `tls:${who}:${this.connections++}`);
  }
}
