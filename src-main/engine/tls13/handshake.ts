// TLS 1.3 endpoints for the simulator (RFC 8446), 1-RTT with X25519 and TLS_AES_128_GCM_SHA256,
// SNI, ALPN and Ed25519 certificates. They are byte-stream state machines with no I/O: feed them
// what TCP delivered (`receive`), send what they return. Every random value comes from the caller's
// ByteSource, so the same seed gives the same bytes. Secrets go to an optional KeyLog for the
// capture's Decryption Secrets Block. Events explain each step for the journey view.
import {
  ExtensionType,
  HandshakeType,
  TlsContentType,
  emitCertificate,
  emitCertificateVerify,
  emitClientHello,
  emitEncryptedExtensions,
  emitFinished,
  emitServerHello,
  emitTlsRecord,
  encodeExtension,
  findExtension,
  parseCertificate as parseCertificateMsg,
  parseCertificateVerify,
  parseClientHello,
  parseEncryptedExtensions,
  parseServerHello,
} from '../../../src-shared/net/wire/tls';
import { bytesEqual, concatBytes, utf8 } from './bytes';
import { KeyLog } from './keylog';
import { applicationSecrets, finishedVerifyData, handshakeSecrets, Transcript, trafficKeys, TLS_AES_128_GCM_SHA256 } from './key-schedule';
import { ed25519Sign, ed25519Verify, generateX25519, x25519Shared, type Ed25519KeyPair, type X25519KeyPair } from './keys';
import { MAX_PLAINTEXT, RecordProtection } from './record';
import type { ByteSource } from './seeded-bytes';
import { parseCertificate, verifyServerCertificate, type CertVerdict } from './x509';

const X25519 = 0x001d;
const ED25519 = 0x0807;
const TLS13 = 0x0304;
const TLS12 = 0x0303;

export const AlertDescription = {
  CLOSE_NOTIFY: 0, UNEXPECTED_MESSAGE: 10, BAD_RECORD_MAC: 20, HANDSHAKE_FAILURE: 40, BAD_CERTIFICATE: 42,
  CERTIFICATE_EXPIRED: 45, UNKNOWN_CA: 48, DECODE_ERROR: 50, DECRYPT_ERROR: 51, PROTOCOL_VERSION: 70,
  ILLEGAL_PARAMETER: 47, MISSING_EXTENSION: 109, UNRECOGNIZED_NAME: 112, NO_APPLICATION_PROTOCOL: 120,
} as const;

export type TlsEvent =
  | { kind: 'sent'; message: string; detail: string }
  | { kind: 'received'; message: string; detail: string }
  | { kind: 'certificate'; verdict: CertVerdict }
  | { kind: 'connected'; alpn?: string; serverName?: string; cipherSuite: string }
  | { kind: 'data'; data: Uint8Array }
  | { kind: 'alert'; sent: boolean; description: number; reason: string }
  | { kind: 'closed' };

export interface TlsOutput {
  /** Bytes to hand to TCP, in order. */
  output: Uint8Array;
  events: TlsEvent[];
}

export type TlsState = 'start' | 'handshake' | 'connected' | 'closed' | 'failed';

class TlsFailure extends Error {
  constructor(
    readonly description: number,
    message: string,
  ) {
    super(message);
  }
}

/** Splits a byte stream into records and records into handshake messages. */
abstract class Endpoint {
  state: TlsState = 'start';
  protected inbox: Uint8Array = new Uint8Array(0);
  protected handshakeBuffer: Uint8Array = new Uint8Array(0);
  protected readProtection?: RecordProtection;
  protected writeProtection?: RecordProtection;
  protected readonly transcript = new Transcript();
  protected out: Uint8Array[] = [];
  protected events: TlsEvent[] = [];
  clientRandom: Uint8Array = new Uint8Array(32);

  constructor(protected readonly keyLog?: KeyLog) {}

  /** Feeds bytes received from the peer; returns what to send back and what happened. */
  receive(bytes: Uint8Array): TlsOutput {
    this.inbox = this.inbox.length ? concatBytes([this.inbox, bytes]) : bytes.slice();
    try {
      while (this.inbox.length >= 5 && this.state !== 'failed' && this.state !== 'closed') {
        const len = (this.inbox[3] << 8) | this.inbox[4];
        if (len > MAX_PLAINTEXT + 256) throw new TlsFailure(AlertDescription.DECODE_ERROR, `record of ${len} bytes exceeds 2^14 + 256`);
        if (this.inbox.length < 5 + len) break;
        const record = this.inbox.subarray(0, 5 + len);
        this.inbox = this.inbox.slice(5 + len);
        this.record(record);
      }
    } catch (e) {
      if (!(e instanceof TlsFailure)) throw e;
      this.fail(e.description, e.message);
    }
    return this.flush();
  }

  /** Protects application data (split into records of at most 2^14 bytes). */
  send(data: Uint8Array): TlsOutput {
    if (this.state !== 'connected' || !this.writeProtection) throw new Error(`cannot send application data in state ${this.state}`);
    for (let o = 0; o < data.length; o += MAX_PLAINTEXT) this.out.push(this.writeProtection.seal(TlsContentType.APPLICATION_DATA, data.subarray(o, o + MAX_PLAINTEXT)));
    return this.flush();
  }

  /** Sends close_notify. */
  close(): TlsOutput {
    this.queueCloseNotify();
    return this.flush();
  }

  private queueCloseNotify(): void {
    if (this.writeProtection && this.state === 'connected') {
      this.out.push(this.writeProtection.seal(TlsContentType.ALERT, Uint8Array.of(1, AlertDescription.CLOSE_NOTIFY)));
      this.events.push({ kind: 'alert', sent: true, description: 0, reason: 'close_notify' });
    }
    this.state = 'closed';
  }

  protected flush(): TlsOutput {
    const r = { output: concatBytes(this.out), events: this.events };
    this.out = [];
    this.events = [];
    return r;
  }

  protected fail(description: number, reason: string): void {
    const alert = Uint8Array.of(2, description);
    // Before keys exist the alert goes in plaintext; afterwards it is protected.
    this.out.push(this.writeProtection ? this.writeProtection.seal(TlsContentType.ALERT, alert) : emitTlsRecord(TlsContentType.ALERT, TLS12, alert));
    this.events.push({ kind: 'alert', sent: true, description, reason });
    this.state = 'failed';
  }

  private record(record: Uint8Array): void {
    let type = record[0];
    let content = record.subarray(5);
    if (type === TlsContentType.CHANGE_CIPHER_SPEC) return; // middlebox compatibility: ignored (§5)
    if (type === TlsContentType.APPLICATION_DATA && this.readProtection) {
      const r = this.readProtection.open(record);
      if (!r.ok) throw new TlsFailure(AlertDescription.BAD_RECORD_MAC, r.error);
      type = r.contentType;
      content = r.content;
    } else if (this.readProtection && type !== TlsContentType.ALERT) {
      throw new TlsFailure(AlertDescription.UNEXPECTED_MESSAGE, `plaintext record of type ${type} after keys were installed`);
    }
    if (type === TlsContentType.ALERT) {
      const description = content[1] ?? -1;
      this.events.push({ kind: 'alert', sent: false, description, reason: description === 0 ? 'close_notify from peer' : `peer sent alert ${description}` });
      if (description !== 0) {
        this.state = 'failed';
        return;
      }
      // §6.1: each side sends its own close_notify before closing; answer the peer's.
      if (this.state === 'connected') this.queueCloseNotify();
      this.state = 'closed';
      this.events.push({ kind: 'closed' });
      return;
    }
    if (type === TlsContentType.APPLICATION_DATA) {
      if (this.state !== 'connected') throw new TlsFailure(AlertDescription.UNEXPECTED_MESSAGE, 'application data before the handshake finished');
      this.events.push({ kind: 'data', data: content.slice() });
      return;
    }
    if (type !== TlsContentType.HANDSHAKE) throw new TlsFailure(AlertDescription.UNEXPECTED_MESSAGE, `unexpected record type ${type}`);
    this.handshakeBuffer = this.handshakeBuffer.length ? concatBytes([this.handshakeBuffer, content]) : content.slice();
    while (this.handshakeBuffer.length >= 4) {
      const len = (this.handshakeBuffer[1] << 16) | (this.handshakeBuffer[2] << 8) | this.handshakeBuffer[3];
      if (this.handshakeBuffer.length < 4 + len) break;
      const message = this.handshakeBuffer.slice(0, 4 + len);
      this.handshakeBuffer = this.handshakeBuffer.slice(4 + len);
      this.handshake(message[0], message.subarray(4), message);
    }
  }

  protected abstract handshake(type: number, body: Uint8Array, whole: Uint8Array): void;

  protected sendHandshake(message: Uint8Array, name: string, detail: string): void {
    this.transcript.add(message);
    this.out.push(this.writeProtection ? this.writeProtection.seal(TlsContentType.HANDSHAKE, message) : emitTlsRecord(TlsContentType.HANDSHAKE, TLS12, message));
    this.events.push({ kind: 'sent', message: name, detail });
  }
}

const CERT_VERIFY_CONTEXT = utf8('TLS 1.3, server CertificateVerify');

/** The content a server signs in CertificateVerify (§4.4.3). */
function certificateVerifyContent(transcriptHash: Uint8Array): Uint8Array {
  return concatBytes([new Uint8Array(64).fill(0x20), CERT_VERIFY_CONTEXT, Uint8Array.of(0), transcriptHash]);
}

// ---------------------------------------------------------------------------------------------

export interface TlsClientOptions {
  source: ByteSource;
  serverName: string;
  alpn?: string[];
  /** Trusted CA certificates (DER). */
  trusted: readonly Uint8Array[];
  /** µs since the epoch, for certificate validity. */
  now: number;
  keyLog?: KeyLog;
}

export class TlsClient extends Endpoint {
  private readonly share: X25519KeyPair;
  private hs?: ReturnType<typeof handshakeSecrets>;
  private expect: number = HandshakeType.SERVER_HELLO;
  private leafKey?: Uint8Array;
  private alpn?: string;
  verdict?: CertVerdict;

  constructor(private readonly o: TlsClientOptions) {
    super(o.keyLog);
    this.clientRandom = o.source.bytes(32);
    this.share = generateX25519(o.source);
  }

  /** The ClientHello, to send once TCP is connected. */
  start(): TlsOutput {
    const exts = [
      encodeExtension({ kind: 'server_name', names: [{ type: 0, name: this.o.serverName }] }),
      encodeExtension({ kind: 'supported_groups', groups: [X25519] }),
      encodeExtension({ kind: 'signature_algorithms', schemes: [ED25519, 0x0403, 0x0804] }),
      encodeExtension({ kind: 'key_share_client', entries: [{ group: X25519, keyExchange: this.share.publicKey }] }),
      encodeExtension({ kind: 'supported_versions', versions: [TLS13] }),
      ...(this.o.alpn?.length ? [encodeExtension({ kind: 'alpn', protocols: this.o.alpn })] : []),
    ];
    const hello = emitClientHello({ legacyVersion: TLS12, random: this.clientRandom, sessionId: new Uint8Array(0), cipherSuites: [TLS_AES_128_GCM_SHA256], compressionMethods: [0], extensions: exts });
    this.state = 'handshake';
    this.sendHandshake(hello, 'ClientHello', `SNI ${this.o.serverName}, X25519 key share, TLS_AES_128_GCM_SHA256${this.o.alpn ? ', ALPN ' + this.o.alpn.join(',') : ''}`);
    return this.flush();
  }

  protected handshake(type: number, body: Uint8Array, whole: Uint8Array): void {
    if (type !== this.expect) throw new TlsFailure(AlertDescription.UNEXPECTED_MESSAGE, `expected handshake message ${this.expect}, got ${type}`);
    switch (type) {
      case HandshakeType.SERVER_HELLO: {
        const sh = parseServerHello(body);
        if (!sh.ok) throw new TlsFailure(AlertDescription.DECODE_ERROR, `bad ServerHello: ${sh.error.message}`);
        if (sh.value.helloRetryRequest) throw new TlsFailure(AlertDescription.HANDSHAKE_FAILURE, 'HelloRetryRequest is not supported by the lab client');
        const v = findExtension(sh.value.extensions, ExtensionType.SUPPORTED_VERSIONS, 'server_hello');
        if (!v?.ok || v.value.kind !== 'selected_version' || v.value.version !== TLS13) throw new TlsFailure(AlertDescription.PROTOCOL_VERSION, 'server did not select TLS 1.3');
        if (sh.value.cipherSuite !== TLS_AES_128_GCM_SHA256) throw new TlsFailure(AlertDescription.ILLEGAL_PARAMETER, `server chose cipher suite ${sh.value.cipherSuite}`);
        const ks = findExtension(sh.value.extensions, ExtensionType.KEY_SHARE, 'server_hello');
        if (!ks?.ok || ks.value.kind !== 'key_share_server' || ks.value.entry.group !== X25519) throw new TlsFailure(AlertDescription.ILLEGAL_PARAMETER, 'server key share is not X25519');
        const shared = x25519Shared(this.share, ks.value.entry.keyExchange);
        if (!shared) throw new TlsFailure(AlertDescription.ILLEGAL_PARAMETER, 'bad X25519 public key from the server');
        this.transcript.add(whole);
        this.events.push({ kind: 'received', message: 'ServerHello', detail: 'TLS 1.3, TLS_AES_128_GCM_SHA256, X25519' });
        this.hs = handshakeSecrets(shared, this.transcript.hash());
        this.keyLog?.add('CLIENT_HANDSHAKE_TRAFFIC_SECRET', this.clientRandom, this.hs.clientHandshakeTrafficSecret);
        this.keyLog?.add('SERVER_HANDSHAKE_TRAFFIC_SECRET', this.clientRandom, this.hs.serverHandshakeTrafficSecret);
        this.readProtection = new RecordProtection(trafficKeys(this.hs.serverHandshakeTrafficSecret));
        this.expect = HandshakeType.ENCRYPTED_EXTENSIONS;
        return;
      }
      case HandshakeType.ENCRYPTED_EXTENSIONS: {
        const ee = parseEncryptedExtensions(body);
        if (!ee.ok) throw new TlsFailure(AlertDescription.DECODE_ERROR, `bad EncryptedExtensions: ${ee.error.message}`);
        const a = findExtension(ee.value.extensions, ExtensionType.ALPN, 'encrypted_extensions');
        if (a?.ok && a.value.kind === 'alpn') this.alpn = a.value.protocols[0];
        this.transcript.add(whole);
        this.events.push({ kind: 'received', message: 'EncryptedExtensions', detail: this.alpn ? `ALPN ${this.alpn}` : 'no ALPN' });
        this.expect = HandshakeType.CERTIFICATE;
        return;
      }
      case HandshakeType.CERTIFICATE: {
        const c = parseCertificateMsg(body, true);
        if (!c.ok) throw new TlsFailure(AlertDescription.DECODE_ERROR, `bad Certificate: ${c.error.message}`);
        const verdict = verifyServerCertificate({ chain: c.value.entries.map((e) => e.data), trusted: this.o.trusted, hostname: this.o.serverName, now: this.o.now });
        this.verdict = verdict;
        this.events.push({ kind: 'certificate', verdict });
        if (!verdict.ok) {
          const d = verdict.code === 'NET::ERR_CERT_AUTHORITY_INVALID' ? AlertDescription.UNKNOWN_CA : verdict.code === 'NET::ERR_CERT_DATE_INVALID' ? AlertDescription.CERTIFICATE_EXPIRED : AlertDescription.BAD_CERTIFICATE;
          throw new TlsFailure(d, `${verdict.code}: ${verdict.reason}`);
        }
        const leaf = parseCertificate(c.value.entries[0].data);
        if (!leaf.ok || leaf.cert.publicKeyAlgorithm !== '1.3.101.112') throw new TlsFailure(AlertDescription.BAD_CERTIFICATE, 'the lab client only accepts Ed25519 server keys');
        this.leafKey = leaf.cert.spki.slice(leaf.cert.spki.length - 32);
        this.transcript.add(whole);
        this.events.push({ kind: 'received', message: 'Certificate', detail: verdict.explanation });
        this.expect = HandshakeType.CERTIFICATE_VERIFY;
        return;
      }
      case HandshakeType.CERTIFICATE_VERIFY: {
        const cv = parseCertificateVerify(body);
        if (!cv.ok) throw new TlsFailure(AlertDescription.DECODE_ERROR, `bad CertificateVerify: ${cv.error.message}`);
        if (cv.value.algorithm !== ED25519 || !ed25519Verify(this.leafKey!, certificateVerifyContent(this.transcript.hash()), cv.value.signature)) {
          throw new TlsFailure(AlertDescription.DECRYPT_ERROR, 'CertificateVerify signature does not verify with the certificate key');
        }
        this.transcript.add(whole);
        this.events.push({ kind: 'received', message: 'CertificateVerify', detail: 'Ed25519 signature over the transcript verifies' });
        this.expect = HandshakeType.FINISHED;
        return;
      }
      case HandshakeType.FINISHED: {
        const hs = this.hs!;
        if (!bytesEqual(body, finishedVerifyData(hs.serverHandshakeTrafficSecret, this.transcript.hash()))) throw new TlsFailure(AlertDescription.DECRYPT_ERROR, 'server Finished does not match the transcript');
        this.transcript.add(whole);
        this.events.push({ kind: 'received', message: 'Finished', detail: 'server Finished verifies' });
        const app = applicationSecrets(hs.masterSecret, this.transcript.hash());
        this.keyLog?.add('CLIENT_TRAFFIC_SECRET_0', this.clientRandom, app.clientApplicationTrafficSecret);
        this.keyLog?.add('SERVER_TRAFFIC_SECRET_0', this.clientRandom, app.serverApplicationTrafficSecret);
        this.keyLog?.add('EXPORTER_SECRET', this.clientRandom, app.exporterMasterSecret);
        this.writeProtection = new RecordProtection(trafficKeys(hs.clientHandshakeTrafficSecret));
        this.sendHandshake(emitFinished({ verifyData: finishedVerifyData(hs.clientHandshakeTrafficSecret, this.transcript.hash()) }), 'Finished', 'client Finished');
        this.readProtection = new RecordProtection(trafficKeys(app.serverApplicationTrafficSecret));
        this.writeProtection = new RecordProtection(trafficKeys(app.clientApplicationTrafficSecret));
        this.state = 'connected';
        this.expect = -1;
        this.events.push({ kind: 'connected', alpn: this.alpn, serverName: this.o.serverName, cipherSuite: 'TLS_AES_128_GCM_SHA256' });
        return;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------

export interface ServerIdentity {
  /** Certificate chain (DER), leaf first. */
  chain: Uint8Array[];
  key: Ed25519KeyPair;
  /** Names this identity serves (SNI); '*.' wildcards allowed. The first identity is the default. */
  names: string[];
}

export interface TlsServerOptions {
  source: ByteSource;
  identities: ServerIdentity[];
  alpn?: string[];
  keyLog?: KeyLog;
}

export class TlsServer extends Endpoint {
  private hs?: ReturnType<typeof handshakeSecrets>;
  private clientFinishedExpected?: Uint8Array;
  private readAfterFinished?: RecordProtection;
  private serverName?: string;
  private alpn?: string;

  constructor(private readonly o: TlsServerOptions) {
    super(o.keyLog);
  }

  protected handshake(type: number, body: Uint8Array, whole: Uint8Array): void {
    if (type === HandshakeType.CLIENT_HELLO && this.state === 'start') return this.clientHello(body, whole);
    if (type === HandshakeType.FINISHED && this.clientFinishedExpected) {
      if (!bytesEqual(body, this.clientFinishedExpected)) throw new TlsFailure(AlertDescription.DECRYPT_ERROR, 'client Finished does not match the transcript');
      this.transcript.add(whole);
      this.events.push({ kind: 'received', message: 'Finished', detail: 'client Finished verifies' });
      this.clientFinishedExpected = undefined;
      this.readProtection = this.readAfterFinished;
      this.state = 'connected';
      this.events.push({ kind: 'connected', alpn: this.alpn, serverName: this.serverName, cipherSuite: 'TLS_AES_128_GCM_SHA256' });
      return;
    }
    throw new TlsFailure(AlertDescription.UNEXPECTED_MESSAGE, `unexpected handshake message ${type}`);
  }

  private clientHello(body: Uint8Array, whole: Uint8Array): void {
    const ch = parseClientHello(body);
    if (!ch.ok) throw new TlsFailure(AlertDescription.DECODE_ERROR, `bad ClientHello: ${ch.error.message}`);
    const hello = ch.value;
    this.clientRandom = hello.random.slice();
    const versions = findExtension(hello.extensions, ExtensionType.SUPPORTED_VERSIONS, 'client_hello');
    if (!versions?.ok || versions.value.kind !== 'supported_versions' || !versions.value.versions.includes(TLS13)) throw new TlsFailure(AlertDescription.PROTOCOL_VERSION, 'client does not offer TLS 1.3');
    if (!hello.cipherSuites.includes(TLS_AES_128_GCM_SHA256)) throw new TlsFailure(AlertDescription.HANDSHAKE_FAILURE, 'client does not offer TLS_AES_128_GCM_SHA256');
    const ks = findExtension(hello.extensions, ExtensionType.KEY_SHARE, 'client_hello');
    const entry = ks?.ok && ks.value.kind === 'key_share_client' ? ks.value.entries.find((e) => e.group === X25519) : undefined;
    if (!entry) throw new TlsFailure(AlertDescription.HANDSHAKE_FAILURE, 'no X25519 key share (HelloRetryRequest is not supported by the lab server)');
    const sni = findExtension(hello.extensions, ExtensionType.SERVER_NAME, 'client_hello');
    this.serverName = sni?.ok && sni.value.kind === 'server_name' ? sni.value.names[0]?.name : undefined;
    const identity = this.pickIdentity(this.serverName);
    const alpnExt = findExtension(hello.extensions, ExtensionType.ALPN, 'client_hello');
    if (alpnExt?.ok && alpnExt.value.kind === 'alpn' && this.o.alpn?.length) {
      const offered = alpnExt.value.protocols;
      this.alpn = this.o.alpn.find((p) => offered.includes(p));
      if (!this.alpn) throw new TlsFailure(AlertDescription.NO_APPLICATION_PROTOCOL, `no common application protocol (client offered ${offered.join(', ')})`);
    }
    this.transcript.add(whole);
    this.events.push({ kind: 'received', message: 'ClientHello', detail: `SNI ${this.serverName ?? '(none)'}` });
    this.state = 'handshake';

    const share = generateX25519(this.o.source);
    const shared = x25519Shared(share, entry.keyExchange);
    if (!shared) throw new TlsFailure(AlertDescription.ILLEGAL_PARAMETER, 'bad X25519 public key from the client');
    const sh = emitServerHello({
      legacyVersion: TLS12, random: this.o.source.bytes(32), sessionId: hello.sessionId, cipherSuite: TLS_AES_128_GCM_SHA256, compressionMethod: 0,
      extensions: [encodeExtension({ kind: 'key_share_server', entry: { group: X25519, keyExchange: share.publicKey } }), encodeExtension({ kind: 'selected_version', version: TLS13 })],
    });
    this.sendHandshake(sh, 'ServerHello', 'TLS 1.3, TLS_AES_128_GCM_SHA256, X25519');
    const hs = (this.hs = handshakeSecrets(shared, this.transcript.hash()));
    this.keyLog?.add('CLIENT_HANDSHAKE_TRAFFIC_SECRET', this.clientRandom, hs.clientHandshakeTrafficSecret);
    this.keyLog?.add('SERVER_HANDSHAKE_TRAFFIC_SECRET', this.clientRandom, hs.serverHandshakeTrafficSecret);
    this.writeProtection = new RecordProtection(trafficKeys(hs.serverHandshakeTrafficSecret));
    this.readProtection = new RecordProtection(trafficKeys(hs.clientHandshakeTrafficSecret));

    const eeExts = [];
    if (this.serverName !== undefined) eeExts.push(encodeExtension({ kind: 'server_name', names: [] }));
    if (this.alpn) eeExts.push(encodeExtension({ kind: 'alpn', protocols: [this.alpn] }));
    this.sendHandshake(emitEncryptedExtensions({ extensions: eeExts }), 'EncryptedExtensions', this.alpn ? `ALPN ${this.alpn}` : 'no ALPN');
    this.sendHandshake(emitCertificate({ requestContext: new Uint8Array(0), entries: identity.chain.map((data) => ({ data, extensions: [] })) }, true), 'Certificate', `${identity.names[0]} (${identity.chain.length} certificate${identity.chain.length > 1 ? 's' : ''})`);
    const signature = ed25519Sign(identity.key, certificateVerifyContent(this.transcript.hash()));
    this.sendHandshake(emitCertificateVerify({ algorithm: ED25519, signature }), 'CertificateVerify', 'Ed25519 signature over the transcript');
    this.sendHandshake(emitFinished({ verifyData: finishedVerifyData(hs.serverHandshakeTrafficSecret, this.transcript.hash()) }), 'Finished', 'server Finished');
    const app = applicationSecrets(hs.masterSecret, this.transcript.hash());
    this.keyLog?.add('CLIENT_TRAFFIC_SECRET_0', this.clientRandom, app.clientApplicationTrafficSecret);
    this.keyLog?.add('SERVER_TRAFFIC_SECRET_0', this.clientRandom, app.serverApplicationTrafficSecret);
    this.keyLog?.add('EXPORTER_SECRET', this.clientRandom, app.exporterMasterSecret);
    this.clientFinishedExpected = finishedVerifyData(hs.clientHandshakeTrafficSecret, this.transcript.hash());
    this.writeProtection = new RecordProtection(trafficKeys(app.serverApplicationTrafficSecret));
    // Reads stay on the client handshake key until the client's Finished; then switch.
    this.readAfterFinished = new RecordProtection(trafficKeys(app.clientApplicationTrafficSecret));
  }

  private pickIdentity(serverName: string | undefined): ServerIdentity {
    if (serverName) {
      const n = serverName.toLowerCase();
      for (const id of this.o.identities) {
        if (id.names.some((p) => p.toLowerCase() === n || (p.startsWith('*.') && n.endsWith(p.slice(1).toLowerCase()) && !n.slice(0, n.length - p.length + 1).includes('.')))) return id;
      }
    }
    const first = this.o.identities[0];
    if (!first) throw new TlsFailure(AlertDescription.UNRECOGNIZED_NAME, 'the server has no certificate');
    return first;
  }
}
