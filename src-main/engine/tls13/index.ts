// TLS 1.3 for the simulator: key schedule, record protection, lab PKI, certificate verification,
// client/server endpoints and the NSS key log for captures.
export { SeededBytes, FixedBytes, type ByteSource } from './seeded-bytes';
export * from './key-schedule';
export { RecordProtection, type OpenResult } from './record';
export { KeyLog, keyLogLine, type KeyLogEntry, type KeyLogLabel } from './keylog';
export { generateX25519, x25519FromPrivate, x25519Shared, generateEd25519, ed25519FromSeed, ed25519Sign, ed25519Verify, type X25519KeyPair, type Ed25519KeyPair } from './keys';
export { buildCertificate, parseCertificate, verifyServerCertificate, matchesHostname, toPem, type CertVerdict, type CertFailureCode, type ParsedCertificate, type DistinguishedName } from './x509';
export { createLabCa, issueServerCertificate, type IssuedCertificate } from './pki';
export { TlsClient, TlsServer, AlertDescription, type TlsEvent, type TlsOutput, type TlsState, type TlsClientOptions, type TlsServerOptions, type ServerIdentity } from './handshake';
export { parseKeyLog, decryptConnection, type ConnectionSecrets, type DecryptedRecord } from './decrypt';
