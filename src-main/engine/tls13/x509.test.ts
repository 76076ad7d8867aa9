import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabCa, issueServerCertificate } from './pki';
import { SeededBytes } from './seeded-bytes';
import { matchesHostname, parseCertificate, toPem, verifyServerCertificate } from './x509';
import { toHex } from './bytes';

const dir = mkdtempSync(join(tmpdir(), 'packetlab-x509-'));
const DAY = 86_400 * 1_000_000;
const EPOCH = Date.UTC(2026, 0, 1) * 1000; // the lab's virtual epoch, 2026-01-01

/** Runs openssl; fails (not skips) when it is missing. */
function openssl(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout + r.stderr };
}

function lab(seed = 42) {
  const source = new SeededBytes(seed);
  const ca = createLabCa({ source, notBefore: EPOCH - DAY });
  const www = issueServerCertificate(ca, { source, dnsNames: ['www.example.com', 'example.com'], notBefore: EPOCH - DAY });
  const wild = issueServerCertificate(ca, { source, dnsNames: ['*.cdn.example.net'], notBefore: EPOCH - DAY, notAfter: EPOCH + 30 * DAY });
  return { ca, www, wild };
}

describe('lab PKI certificates (X.509 v3, Ed25519)', () => {
  it('are deterministic for a seed and differ across seeds', () => {
    expect(toHex(lab(42).www.der)).toBe(toHex(lab(42).www.der));
    expect(toHex(lab(42).www.der)).not.toBe(toHex(lab(43).www.der));
  });

  it('parse with openssl x509 and show the fields we put in', () => {
    const { ca, www } = lab();
    const caFile = join(dir, 'ca.pem');
    const wwwFile = join(dir, 'www.pem');
    writeFileSync(caFile, toPem(ca.der));
    writeFileSync(wwwFile, toPem(www.der));
    const text = openssl(['x509', '-noout', '-text', '-in', wwwFile]);
    expect(text.status, text.out).toBe(0);
    expect(text.out).toContain('Version: 3 (0x2)');
    expect(text.out).toContain('Signature Algorithm: ED25519');
    expect(text.out).toContain('Issuer: O = PacketLab, CN = PacketLab Root CA');
    expect(text.out).toContain('Subject: CN = www.example.com');
    expect(text.out).toContain('DNS:www.example.com, DNS:example.com');
    expect(text.out).toContain('TLS Web Server Authentication');
    expect(text.out).toMatch(/Not Before: Dec 31 00:00:00 2025 GMT/);
    expect(text.out).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    const caText = openssl(['x509', '-noout', '-text', '-in', caFile]);
    expect(caText.out).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(caText.out).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    // DER round trip through openssl is byte-identical (our encoding is canonical DER).
    const derFile = join(dir, 'www.der');
    expect(openssl(['x509', '-in', wwwFile, '-outform', 'DER', '-out', derFile]).status).toBe(0);
    expect(toHex(new Uint8Array(readFileSync(derFile)))).toBe(toHex(www.der));
  });

  it('verify with openssl verify -CAfile, and openssl rejects a foreign CA', () => {
    const { ca, www, wild } = lab();
    const caFile = join(dir, 'ca2.pem');
    writeFileSync(caFile, toPem(ca.der));
    for (const [n, c] of [['www', www], ['wild', wild]] as const) {
      const f = join(dir, `${n}2.pem`);
      writeFileSync(f, toPem(c.der));
      const v = openssl(['verify', '-attime', String(Math.floor(EPOCH / 1e6) + 3600), '-CAfile', caFile, f]);
      expect(v.status, v.out).toBe(0);
      expect(v.out).toContain(': OK');
      const host = openssl(['verify', '-attime', String(Math.floor(EPOCH / 1e6) + 3600), '-CAfile', caFile, '-verify_hostname', n === 'www' ? 'example.com' : 'img.cdn.example.net', f]);
      expect(host.status, host.out).toBe(0);
    }
    const other = lab(7).ca;
    const otherFile = join(dir, 'other.pem');
    writeFileSync(otherFile, toPem(other.der));
    const wwwFile = join(dir, 'www3.pem');
    writeFileSync(wwwFile, toPem(www.der));
    expect(openssl(['verify', '-attime', String(Math.floor(EPOCH / 1e6) + 3600), '-CAfile', otherFile, wwwFile]).status).not.toBe(0);
  });

  it('verifies like a browser, with a clear reason for each failure', () => {
    const { ca, www, wild } = lab();
    const now = EPOCH + 3600 * 1e6;
    const ok = verifyServerCertificate({ chain: [www.der], trusted: [ca.der], hostname: 'www.example.com', now });
    expect(ok).toMatchObject({ ok: true, explanation: 'valid: "www.example.com" ← issued by "PacketLab Root CA"; www.example.com matches www.example.com' });
    expect(verifyServerCertificate({ chain: [wild.der], trusted: [ca.der], hostname: 'img.cdn.example.net', now }).ok).toBe(true);
    expect(verifyServerCertificate({ chain: [www.der], trusted: [ca.der], hostname: 'shop.example.com', now })).toEqual({
      ok: false, code: 'NET::ERR_CERT_COMMON_NAME_INVALID', reason: 'the certificate is for www.example.com, example.com, not shop.example.com',
    });
    expect(verifyServerCertificate({ chain: [www.der], trusted: [lab(7).ca.der], hostname: 'www.example.com', now })).toMatchObject({
      ok: false, code: 'NET::ERR_CERT_AUTHORITY_INVALID', reason: /different CA with the same name/,
    });
    expect(verifyServerCertificate({ chain: [www.der], trusted: [], hostname: 'www.example.com', now })).toMatchObject({ ok: false, code: 'NET::ERR_CERT_AUTHORITY_INVALID', reason: /not a trusted CA/ });
    expect(verifyServerCertificate({ chain: [wild.der], trusted: [ca.der], hostname: 'img.cdn.example.net', now: EPOCH + 31 * DAY })).toMatchObject({
      ok: false, code: 'NET::ERR_CERT_DATE_INVALID', reason: /expired at 2026-01-31T00:00:00Z/,
    });
    expect(verifyServerCertificate({ chain: [www.der], trusted: [ca.der], hostname: 'www.example.com', now: EPOCH - 2 * DAY })).toMatchObject({ ok: false, code: 'NET::ERR_CERT_DATE_INVALID', reason: /not valid before/ });
    const broken = www.der.slice();
    broken[broken.length - 5] ^= 1;
    expect(verifyServerCertificate({ chain: [broken], trusted: [ca.der], hostname: 'www.example.com', now }).ok).toBe(false);
    expect(verifyServerCertificate({ chain: [www.der.subarray(0, 50)], trusted: [ca.der], hostname: 'www.example.com', now })).toMatchObject({ ok: false, code: 'NET::ERR_CERT_INVALID' });
  });

  it('verifies certificates made by openssl (ECDSA P-256 chain with an intermediate)', () => {
    const run = (args: string[]) => {
      const r = openssl(args);
      expect(r.status, r.out).toBe(0);
    };
    const f = (n: string) => join(dir, n);
    writeFileSync(f('ext-ca.cnf'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    writeFileSync(f('ext-leaf.cnf'), 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:shop.example.org\nextendedKeyUsage=serverAuth\n');
    run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('r.key'), '-out', f('r.pem'), '-subj', '/CN=OpenSSL Root', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('i.key'), '-out', f('i.csr'), '-subj', '/CN=OpenSSL Intermediate']);
    run(['x509', '-req', '-in', f('i.csr'), '-CA', f('r.pem'), '-CAkey', f('r.key'), '-set_serial', '2', '-days', '3650', '-extfile', f('ext-ca.cnf'), '-out', f('i.pem')]);
    run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('l.key'), '-out', f('l.csr'), '-subj', '/CN=shop.example.org']);
    run(['x509', '-req', '-in', f('l.csr'), '-CA', f('i.pem'), '-CAkey', f('i.key'), '-set_serial', '3', '-days', '30', '-extfile', f('ext-leaf.cnf'), '-out', f('l.pem')]);
    const der = (n: string) => new Uint8Array(Buffer.from(readFileSync(f(n), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    const leaf = parseCertificate(der('l.pem'));
    expect(leaf.ok && leaf.cert.dnsNames).toEqual(['shop.example.org']);
    if (!leaf.ok) return;
    // openssl stamped today's date on these certificates: check one hour into the leaf's validity.
    const now = leaf.cert.notBefore + 3600e6;
    expect(verifyServerCertificate({ chain: [der('l.pem'), der('i.pem')], trusted: [der('r.pem')], hostname: 'shop.example.org', now })).toMatchObject({
      ok: true, explanation: /"shop.example.org" ← issued by "OpenSSL Intermediate" ← issued by "OpenSSL Root"/,
    });
    expect(verifyServerCertificate({ chain: [der('l.pem')], trusted: [der('r.pem')], hostname: 'shop.example.org', now })).toMatchObject({ ok: false, code: 'NET::ERR_CERT_AUTHORITY_INVALID' });
  });

  it('matches host names as RFC 6125 says', () => {
    expect(matchesHostname('*.example.com', 'www.example.com')).toBe(true);
    expect(matchesHostname('*.example.com', 'example.com')).toBe(false);
    expect(matchesHostname('*.example.com', 'a.b.example.com')).toBe(false);
    expect(matchesHostname('*.com', 'example.com')).toBe(false);
    expect(matchesHostname('WWW.Example.com', 'www.example.COM.')).toBe(true);
    expect(matchesHostname('*.example.com', 'xn--bcher-kva.example.com')).toBe(false);
  });
});
