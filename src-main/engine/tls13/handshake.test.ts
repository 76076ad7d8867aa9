import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapngWriter } from '../../../src-shared/capture';
import { LINKTYPE_ETHERNET } from '../../../src-shared/capture/linktypes';
import { ipv4, mac } from '../../../src-shared/net/addr';
import { emitEthernet, EtherType } from '../../../src-shared/net/wire/ethernet';
import { emitHttpRequest, emitHttpResponse } from '../../../src-shared/net/wire/http';
import { emitIpv4, IpProtocol } from '../../../src-shared/net/wire/ipv4';
import { emitTcp, TcpFlags } from '../../../src-shared/net/wire/tcp';
import { concatBytes, toHex } from './bytes';
import { decryptConnection, parseKeyLog } from './decrypt';
import { TlsClient, TlsServer, type TlsEvent, type TlsOutput } from './handshake';
import { KeyLog } from './keylog';
import { createLabCa, issueServerCertificate } from './pki';
import { SeededBytes } from './seeded-bytes';

const dir = mkdtempSync(join(tmpdir(), 'packetlab-tls13-'));
const EPOCH = Date.UTC(2026, 0, 1) * 1000;
const DAY = 86_400 * 1_000_000;

function setup(seed: number, serverName = 'www.example.com') {
  const root = new SeededBytes(seed);
  const pkiSource = root.fork('pki');
  const ca = createLabCa({ source: pkiSource, notBefore: EPOCH - DAY });
  const cert = issueServerCertificate(ca, { source: pkiSource, dnsNames: ['www.example.com', 'example.com'], notBefore: EPOCH - DAY });
  const keyLog = new KeyLog();
  const client = new TlsClient({ source: root.fork('client'), serverName, alpn: ['http/1.1'], trusted: [ca.der], now: EPOCH + 60e6, keyLog });
  const server = new TlsServer({ source: root.fork('server'), identities: [{ chain: [cert.der], key: cert.key, names: ['www.example.com', 'example.com'] }], alpn: ['http/1.1'] });
  return { client, server, keyLog };
}

/** A TCP connection written as Ethernet/IPv4/TCP frames with correct sequence numbers. */
class Wire {
  readonly frames: { time: number; data: Uint8Array }[] = [];
  private time = EPOCH + 1_000_000;
  private readonly ends = {
    client: { mac: mac('02:00:00:00:00:0a'), ip: ipv4('192.168.1.100'), port: 49152, seq: 1000, id: 1 },
    server: { mac: mac('02:00:00:00:00:50'), ip: ipv4('203.0.113.80'), port: 443, seq: 5000, id: 1 },
  };

  private frame(from: 'client' | 'server', flags: number, payload: Uint8Array): void {
    const a = this.ends[from];
    const b = this.ends[from === 'client' ? 'server' : 'client'];
    const tcp = emitTcp({ srcPort: a.port, dstPort: b.port, seq: a.seq, ack: flags & TcpFlags.ACK ? b.seq : 0, flags, window: 64240, ...(flags & TcpFlags.SYN ? { mss: 1460 } : {}) }, payload, { src: a.ip, dst: b.ip });
    const ip = emitIpv4({ src: a.ip, dst: b.ip, protocol: IpProtocol.TCP, ttl: 64, identification: a.id++, dontFragment: true }, tcp);
    this.frames.push({ time: this.time, data: emitEthernet({ dst: b.mac, src: a.mac, ethertype: EtherType.IPv4 }, ip) });
    this.time += 500;
    a.seq = (a.seq + payload.length + (flags & (TcpFlags.SYN | TcpFlags.FIN) ? 1 : 0)) >>> 0;
  }

  handshake(): void {
    this.frame('client', TcpFlags.SYN, new Uint8Array(0));
    this.frame('server', TcpFlags.SYN | TcpFlags.ACK, new Uint8Array(0));
    this.frame('client', TcpFlags.ACK, new Uint8Array(0));
  }

  send(from: 'client' | 'server', data: Uint8Array): void {
    for (let o = 0; o < data.length; o += 1460) this.frame(from, TcpFlags.PSH | TcpFlags.ACK, data.subarray(o, o + 1460));
    if (data.length) this.frame(from === 'client' ? 'server' : 'client', TcpFlags.ACK, new Uint8Array(0));
  }

  close(): void {
    this.frame('client', TcpFlags.FIN | TcpFlags.ACK, new Uint8Array(0));
    this.frame('server', TcpFlags.FIN | TcpFlags.ACK, new Uint8Array(0));
    this.frame('client', TcpFlags.ACK, new Uint8Array(0));
  }

  pcapng(secrets?: string): Uint8Array {
    const w = new PcapngWriter({ userAppl: 'PacketLab tls13 test' });
    const ifc = w.addInterface({ linkType: LINKTYPE_ETHERNET, name: 'lab0', tsresol: 6 });
    if (secrets) w.addSecrets(secrets);
    for (const f of this.frames) w.addPacket({ interfaceId: ifc, timestamp: { seconds: Math.floor(f.time / 1e6), nanoseconds: (f.time % 1e6) * 1000 }, data: f.data });
    return w.toBytes();
  }
}

/** One HTTPS exchange: TCP handshake, TLS handshake, GET, 200, close_notify, FIN. */
function exchange(seed: number) {
  const { client, server, keyLog } = setup(seed);
  const wire = new Wire();
  const events: { side: string; e: TlsEvent }[] = [];
  const streams = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  const deliver = (from: 'client' | 'server', out: TlsOutput) => {
    for (const e of out.events) events.push({ side: from, e });
    if (!out.output.length) return;
    streams[from].push(out.output);
    wire.send(from, out.output);
    const reply = from === 'client' ? server.receive(out.output) : client.receive(out.output);
    deliver(from === 'client' ? 'server' : 'client', reply);
  };
  wire.handshake();
  deliver('client', client.start());
  const request = emitHttpRequest({ method: 'GET', target: '/', headers: [{ name: 'Host', value: 'www.example.com' }, { name: 'User-Agent', value: 'PacketLab/1.0' }] });
  deliver('client', client.send(request));
  const got = events.find((x) => x.side === 'server' && x.e.kind === 'data');
  const html = '<!doctype html><title>Example</title><p>Hello from the lab.</p>\n';
  const response = emitHttpResponse({ status: 200, headers: [{ name: 'Content-Type', value: 'text/html' }, { name: 'Cache-Control', value: 'max-age=3600' }], body: html });
  deliver('server', server.send(response));
  deliver('client', client.close());
  deliver('server', server.close());
  wire.close();
  return { client, server, keyLog, wire, events, got, request, html, response, streams };
}

function tshark(file: string, args: string[]): string {
  const r = spawnSync('tshark', ['-r', file, ...args], { encoding: 'utf8' });
  if (r.error) throw r.error; // tshark missing: fail, do not skip
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('TLS 1.3 endpoints', () => {
  it('complete a handshake, carry HTTP both ways and close', () => {
    const x = exchange(1);
    expect(x.client.state).toBe('closed');
    expect(x.server.state).toBe('closed');
    expect(x.got?.e.kind === 'data' && toHex(x.got.e.data)).toBe(toHex(x.request));
    const sent = x.events.filter((v) => v.e.kind === 'sent').map((v) => `${v.side}:${(v.e as { message: string }).message}`);
    expect(sent).toEqual(['client:ClientHello', 'server:ServerHello', 'server:EncryptedExtensions', 'server:Certificate', 'server:CertificateVerify', 'server:Finished', 'client:Finished']);
    expect(x.events.filter((v) => v.e.kind === 'connected').map((v) => v.e)).toEqual([
      { kind: 'connected', alpn: 'http/1.1', serverName: 'www.example.com', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
      { kind: 'connected', alpn: 'http/1.1', serverName: 'www.example.com', cipherSuite: 'TLS_AES_128_GCM_SHA256' },
    ]);
    expect(x.keyLog.entries.map((e) => e.label)).toEqual(['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0', 'EXPORTER_SECRET']);
  });

  it('can be decrypted again from the key log, record by record', () => {
    const x = exchange(8);
    const r = decryptConnection(parseKeyLog(x.keyLog.text()), concatBytes(x.streams.client), concatBytes(x.streams.server));
    expect(r.error).toBeUndefined();
    const app = r.records.filter((v) => v.innerType === 23);
    expect(app.map((v) => v.direction)).toEqual(['client', 'server']);
    expect(toHex(app[0].content!)).toBe(toHex(x.request));
    expect(toHex(app[1].content!)).toBe(toHex(x.response));
    expect(r.records.filter((v) => v.innerType === 21).map((v) => `${v.direction}:${Array.from(v.content!)}`)).toEqual(['client:1,0', 'server:1,0']);
  });

  it('is deterministic: the same seed gives the same bytes, another seed different ones', () => {
    const a = exchange(5).wire.frames.map((f) => toHex(f.data)).join();
    const b = exchange(5).wire.frames.map((f) => toHex(f.data)).join();
    const c = exchange(6).wire.frames.map((f) => toHex(f.data)).join();
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('fails visibly on a name mismatch and on an unknown CA', () => {
    const wrong = setup(2, 'shop.example.com');
    const sh = wrong.server.receive(wrong.client.start().output);
    const r = wrong.client.receive(sh.output);
    expect(wrong.client.state).toBe('failed');
    expect(r.events.find((e) => e.kind === 'certificate')).toMatchObject({ verdict: { ok: false, code: 'NET::ERR_CERT_COMMON_NAME_INVALID' } });
    expect(r.events.find((e) => e.kind === 'alert')).toMatchObject({ sent: true, description: 42 });
    // The alert is protected with the client handshake key: the server reads it and fails too.
    expect(wrong.server.receive(r.output).events).toContainEqual({ kind: 'alert', sent: false, description: 42, reason: 'peer sent alert 42' });
    expect(wrong.server.state).toBe('failed');

    const other = setup(3);
    const stranger = new TlsClient({ source: new SeededBytes(9), serverName: 'www.example.com', trusted: [createLabCa({ source: new SeededBytes(10), notBefore: EPOCH }).der], now: EPOCH + 60e6 });
    const r2 = stranger.receive(other.server.receive(stranger.start().output).output);
    expect(r2.events.find((e) => e.kind === 'certificate')).toMatchObject({ verdict: { ok: false, code: 'NET::ERR_CERT_AUTHORITY_INVALID' } });
    expect(r2.events.find((e) => e.kind === 'alert')).toMatchObject({ description: 48 });
  });

  it('rejects tampered records with bad_record_mac instead of throwing', () => {
    const { client, server } = setup(4);
    const flight = server.receive(client.start().output).output;
    flight[flight.length - 3] ^= 0xff;
    const r = client.receive(flight);
    expect(client.state).toBe('failed');
    expect(r.events.find((e) => e.kind === 'alert')).toMatchObject({ description: 20, reason: /bad_record_mac/ });
    expect(() => client.receive(Uint8Array.of(0x16, 3, 3, 0xff, 0xff))).not.toThrow();
  });

  it('writes a pcapng that tshark decrypts (embedded secrets and tls.keylog_file) with no malformed packets or bad checksums', () => {
    const x = exchange(7);
    const withDsb = join(dir, 'https-dsb.pcapng');
    const plain = join(dir, 'https.pcapng');
    const keys = join(dir, 'keys.txt');
    writeFileSync(withDsb, x.wire.pcapng(x.keyLog.text()));
    writeFileSync(plain, x.wire.pcapng());
    writeFileSync(keys, x.keyLog.text());
    const fields = ['-T', 'fields', '-e', 'http.request.method', '-e', 'http.host', '-e', 'http.response.code', '-e', 'http.file_data'];
    for (const [file, extra] of [[withDsb, []], [plain, ['-o', `tls.keylog_file:${keys}`]]] as const) {
      const out = tshark(file, [...extra, '-Y', 'http', ...fields]).trim().split('\n');
      expect(out.length).toBe(2);
      expect(out[0].split('\t').slice(0, 2)).toEqual(['GET', 'www.example.com']);
      expect(out[1].split('\t')[2]).toBe('200');
      expect(out[1]).toContain('Hello from the lab.');
    }
    // Without keys nothing decrypts.
    expect(tshark(plain, ['-Y', 'http']).trim()).toBe('');
    const hs = tshark(withDsb, ['-Y', 'tls.handshake.type', '-T', 'fields', '-e', 'tls.handshake.type', '-e', 'tls.handshake.extensions_server_name', '-e', 'x509ce.dNSName']);
    // ClientHello with SNI; the server flight decrypted (certificate SANs readable); client Finished.
    expect(hs.split('\n').filter(Boolean)).toEqual(['1\twww.example.com\t', '2,8,11,15,20\t\twww.example.com,example.com', '20\t\t']);
    const check = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
    expect(tshark(withDsb, [...check, '-Y', '_ws.malformed || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || _ws.expert.severity >= "error"']).trim()).toBe('');
    expect(tshark(withDsb, ['-Y', 'tls.alert_message.desc == 0', '-T', 'fields', '-e', 'tls.alert_message.desc']).trim().split('\n')).toEqual(['0', '0']);
  });
});
