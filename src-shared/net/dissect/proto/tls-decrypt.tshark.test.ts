// TLS decryption against tshark 4.0: the reference TLS 1.3 and 1.2 captures (curl ↔ nginx) with
// their key logs, given as a pcapng Decryption Secrets Block or as key log text, must give the
// same decrypted fields (-T fields) and the same `-Y` selections as tshark with the same secrets.
// tshark runs at test time; a missing tshark fails these tests.
import { describe, it, expect } from 'vitest';
import * as fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../../capture';
import { addDecryptionSecrets, createPacket, createSession, lookupField, tlsKeyLog, type ProtoNode } from '../index';
import { fieldColumns, fieldsRow } from '../summary';
import { compileFilter } from '../../filter';

const DIR = fileURLToPath(new URL('../fixtures-tls', import.meta.url));

const FIELDS = `tls.handshake.type http.request.method http.request.uri http.host http.response.code tls.record.content_type
tls.record.opaque_type tls.app_data_proto http.request.full_uri http.response.phrase http.content_type tls.handshake.extensions_alpn_str
tls.handshake.extensions_length tls.handshake.certificates_length tls.handshake.certificate_length tls.handshake.certificate_request_context_length
tls.handshake.client_cert_vrfy.sig_len tls.handshake.sig_hash_alg tls.handshake.session_ticket_lifetime_hint tls.handshake.session_ticket_age_add
tls.handshake.session_ticket_nonce_length tls.handshake.session_ticket_length tls.alert_message.level tls.alert_message.desc http.request_in
tls.handshake.random tls.handshake.session_ticket_nonce tls.app_data data.data data.len frame.protocols`.split(/\s+/);

const FILTERS = ['http', 'http.request', 'http.response.code == 200', 'http.host contains "secure"', 'tls.handshake.type == 11', 'tls.record.content_type == 22', 'tls.alert_message.desc == 0', 'tls and not http'];

function tshark(args: string[]): string[] {
  // No try/catch: without tshark this throws and the test fails, as it must.
  return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })
    .split('\n')
    .filter((l) => l !== '');
}

/** Our rows for `fields` and the frame numbers each filter selects. */
function ours(file: string, keyLog: string | undefined, fields: string[]): { rows: string[]; selected: Map<string, number[]> } {
  const capture = readCapture(new Uint8Array(readFileSync(path.resolve(DIR, file))));
  const session = createSession({ keyLog });
  const filters = FILTERS.map((f) => {
    const c = compileFilter(f, lookupField);
    if (!c.ok) throw new Error(`${f}: ${c.error.message}`);
    return [f, c.filter] as const;
  });
  const wanted = new Set(fields);
  for (const [, f] of filters) for (const name of f.fields) wanted.add(name);
  const packet = createPacket({ tree: false, columns: false, wanted });
  const cols = fieldColumns(fields);
  const rows: string[] = [];
  const selected = new Map<string, number[]>(FILTERS.map((f) => [f, []]));
  addDecryptionSecrets(session, capture.secrets);
  capture.packets.forEach((pk, i) => {
    session.dissect(packet, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, capture.interfaces[pk.interfaceId]?.linkType ?? 1);
    rows.push(fieldsRow(packet, cols));
    for (const [text, f] of filters) if (f.matches(packet)) selected.get(text)!.push(i + 1);
  });
  return { rows, selected };
}

function compare(file: string, keyFile: string | undefined): void {
  const keyArgs = keyFile ? ['-o', `tls.keylog_file:${path.join(DIR, keyFile)}`] : [];
  const keyLog = keyFile ? readFileSync(path.join(DIR, keyFile), 'utf8') : undefined;
  const expected = tshark(['-r', path.resolve(DIR, file), ...keyArgs, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])]);
  const got = ours(file, keyLog, FIELDS);
  const problems: string[] = [];
  if (expected.length !== got.rows.length) problems.push(`tshark printed ${expected.length} rows, we printed ${got.rows.length}`);
  expected.forEach((row, i) => {
    const e = row.split('\t');
    const a = (got.rows[i] ?? '').split('\t');
    FIELDS.forEach((f, j) => {
      if ((e[j] ?? '') !== (a[j] ?? '')) problems.push(`frame ${i + 1} ${f}: tshark "${e[j] ?? ''}" ours "${a[j] ?? ''}"`);
    });
  });
  for (const f of FILTERS) {
    const frames = tshark(['-r', path.resolve(DIR, file), ...keyArgs, '-Y', f, '-T', 'fields', '-e', 'frame.number']).map(Number);
    if (frames.join(',') !== got.selected.get(f)!.join(',')) problems.push(`-Y '${f}': tshark ${frames.join(',')} ours ${got.selected.get(f)!.join(',')}`);
  }
  expect(problems).toEqual([]);
}

describe('TLS decryption vs tshark 4.0', () => {
  it('TLS 1.3 (TLS_AES_256_GCM_SHA384) with the Decryption Secrets Block', () => compare('https-tls13-dsb.pcapng', undefined));
  it('TLS 1.3 with -o tls.keylog_file (no DSB in the file)', () => compare('https-tls13.pcapng', 'https-tls13.keys'));
  it('TLS 1.2 (ECDHE-ECDSA-AES256-GCM-SHA384) with the Decryption Secrets Block', () => compare('https-tls12-dsb.pcapng', undefined));
  it('TLS 1.2 with -o tls.keylog_file', () => compare('https-tls12.pcapng', 'https-tls12.keys'));
  it('without secrets nothing is decrypted, as in tshark', () => compare('https-tls13.pcapng', undefined));
  // openssl s_server -www: no ALPN (HTTP found by heuristics), a response without Content-Length
  // over several records (tshark keeps reassembling it: "[TLS segment of a reassembled PDU]").
  it('TLS 1.3 TLS_CHACHA20_POLY1305_SHA256 (openssl) with -o tls.keylog_file', () => compare('tls13-chacha.pcapng', 'tls13-chacha.keys'));
  it('TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305 (openssl) with its Decryption Secrets Block', () => compare('tls12-chacha-dsb.pcapng', undefined));
  // openssl s_server -www -no_etm: TLS 1.2 CBC suites, MAC-then-encrypt (RFC 5246 §6.2.3.2).
  it('TLS 1.2 AES128-SHA (RSA key exchange, HMAC-SHA1) with -o tls.keylog_file', () => compare('tls12-cbc-sha.pcapng', 'tls12-cbc-sha.keys'));
  it('TLS 1.2 ECDHE-RSA-AES128-SHA256 (HMAC-SHA256) with -o tls.keylog_file', () => compare('tls12-cbc-sha256.pcapng', 'tls12-cbc-sha256.keys'));
  it('TLS 1.2 ECDHE-RSA-AES256-SHA384 (HMAC-SHA384, SHA-384 PRF) with -o tls.keylog_file', () => compare('tls12-cbc-sha384.pcapng', 'tls12-cbc-sha384.keys'));
  it('TLS 1.2 ECDHE-RSA-AES128-SHA with encrypt-then-MAC (RFC 7366, openssl default)', () => compare('tls12-cbc-etm.pcapng', 'tls12-cbc-etm.keys'));
  it('TLS 1.0 AES128-SHA (implicit IVs chained over records, MD5/SHA-1 PRF)', () => compare('tls10-cbc.pcapng', 'tls10-cbc.keys'));
  it('TLS 1.1 ECDHE-RSA-AES256-SHA (explicit IVs, MD5/SHA-1 PRF)', () => compare('tls11-cbc.pcapng', 'tls11-cbc.keys'));
  it('TLS 1.2 ECDHE-RSA-AES256-SHA384 with its Decryption Secrets Block', () => compare('tls12-cbc-sha384-dsb.pcapng', undefined));
  // openssl s_server -rev: KeyUpdate from the client, then one with update_requested (both sides
  // move to the next secret); the plaintext of an unknown protocol is data.
  it('TLS 1.3 KeyUpdate (both directions) and plaintext as data', () => compare('tls13-keyupdate.pcapng', 'tls13-keyupdate.keys'));

  it('decrypts: HTTP appears only with the secrets', () => {
    const withKeys = ours('https-tls13.pcapng', readFileSync(path.join(DIR, 'https-tls13.keys'), 'utf8'), ['http.request.method']);
    const without = ours('https-tls13.pcapng', undefined, ['http.request.method']);
    expect(withKeys.rows.filter((r) => r === 'GET')).toHaveLength(1);
    expect(without.rows.filter((r) => r !== '')).toHaveLength(0);
  });

  it('a wrong secret decrypts nothing and never throws', () => {
    const text = readFileSync(path.join(DIR, 'https-tls13.keys'), 'utf8').replace(/ ([0-9a-f]{96})$/gm, (_m, s: string) => ' ' + (s[0] === '0' ? '1' : '0') + s.slice(1));
    const got = ours('https-tls13.pcapng', text, ['http.request.method', 'tls.handshake.type']);
    expect(got.rows.some((r) => r.includes('GET'))).toBe(false);
    // the plaintext hellos are still there
    expect(got.rows[3]).toBe('\t1');
  });

  it('the session key log lists bad lines with their line numbers', () => {
    const session = createSession({ keyLog: '# comment\nCLIENT_RANDOM zz 00\nBOGUS_LABEL 00 11\n\nSERVER_TRAFFIC_SECRET_0 ' + '00'.repeat(32) + ' ' + '11'.repeat(48) + '\n' });
    expect(tlsKeyLog(session).errors.map((e) => e.line)).toEqual([2, 3]);
    expect(tlsKeyLog(session).size).toBe(1);
  });

  it('decrypted and reassembled handshake bytes are extra data sources, as tshark -x prints them ("Decrypted TLS (N bytes)"), and tree items point inside them', () => {
    for (const file of ['https-tls13-dsb.pcapng', 'https-tls12-dsb.pcapng', 'tls13-chacha-dsb.pcapng', 'tls12-cbc-sha384-dsb.pcapng', '../fixtures/tls12-small-records.pcapng']) {
      // tshark -x: after each frame's own hex dump come its other data sources, each "Label (N bytes):" + hex lines.
      const expected = new Map<number, string[]>();
      let frame = 0;
      let current: string[] | null = null;
      for (const line of tshark(['-r', path.join(DIR, file), '-x', '-T', 'text', '-P'])) {
        const head = /^\s*(\d+) /.exec(line);
        const label = /^((?:Decrypted TLS|Reassembled TLS Handshake) \(\d+ bytes\)):$/.exec(line);
        const hexLine = /^[0-9a-f]{4}  ((?:[0-9a-f]{2} )+)/.exec(line);
        if (label) {
          const list = expected.get(frame) ?? [];
          list.push(label[1] + ' ');
          expected.set(frame, list);
          current = list;
        } else if (hexLine && current) current[current.length - 1] += hexLine[1].replace(/ /g, '');
        else if (head && !hexLine) {
          frame = Number(head[1]);
          current = null;
        } else if (!hexLine) current = null;
      }
      const capture = readCapture(new Uint8Array(readFileSync(path.join(DIR, file))));
      const session = createSession();
      addDecryptionSecrets(session, capture.secrets);
      const packet = createPacket({ tree: true, columns: true, wanted: null });
      const got = new Map<number, string[]>();
      capture.packets.forEach((pk, i) => {
        session.dissect(packet, pk.data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, 1);
        const sources = packet.dataSources.filter((d) => /^(Decrypted TLS|Reassembled TLS Handshake) /.test(d.label));
        if (sources.length) got.set(i + 1, sources.map((d) => d.label + ' ' + Array.from(d.data, (x) => x.toString(16).padStart(2, '0')).join('')));
        const walk = (nodes: ProtoNode[]): void => {
          for (const n of nodes) {
            if (n.dataSource !== undefined) {
              const size = packet.dataSources[n.dataSource].data.length;
              expect(n.source, n.label).toBe('reassembled');
              expect(n.offset + n.length, `${file} frame ${i + 1} ${n.label}`).toBeLessThanOrEqual(size);
            }
            if (n.children) walk(n.children);
          }
        };
        walk(packet.roots);
      });
      expect(expected.size).toBeGreaterThan(0);
      expect(got).toEqual(expected);
    }
  });
});

describe('TLS decryption on damaged records', () => {
  it('a mutated frame never throws, never hangs, and leaves the other frames decrypted (fast-check)', () => {
    const capture = readCapture(new Uint8Array(readFileSync(path.join(DIR, 'https-tls13-dsb.pcapng'))));
    const fields = ['http.request.method', 'http.response.code', 'tls.handshake.type', '_ws.malformed'];
    const run = (mutate: (frame: number, data: Uint8Array) => Uint8Array) => {
      const session = createSession();
      addDecryptionSecrets(session, capture.secrets);
      const packet = createPacket({ tree: true, columns: true, wanted: null });
      const cols = fieldColumns(fields);
      return capture.packets.map((pk, i) => {
        const data = mutate(i + 1, pk.data);
        session.dissect(packet, data, i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, 1);
        return fieldsRow(packet, cols);
      });
    };
    const clean = run((_f, d) => d);
    expect(clean[10]).toBe('GET\t\t\t');
    fc.assert(
      fc.property(fc.constantFrom(6, 8, 9, 11, 12), fc.array(fc.tuple(fc.nat(2000), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (target, flips) => {
        const started = Date.now();
        const rows = run((f, d) => {
          if (f !== target) return d;
          const m = d.slice();
          // damage the encrypted records only (from the first application_data record after the
          // 66 bytes of Ethernet/IPv4/TCP): a damaged ServerHello would hide the keys from both sides
          let first = 66;
          while (first + 5 <= m.length && m[first] !== 23) first += 5 + ((m[first + 3] << 8) | m[first + 4]);
          for (const [at, v] of flips) m[first + (at % (m.length - first))] = v;
          return m;
        });
        expect(Date.now() - started).toBeLessThan(2000);
        // earlier frames, and every frame of the other direction (its own keys and sequence
        // numbers), still dissect and decrypt as before the damage
        const srcPort = (i: number) => (capture.packets[i].data[34] << 8) | capture.packets[i].data[35];
        rows.forEach((r, i) => {
          if (i + 1 < target || srcPort(i) !== srcPort(target - 1)) expect(r, `frame ${i + 1}`).toBe(clean[i]);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('TLS 1.2 CBC decryption on damaged records (fast-check)', () => {
  for (const name of ['tls12-cbc-sha', 'tls12-cbc-etm', 'tls10-cbc']) {
    it(`${name}: a mutated frame never throws, never hangs, and earlier frames keep their fields`, () => {
      const capture = readCapture(new Uint8Array(readFileSync(path.join(DIR, `${name}.pcapng`))));
      const keyLog = readFileSync(path.join(DIR, `${name}.keys`), 'utf8');
      const fields = ['http.request.method', 'tls.record.content_type', 'tls.handshake.type', 'tls.alert_message.desc', '_ws.malformed'];
      const run = (mutate: (frame: number, data: Uint8Array) => Uint8Array) => {
        const session = createSession({ keyLog });
        const packet = createPacket({ tree: true, columns: true, wanted: null });
        const cols = fieldColumns(fields);
        return capture.packets.map((pk, i) => {
          session.dissect(packet, mutate(i + 1, pk.data), i + 1, pk.originalLength, pk.timestamp.seconds, pk.timestamp.nanoseconds, 1);
          return fieldsRow(packet, cols);
        });
      };
      const clean = run((_f, d) => d);
      // the GET (TLS 1.0: split 1/n-1 over two records) decrypts without damage
      expect(clean[9]).toMatch(/^GET\t23(,23)?\t\t\t$/);
      fc.assert(
        fc.property(fc.constantFrom(8, 9, 10, 11, 12, 14), fc.array(fc.tuple(fc.nat(4000), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (target, flips) => {
          const started = Date.now();
          const rows = run((f, d) => {
            if (f !== target) return d;
            const m = d.slice();
            for (const [at, v] of flips) m[66 + (at % (m.length - 66))] = v;
            return m;
          });
          expect(Date.now() - started).toBeLessThan(2000);
          rows.forEach((r, i) => {
            if (i + 1 < target) expect(r, `frame ${i + 1}`).toBe(clean[i]);
          });
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('TLS 1.2 CBC records with a flipped byte, as tshark 4.0 reads them', () => {
  // MAC-then-encrypt and encrypt-then-MAC. The MAC fails: the record is not decrypted (tls.ignore_ssl_mac_failed is off) and, as in
  // Wireshark, its sequence number is spent, so the later records of that direction still open.
  // Frame 9: the server's encrypted Finished; 10: the client's GET; 11: the response records.
  for (const [name, frame, where] of [
    ['sha', 9, 'the last block (padding, MAC)'],
    ['sha', 10, 'the explicit IV'],
    ['sha', 10, 'the first ciphertext block'],
    ['sha', 11, 'the middle of the first record'],
    ['etm', 9, 'the last block (padding, MAC)'],
    ['etm', 10, 'the first ciphertext block'],
    ['etm', 11, 'the middle of the first record'],
    ['tls10', 10, 'the first ciphertext block'],
    ['tls10', 11, 'the middle of the first record'],
  ] as const) {
    const base = name === 'tls10' ? 'tls10-cbc' : `tls12-cbc-${name}`;
    it(`${base} frame ${frame}, ${where}`, () => {
      const keys = `${base}.keys`;
      const file = path.join(DIR, `${base}.pcapng`);
      const bytes = new Uint8Array(readFileSync(file));
      const pk = readCapture(bytes).packets[frame - 1].data;
      // the frame's bytes inside the file (captured unchanged in its Enhanced Packet Block)
      let at = -1;
      for (let i = 0; at < 0 && i + pk.length <= bytes.length; i++) if (pk.every((x, j) => bytes[i + j] === x)) at = i;
      expect(at).toBeGreaterThan(0);
      // first encrypted record of the frame: after the 66 bytes of Ethernet/IPv4/TCP (with timestamps)
      let rec = 66;
      while (rec + 5 <= pk.length && pk[rec] === 22 && frame === 9) rec += 5 + ((pk[rec + 3] << 8) | pk[rec + 4]);
      while (rec + 5 <= pk.length && pk[rec] === 20) rec += 5 + ((pk[rec + 3] << 8) | pk[rec + 4]);
      const len = (pk[rec + 3] << 8) | pk[rec + 4];
      const offset = where === 'the explicit IV' ? 5 + 3 : where === 'the first ciphertext block' ? 5 + 16 + 2 : where.startsWith('the last') ? 5 + len - 1 : 5 + (len >> 1);
      const damaged = bytes.slice();
      damaged[at + rec + offset] ^= 0x40;
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'packetlab-cbc-'));
      try {
        const out = path.join(tmp, 'damaged.pcapng');
        writeFileSync(out, damaged);
        // the damage is visible to tshark: that frame loses a decrypted record ("Decrypted TLS" in -x)
        const keyArgs = ['-o', `tls.keylog_file:${path.join(DIR, keys)}`, '-Y', `frame.number == ${frame}`, '-x'];
        const decrypted = (lines: string[]) => lines.filter((l) => l.startsWith('Decrypted TLS')).length;
        expect(decrypted(tshark(['-r', out, ...keyArgs]))).toBeLessThan(decrypted(tshark(['-r', file, ...keyArgs])));
        compare(out, keys);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
