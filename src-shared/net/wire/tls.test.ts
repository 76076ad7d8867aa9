import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  TlsStreamReader, parseTlsRecord, emitTlsRecord, emitTlsRecords, splitHandshakes, emitHandshake, parseClientHello, emitClientHello,
  parseServerHello, emitServerHello, negotiatedVersion, decodeExtension, encodeExtension, findExtension, parseEncryptedExtensions,
  emitEncryptedExtensions, parseCertificate, emitCertificate, parseCertificateVerify, emitCertificateVerify, parseFinished,
  emitFinished, parseNewSessionTicket, emitNewSessionTicket, parseAlert, emitAlert, parseChangeCipherSpec, cipherSuiteName,
  extensionName, groupName, signatureSchemeName, alertDescriptionName, alertLevelName, handshakeTypeName, isGrease,
  HandshakeType, ExtensionType, TlsContentType, HRR_RANDOM, type TlsStreamEvent, type ExtensionValue, type ClientHello,
} from './tls';
import { readPcapng, tcpStream, hexToBytes, type TcpDirection } from './fixtures-app/pcapng-reader';
import { TLS13_DECRYPTED } from './fixtures-app/tls13-decrypted';

const FIX = new URL('./fixtures-app/', import.meta.url);
const fixturePath = (name: string) => new URL(name, FIX).pathname;
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function tshark(file: string, args: string[]): string {
  return execFileSync('tshark', ['-r', fixturePath(file), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: new URL('.', FIX).pathname });
}

function tsharkFields(file: string, filter: string, fields: string[], extra: string[] = []): Map<number, string[][]> {
  const out = tshark(file, [...extra, '-Y', filter, '-T', 'fields', '-E', 'aggregator=|', '-E', 'occurrence=a', '-e', 'frame.number', ...fields.flatMap((f) => ['-e', f])]);
  const map = new Map<number, string[][]>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const cols = line.split('\t');
    map.set(Number(cols[0]), cols.slice(1).map((c) => (c === '' ? [] : c.split('|'))));
  }
  return map;
}

interface Conn { up: TcpDirection; down: TcpDirection }
function connection(file: string): Conn {
  const fs = readPcapng(new Uint8Array(readFileSync(fixturePath(file))));
  const syn = fs.find((f) => f.data[47] === 0x02)!;
  const port = (syn.data[34] << 8) | syn.data[35];
  return { up: tcpStream(fs, port, 18443), down: tcpStream(fs, 18443, port) };
}

/** Feeds a direction segment by segment; each event is tagged with the frame that completed its record. */
function readDirection(dir: TcpDirection): { frame: number; ev: TlsStreamEvent }[] {
  const reader = new TlsStreamReader();
  const out: { frame: number; ev: TlsStreamEvent }[] = [];
  for (const c of dir.chunks) {
    const r = reader.push(dir.bytes.subarray(c.offset, c.offset + c.length));
    if (r.error) throw new Error(`${r.error.message} at ${r.error.offset}`);
    for (const ev of r.events) out.push({ frame: c.frame, ev });
  }
  expect(reader.end()).toEqual({});
  return out;
}

/** Frame -> [record lengths, plaintext handshake types], as tshark's fields list them. */
function ourRecordFields(conn: Conn): Map<number, string[][]> {
  const map = new Map<number, string[][]>();
  for (const dir of [conn.up, conn.down]) {
    for (const { frame, ev } of readDirection(dir)) {
      const e = map.get(frame) ?? [[], []];
      e[0].push(String(ev.record.fragment.length));
      e[1].push(...ev.handshakes.map((h) => String(h.type)));
      map.set(frame, e);
    }
  }
  return map;
}

function clientHelloOf(conn: Conn) {
  const ev = readDirection(conn.up)[0].ev;
  expect(ev.handshakes[0].type).toBe(HandshakeType.CLIENT_HELLO);
  const ch = parseClientHello(ev.handshakes[0].body);
  if (!ch.ok) throw new Error(ch.error.message);
  return { body: ev.handshakes[0].body, hello: ch.value, event: ev };
}

function serverHelloOf(conn: Conn) {
  const ev = readDirection(conn.down)[0].ev;
  const sh = parseServerHello(ev.handshakes[0].body);
  if (!sh.ok) throw new Error(sh.error.message);
  return { body: ev.handshakes[0].body, hello: sh.value };
}

const dec = (h: ClientHello, type: number): ExtensionValue => {
  const r = findExtension(h.extensions, type, 'client_hello');
  if (!r || !r.ok) throw new Error(`extension ${type}`);
  return r.value;
};

describe('tls: records and handshake framing over the captured streams', () => {
  for (const file of ['https-tls13.pcapng', 'https-tls12.pcapng']) {
    it(`${file}: every record and plaintext handshake message matches tshark`, () => {
      const expected = tsharkFields(file, 'tls', ['tls.record.length', 'tls.handshake.type']);
      const ours = ourRecordFields(connection(file));
      // tshark lists TLS 1.3 encrypted records' lengths as well; handshake types only where it can see them.
      expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(expected));
    });
  }

  it('TLS 1.2 server flight: four handshake messages in four records of one segment, then encrypted Finished', () => {
    const events = readDirection(connection('https-tls12.pcapng').down);
    expect(events.slice(0, 4).map(({ ev }) => handshakeTypeName(ev.handshakes[0].type))).toEqual(['Server Hello', 'Certificate', 'Server Key Exchange', 'Server Hello Done']);
    const afterCcs = events.find(({ ev }) => ev.record.type === TlsContentType.HANDSHAKE && ev.encrypted);
    expect(afterCcs?.frame).toBe(9);
    // Handshake fragments point at the bytes after each record header.
    expect(events[1].ev.handshakes[0].fragments).toEqual([{ offset: events[1].ev.record.offset + 5, length: 520 }]);
  });

  it('a handshake message split over records, fed byte by byte, is reassembled with its fragments', () => {
    const { body } = clientHelloOf(connection('https-tls13.pcapng'));
    const msg = emitHandshake(HandshakeType.CLIENT_HELLO, body);
    const stream = new Uint8Array([...emitTlsRecords(22, 0x0301, msg, 100), ...emitTlsRecord(21, 0x0303, emitAlert({ level: 2, description: 40 }))]);
    const reader = new TlsStreamReader();
    const events: TlsStreamEvent[] = [];
    for (const b of stream) events.push(...reader.push(Uint8Array.of(b)).events);
    expect(reader.end()).toEqual({});
    expect(msg.length).toBe(512);
    expect(events.map((e) => e.record.fragment.length)).toEqual([100, 100, 100, 100, 100, 12, 2]);
    const hs = events.flatMap((e) => e.handshakes);
    expect(hs).toHaveLength(1);
    expect(hs[0].body).toEqual(body);
    expect(hs[0].fragments.map((f) => f.length)).toEqual([100, 100, 100, 100, 100, 12]);
    expect(hs[0].fragments[1].offset).toBe(105 + 5);
    const alert = parseAlert(events[6].record.fragment);
    expect(alert.ok && [alertLevelName(alert.value.level), alertDescriptionName(alert.value.description)]).toEqual(['Fatal', 'Handshake Failure']);
  });
});

describe('tls: ClientHello and ServerHello from curl/nginx', () => {
  it('TLS 1.3 ClientHello fields and names as tshark shows them', () => {
    const { hello } = clientHelloOf(connection('https-tls13.pcapng'));
    const f = tsharkFields('https-tls13.pcapng', 'tls.handshake.type==1', [
      'tls.handshake.version', 'tls.handshake.random', 'tls.handshake.session_id', 'tls.handshake.ciphersuite', 'tls.handshake.comp_method',
      'tls.handshake.extension.type', 'tls.handshake.extensions_server_name', 'tls.handshake.extensions_alpn_str',
      'tls.handshake.extensions.supported_version', 'tls.handshake.extensions_key_share_group', 'tls.handshake.extensions_key_share_key_exchange_length',
      'tls.handshake.sig_hash_alg', 'tls.handshake.extensions_supported_group', 'tls.extension.psk_ke_mode']).get(4)!;
    const ks = dec(hello, ExtensionType.KEY_SHARE) as Extract<ExtensionValue, { kind: 'key_share_client' }>;
    const h4 = (n: number) => '0x' + n.toString(16).padStart(4, '0');
    expect([
      [h4(hello.legacyVersion)], [hex(hello.random)], [hex(hello.sessionId)], hello.cipherSuites.map(h4), hello.compressionMethods.map(String),
      hello.extensions.map((e) => String(e.type)),
      (dec(hello, 0) as Extract<ExtensionValue, { kind: 'server_name' }>).names.map((n) => n.name),
      (dec(hello, 16) as Extract<ExtensionValue, { kind: 'alpn' }>).protocols,
      (dec(hello, 43) as Extract<ExtensionValue, { kind: 'supported_versions' }>).versions.map(h4),
      ks.entries.map((e) => String(e.group)), ks.entries.map((e) => String(e.keyExchange.length)),
      (dec(hello, 13) as Extract<ExtensionValue, { kind: 'signature_algorithms' }>).schemes.map(h4),
      (dec(hello, 10) as Extract<ExtensionValue, { kind: 'supported_groups' }>).groups.map(h4),
      (dec(hello, 45) as Extract<ExtensionValue, { kind: 'psk_key_exchange_modes' }>).modes.map(String),
    ]).toEqual(f);
  });

  for (const file of ['https-tls13.pcapng', 'https-tls12.pcapng']) {
    it(`${file}: our name tables give the names tshark prints for every code point in the hellos`, () => {
      const text = tshark(file, ['-Y', 'tls.handshake.type==1 || tls.handshake.type==2', '-V']);
      const pairs: [string, string, (v: number) => string][] = [];
      for (const m of text.matchAll(/Cipher Suite: (\S+) \((0x[0-9a-f]{4})\)/g)) pairs.push([m[1], m[2], cipherSuiteName]);
      for (const m of text.matchAll(/^\s+Type: ([a-z_]+) \((\d+)\)$/gm)) pairs.push([m[1], m[2], extensionName]);
      for (const m of text.matchAll(/Supported Group: (\S+) \((0x[0-9a-f]{4})\)/g)) pairs.push([m[1], m[2], groupName]);
      for (const m of text.matchAll(/Signature Algorithm: (.+) \((0x[0-9a-f]{4})\)/g)) pairs.push([m[1], m[2], signatureSchemeName]);
      expect(pairs.length).toBeGreaterThan(40);
      for (const [name, code, fn] of pairs) expect({ code, name: fn(Number(code)) }).toEqual({ code, name });
    });
  }

  it('ServerHellos: TLS 1.3 via supported_versions + key_share, TLS 1.2 ECDHE-ECDSA', () => {
    const s13 = serverHelloOf(connection('https-tls13.pcapng')).hello;
    expect(negotiatedVersion(s13)).toBe(0x0304);
    expect(s13.legacyVersion).toBe(0x0303);
    expect(cipherSuiteName(s13.cipherSuite)).toBe('TLS_AES_256_GCM_SHA384');
    expect(s13.helloRetryRequest).toBe(false);
    const ks = findExtension(s13.extensions, ExtensionType.KEY_SHARE, 'server_hello');
    expect(ks?.ok && ks.value.kind === 'key_share_server' && [groupName(ks.value.entry.group), ks.value.entry.keyExchange.length]).toEqual(['x25519', 32]);
    const s12 = serverHelloOf(connection('https-tls12.pcapng')).hello;
    expect(negotiatedVersion(s12)).toBe(0x0303);
    expect(cipherSuiteName(s12.cipherSuite)).toBe('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384');
  });

  it('hellos re-emit byte for byte, and typed extensions re-encode to the same bytes', () => {
    for (const file of ['https-tls13.pcapng', 'https-tls12.pcapng']) {
      const conn = connection(file);
      const ch = clientHelloOf(conn);
      expect(hex(emitClientHello(ch.hello))).toBe(hex(emitHandshake(1, ch.body)));
      const sh = serverHelloOf(conn);
      expect(hex(emitServerHello(sh.hello))).toBe(hex(emitHandshake(2, sh.body)));
      for (const [h, ctx] of [[ch.hello, 'client_hello'], [sh.hello, 'server_hello']] as const) {
        for (const e of h.extensions) {
          const v = decodeExtension(e, ctx);
          if (!v.ok) throw new Error(`${file} ext ${e.type}: ${v.error.message}`);
          expect({ type: e.type, data: hex(encodeExtension(v.value).data) }).toEqual({ type: e.type, data: hex(e.data) });
        }
      }
    }
  });

  it('builds a ClientHello from typed values and reads it back', () => {
    const hello: ClientHello = {
      legacyVersion: 0x0303, random: new Uint8Array(32).fill(7), sessionId: new Uint8Array(32).fill(1), cipherSuites: [0x1301, 0x0a0a],
      compressionMethods: [0], extensions: [
        encodeExtension({ kind: 'server_name', names: [{ type: 0, name: 'www.lab.test' }] }),
        encodeExtension({ kind: 'supported_versions', versions: [0x0304] }),
        encodeExtension({ kind: 'key_share_client', entries: [{ group: 0x1d, keyExchange: new Uint8Array(32).fill(9) }] }),
        encodeExtension({ kind: 'alpn', protocols: ['h2', 'http/1.1'] }),
        { type: 0x1234, data: Uint8Array.of(1, 2) },
      ],
    };
    const bytes = emitClientHello(hello);
    const back = splitHandshakes(bytes);
    if (!back.ok) throw new Error(back.error.message);
    const p = parseClientHello(back.value[0].body);
    expect(p.ok && p.value).toEqual(hello);
    expect(cipherSuiteName(0x0a0a)).toBe('Reserved (GREASE)');
    expect(isGrease(0x1a1a)).toBe(true);
    expect(extensionName(0x1234)).toBe('Unknown (0x1234)');
    const hrr = parseServerHello(emitServerHello({ legacyVersion: 0x0303, random: HRR_RANDOM, sessionId: new Uint8Array(0), cipherSuite: 0x1301, compressionMethod: 0,
      extensions: [encodeExtension({ kind: 'key_share_hrr', selectedGroup: 0x17 })] }).subarray(4));
    expect(hrr.ok && hrr.value.helloRetryRequest).toBe(true);
    const ks = hrr.ok ? findExtension(hrr.value.extensions, 51, 'hello_retry_request') : undefined;
    expect(ks?.ok && ks.value).toEqual({ kind: 'key_share_hrr', selectedGroup: 0x17 });
  });
});

describe('tls: TLS 1.3 encrypted handshake messages (decrypted by tshark) and TLS 1.2 Certificate', () => {
  const fx = (what: string) => hexToBytes(TLS13_DECRYPTED.find((f) => f.what === what)!.hex);
  const keylog = ['-o', 'tls.keylog_file:https-tls13.keys'];

  it('server flight: EncryptedExtensions, Certificate, CertificateVerify, Finished match tshark and re-emit exactly', () => {
    const t = tsharkFields('https-tls13.pcapng', 'frame.number==6', ['tls.handshake.type', 'tls.handshake.length', 'tls.handshake.certificate_length',
      'tls.handshake.sig_hash_alg', 'tls.handshake.extensions_alpn_str'], keylog).get(6)!;
    const parts = ['EncryptedExtensions', 'Certificate', 'CertificateVerify', 'Finished (server)'].map((w) => {
      const s = splitHandshakes(fx(w));
      if (!s.ok || s.value.length !== 1) throw new Error(w);
      return s.value[0];
    });
    const ee = parseEncryptedExtensions(parts[0].body);
    const cert = parseCertificate(parts[1].body, true);
    const cv = parseCertificateVerify(parts[2].body);
    const fin = parseFinished(parts[3].body);
    if (!ee.ok || !cert.ok || !cv.ok || !fin.ok) throw new Error('parse');
    const alpn = findExtension(ee.value.extensions, ExtensionType.ALPN, 'encrypted_extensions');
    expect([
      ['2', ...parts.map((p) => String(p.type))],
      ['118', ...parts.map((p) => String(p.body.length))],
      cert.value.entries.map((e) => String(e.data.length)),
      ['0x' + cv.value.algorithm.toString(16).padStart(4, '0')],
      alpn?.ok && alpn.value.kind === 'alpn' ? alpn.value.protocols : [],
    ]).toEqual([t[0], t[1], t[2], t[3], t[4]]);
    expect(findExtension(ee.value.extensions, 0, 'encrypted_extensions')).toEqual({ ok: true, value: { kind: 'server_name', names: [] } });
    expect(cert.value.requestContext.length).toBe(0);
    expect(cert.value.entries[0].data[0]).toBe(0x30); // DER SEQUENCE
    expect(signatureSchemeName(cv.value.algorithm)).toBe('ecdsa_secp256r1_sha256');
    expect(fin.value.verifyData.length).toBe(48); // SHA-384 suite
    expect(hex(emitEncryptedExtensions(ee.value))).toBe(hex(fx('EncryptedExtensions')));
    expect(hex(emitCertificate(cert.value, true))).toBe(hex(fx('Certificate')));
    expect(hex(emitCertificateVerify(cv.value))).toBe(hex(fx('CertificateVerify')));
    expect(hex(emitFinished(fin.value))).toBe(hex(fx('Finished (server)')));
  });

  it('NewSessionTickets match tshark and re-emit exactly', () => {
    const t = tsharkFields('https-tls13.pcapng', 'tls.handshake.type==4', ['tls.handshake.session_ticket_lifetime_hint',
      'tls.handshake.session_ticket_age_add', 'tls.handshake.session_ticket_nonce', 'tls.handshake.session_ticket_length'], keylog);
    for (const [i, frame] of [[1, 9], [2, 10]]) {
      const s = splitHandshakes(fx(`NewSessionTicket ${i}`));
      if (!s.ok) throw new Error(s.error.message);
      const nst = parseNewSessionTicket(s.value[0].body);
      if (!nst.ok) throw new Error(nst.error.message);
      expect([[String(nst.value.lifetime)], [String(nst.value.ageAdd)], [hex(nst.value.nonce)], [String(nst.value.ticket.length)]]).toEqual(t.get(frame));
      expect(hex(emitNewSessionTicket(nst.value))).toBe(hex(fx(`NewSessionTicket ${i}`)));
    }
  });

  it('close_notify alert (frame 13, decrypted) and the encrypted TLS 1.2 alert', () => {
    const a = parseAlert(fx('Alert close_notify'));
    expect(a.ok && [alertLevelName(a.value.level), alertDescriptionName(a.value.description)]).toEqual(['Warning', 'Close Notify']);
    const c = connection('https-tls12.pcapng');
    const alerts = [...readDirection(c.up), ...readDirection(c.down)].filter(({ ev }) => ev.record.type === TlsContentType.ALERT);
    expect(alerts.map(({ frame, ev }) => [frame, ev.record.fragment.length])).toEqual([[12, 26]]); // tshark: frame 12, record length 26
    expect(parseAlert(alerts[0].ev.record.fragment)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/encrypted/) } });
  });

  it('TLS 1.2 Certificate form and ChangeCipherSpec', () => {
    const events = readDirection(connection('https-tls12.pcapng').down);
    const cert = parseCertificate(events[1].ev.handshakes[0].body, false);
    expect(cert.ok && cert.value.entries.map((e) => e.data.length)).toEqual([510]); // tshark: tls.handshake.certificate_length 510
    if (cert.ok) expect(hex(emitCertificate(cert.value, false))).toBe(hex(emitHandshake(11, events[1].ev.handshakes[0].body)));
    const ccs = events.find(({ ev }) => ev.record.type === TlsContentType.CHANGE_CIPHER_SPEC)!;
    expect(parseChangeCipherSpec(ccs.ev.record.fragment)).toEqual({ ok: true, value: { value: 1 } });
  });
});

describe('tls: malformed input gives errors, never throws', () => {
  it('record checks', () => {
    expect(parseTlsRecord(Uint8Array.of(22, 3, 1, 0x48, 0x01))).toEqual({ ok: false, error: { message: 'record length 18433 exceeds 2^14+256', offset: 3 } });
    expect(parseTlsRecord(Uint8Array.of(99, 3, 1, 0, 1, 0))).toMatchObject({ ok: false, error: { message: 'unknown record content type 99' } });
    expect(parseTlsRecord(Uint8Array.of(22, 3, 1, 0, 10, 1))).toMatchObject({ ok: false, incomplete: true });
    expect(parseTlsRecord(Uint8Array.of(0x47, 0x45, 0x54, 0x20, 0x2f)).ok).toBe(false); // "GET /" is not TLS
    const r = new TlsStreamReader();
    expect(r.push(Uint8Array.of(22, 3, 1, 0x48, 0x01)).error?.message).toMatch(/exceeds/);
  });

  it('truncated handshake: at the end of the stream and inside a record', () => {
    const { body } = clientHelloOf(connection('https-tls13.pcapng'));
    const msg = emitHandshake(1, body);
    const r = new TlsStreamReader();
    expect(r.push(emitTlsRecord(22, 0x0301, msg.subarray(0, 300))).error).toBeUndefined();
    expect(r.end().error).toEqual({ message: 'stream ends inside a handshake message', offset: 5 });
    expect(splitHandshakes(msg.subarray(0, 300))).toEqual({ ok: false, error: { message: `handshake message of ${body.length} bytes is truncated`, offset: 0 } });
    expect(parseClientHello(body.subarray(0, 70))).toEqual({ ok: false, error: { message: 'cipher_suites truncated', offset: 69 } });
    const r2 = new TlsStreamReader();
    r2.push(emitTlsRecord(22, 0x0301, msg).subarray(0, 50));
    expect(r2.end().error?.message).toMatch(/inside a record/);
  });

  it('extension and vector overruns, wrong sizes', () => {
    expect(decodeExtension({ type: 16, data: Uint8Array.of(0, 5, 4, 0x68, 0x32) }, 'client_hello')).toMatchObject({ ok: false, error: { message: 'ALPN list truncated' } });
    expect(decodeExtension({ type: 43, data: Uint8Array.of(3, 3, 4, 3) }, 'client_hello')).toMatchObject({ ok: false, error: { message: 'supported versions has an odd length' } });
    expect(decodeExtension({ type: 43, data: Uint8Array.of(3, 4, 0) }, 'server_hello')).toEqual({ ok: false, error: { message: '1 unexpected bytes after supported_versions', offset: 2 } });
    expect(parseAlert(Uint8Array.of(1))).toMatchObject({ ok: false });
    expect(parseFinished(new Uint8Array(0))).toMatchObject({ ok: false });
    const big = new TlsStreamReader({ maxHandshake: 1000 });
    expect(big.push(emitTlsRecord(22, 0x0303, Uint8Array.of(11, 0, 0x10, 0))).error?.message).toMatch(/exceeds the 1000-byte limit/);
  });

  it('property: random and mutated bytes never throw', () => {
    const samples = [connection('https-tls13.pcapng'), connection('https-tls12.pcapng')].flatMap((c) => [c.up.bytes, c.down.bytes]);
    const parsers = [parseClientHello, parseServerHello, parseEncryptedExtensions, (b: Uint8Array) => parseCertificate(b, true),
      (b: Uint8Array) => parseCertificate(b, false), parseCertificateVerify, parseNewSessionTicket, splitHandshakes];
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      for (const p of parsers) expect(typeof p(b).ok).toBe('boolean');
      for (const ctx of ['client_hello', 'server_hello', 'hello_retry_request'] as const) {
        for (const t of [0, 10, 13, 16, 43, 45, 51]) decodeExtension({ type: t, data: b }, ctx);
      }
      const r = new TlsStreamReader();
      r.push(b);
      r.end();
    }), { numRuns: 1500 });
    fc.assert(fc.property(fc.nat(samples.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      (i, muts) => {
        const b = samples[i].slice();
        for (const [at, v] of muts) b[at % b.length] = v;
        const r = new TlsStreamReader();
        const { events } = r.push(b);
        for (const ev of events) {
          for (const h of ev.handshakes) {
            if (h.type === 1) parseClientHello(h.body);
            else if (h.type === 2) parseServerHello(h.body);
            else if (h.type === 11) parseCertificate(h.body, false);
          }
        }
      }), { numRuns: 1500 });
  });
});
