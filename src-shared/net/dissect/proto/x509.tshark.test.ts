// X.509 certificates in TLS Certificate messages against tshark 4.0: the reference captures (EC
// P-256 in TLS 1.3 decrypted from its DSB and in TLS 1.2; RSA-4096 split over records) must give
// tshark's x509af/x509if/x509sat/x509ce/pkcs1 fields and its frame.protocols layers. Damaged
// certificates never throw. tshark runs at test time; a missing tshark fails the test.
import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../../capture';
import { addDecryptionSecrets, createPacket, createSession } from '../index';
import { fieldColumns, fieldsRow } from '../summary';
import { dissectCertificate } from './x509';

const DISSECT = fileURLToPath(new URL('..', import.meta.url));
const FILES = ['fixtures-tls/https-tls13-dsb.pcapng', 'fixtures-tls/https-tls12.pcapng', 'fixtures/tls12-small-records.pcapng', 'fixtures-tls/tls13-chacha-dsb.pcapng'];
const FIELDS = `frame.protocols x509af.version x509af.serialNumber x509af.algorithm.id x509if.oid x509sat.uTF8String x509sat.printableString
x509sat.DirectoryString x509sat.CountryName x509af.utcTime x509af.subjectPublicKey x509af.extension.id x509af.critical x509ce.SubjectKeyIdentifier
x509ce.keyIdentifier x509ce.cA x509ce.dNSName x509ce.GeneralNames x509ce.GeneralName pkcs1.namedCurve pkcs1.ECParameters x509af.encrypted
x509af.issuer x509af.subject x509af.notBefore x509af.notAfter x509af.extensions x509if.rdnSequence x509af.rdnSequence x509if.RDNSequence_item
pkcs1.modulus pkcs1.publicExponent tls.handshake.certificate_length tls.handshake.certificate`.split(/\s+/);

function rows(file: string): string[] {
  const capture = readCapture(new Uint8Array(readFileSync(path.join(DISSECT, file))));
  const session = createSession();
  addDecryptionSecrets(session, capture.secrets);
  const packet = createPacket({ tree: false, columns: false, wanted: new Set(FIELDS) });
  const cols = fieldColumns(FIELDS);
  return capture.packets.map((pk, i) => {
    session.dissect(packet, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, 1);
    return fieldsRow(packet, cols);
  });
}

describe('X.509 certificates vs tshark 4.0', () => {
  for (const file of FILES) {
    it(file, () => {
      // No try/catch: without tshark this throws and the test fails, as it must.
      const expected = execFileSync('tshark', ['-r', path.join(DISSECT, file), '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')
        .filter((l) => l !== '');
      const got = rows(file);
      expect(got.some((r) => r.includes('x509sat'))).toBe(true);
      const problems: string[] = [];
      expected.forEach((row, i) => {
        const e = row.split('\t');
        const a = (got[i] ?? '').split('\t');
        FIELDS.forEach((f, j) => {
          if ((e[j] ?? '') !== (a[j] ?? '')) problems.push(`frame ${i + 1} ${f}: tshark "${e[j]}" ours "${a[j]}"`);
        });
      });
      expect(got.length).toBe(expected.length);
      expect(problems.slice(0, 20)).toEqual([]);
    });
  }

  it('never throws on damaged certificates (cut, bytes flipped), with a tree or without', () => {
    const capture = readCapture(new Uint8Array(readFileSync(path.join(DISSECT, 'fixtures-tls/https-tls12.pcapng'))));
    // The Certificate message of frame 6: find the DER certificate (30 82 …) after the TLS headers.
    const frame = capture.packets[5].data;
    let start = -1;
    for (let i = 66; i + 4 < frame.length && start < 0; i++) if (frame[i] === 0x30 && frame[i + 1] === 0x82 && frame[i + 4] === 0x30) start = i;
    expect(start).toBeGreaterThan(0);
    const der = frame.slice(start, start + 4 + ((frame[start + 2] << 8) | frame[start + 3]));
    const session = createSession();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(der.length), fc.boolean(), (flips, cut, tree) => {
        const bytes = der.slice(0, cut || der.length);
        for (const [at, v] of flips) if (at < bytes.length) bytes[at] = v;
        const packet = createPacket({ tree, columns: tree, wanted: null });
        packet.reset(bytes, 1, bytes.length);
        expect(() => dissectCertificate(packet, session, bytes, 0, bytes.length)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
