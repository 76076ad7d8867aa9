// `packetlab dissect` decrypting TLS like tshark 4.0: `-o tls.keylog_file:FILE` and a capture's
// Decryption Secrets Block, on the reference curl ↔ nginx captures and on a capture exported by
// our own engine (URL-journey lab: browser → NAT → CDN edge → origin, TLS 1.3, with its secrets).
// Fields (-e), summary lines and -Y selections must equal tshark's. A missing tshark fails.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../main';
import { dissectLines, tsharkLines } from '../testing/dissect-vs-tshark';
import { exportPcapng } from '../../engine/export/pcapng';
import { loadSample, runScenario } from '../../engine/testing/samples';

const TLS_FIXTURES = fileURLToPath(new URL('../../../src-shared/net/dissect/fixtures-tls', import.meta.url));
const FIELDS = ['tls.handshake.type', 'http.request.method', 'http.request.uri', 'http.host', 'http.response.code'];
const MORE_FIELDS = ['frame.number', 'frame.protocols', 'x509ce.dNSName', 'x509sat.uTF8String', 'x509af.serialNumber', 'x509af.utcTime', 'tls.record.content_type', 'tls.record.opaque_type', 'tls.app_data_proto', 'http.request.full_uri', 'http.content_type', 'http.location', 'tls.handshake.extensions_server_name'];
const FILTERS = ['http', 'http.request', 'http.response.code == 301', 'tls.handshake.type == 20', 'tls && !http'];

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'packetlab-tls-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tshark = tsharkLines;
const ours = dissectLines;

/**
 * Fields, -Y selections and summary lines equal tshark's. `summaryFilter` limits the summary
 * lines compared to the frames it selects.
 */
async function same(file: string, keyArgs: string[], cwd: string, summaryFilter?: string): Promise<void> {
  const fields = [...FIELDS, ...MORE_FIELDS].flatMap((f) => ['-e', f]);
  expect(await ours([file, ...keyArgs, ...fields], cwd)).toEqual(tshark(['-r', file, ...keyArgs, '-T', 'fields', ...fields], cwd));
  const only = summaryFilter ? ['-Y', summaryFilter] : [];
  expect(await ours([file, ...keyArgs, ...only], cwd)).toEqual(tshark(['-r', file, ...keyArgs, ...only], cwd));
  for (const f of FILTERS) {
    const e = ['-Y', f, '-e', 'frame.number'];
    expect(await ours([file, ...keyArgs, ...e], cwd), f).toEqual(tshark(['-r', file, ...keyArgs, '-T', 'fields', ...e], cwd));
  }
}

describe('dissect decrypts TLS like tshark', () => {
  it('TLS 1.3 reference capture with -o tls.keylog_file', () => same('https-tls13.pcapng', ['-o', 'tls.keylog_file:https-tls13.keys'], TLS_FIXTURES), 60_000);
  it('TLS 1.3 reference capture with its Decryption Secrets Block', () => same('https-tls13-dsb.pcapng', [], TLS_FIXTURES), 60_000);
  it('TLS 1.2 reference capture with -o tls.keylog_file', () => same('https-tls12.pcapng', ['-o', 'tls.keylog_file:https-tls12.keys'], TLS_FIXTURES), 60_000);
  it('ChaCha20-Poly1305 (openssl, TLS 1.3 and 1.2), responses spanning records', async () => {
    await same('tls13-chacha-dsb.pcapng', [], TLS_FIXTURES);
    await same('tls12-chacha.pcapng', ['-o', 'tls.keylog_file:tls12-chacha.keys'], TLS_FIXTURES);
  }, 60_000);
  it('TLS 1.2 AES-CBC suites (openssl, MAC-then-encrypt): HMAC-SHA1 with RSA key exchange, HMAC-SHA256, HMAC-SHA384 with the SHA-384 PRF, encrypt-then-MAC; TLS 1.0 and 1.1', async () => {
    for (const name of ['tls12-cbc-sha', 'tls12-cbc-sha256', 'tls12-cbc-sha384', 'tls12-cbc-etm', 'tls10-cbc', 'tls11-cbc']) await same(`${name}.pcapng`, ['-o', `tls.keylog_file:${name}.keys`], TLS_FIXTURES);
  }, 60_000);

  it('the engine URL journey (TLS 1.3 through NAT and a CDN edge), exported with its secrets', async () => {
    const { sim } = runScenario(loadSample('url-journey.lab.json'), 'boot and browse example.com');
    writeFileSync(path.join(tmp, 'journey.pcapng'), exportPcapng(sim.net.capture, { secrets: sim.keyLogText() }));
    writeFileSync(path.join(tmp, 'journey-plain.pcapng'), exportPcapng(sim.net.capture));
    writeFileSync(path.join(tmp, 'journey.keys'), sim.keyLogText());
    const http = tshark(['-r', path.join(tmp, 'journey.pcapng'), '-Y', 'http.request and tls', '-T', 'fields', '-e', 'frame.number']);
    expect(http.length).toBeGreaterThan(3); // the journey really has HTTP inside TLS
    // Summary lines: the TLS and HTTP frames (the same TCP segment seen at several capture points
    // gets other TCP analysis labels than tshark's; that is the TCP dissector's business).
    await same('journey.pcapng', [], tmp, 'tls || http');
    await same('journey-plain.pcapng', ['-o', 'tls.keylog_file:journey.keys'], tmp, 'tls || http');
  }, 120_000);

  it('a missing key log file is reported and the capture still dissects', async () => {
    let err = '';
    let out = '';
    const code = await runCli(['dissect', 'https-tls13.pcapng', '-o', 'tls.keylog_file:no-such.keys', '-e', 'frame.number'], { out: (t) => (out += t), err: (t) => (err += t), cwd: TLS_FIXTURES });
    expect(err).toContain('no-such.keys');
    expect(code).toBe(0);
    expect(out.split('\n').filter((l) => l !== '')).toHaveLength(16);
  });
});
