// Decrypting a captured TLS 1.3 connection with an NSS key log, as Wireshark does: find the
// ClientHello random, take that connection's traffic secrets, and open each direction's records
// with the handshake keys until that side's Finished, then with the application keys. For the
// app's packet details ("decrypted TLS record") and for checking our own captures. Never throws.
import { fromHex, toHex } from './bytes';
import { trafficKeys } from './key-schedule';
import type { KeyLogLabel } from './keylog';
import { RecordProtection } from './record';

export type ConnectionSecrets = Partial<Record<KeyLogLabel, Uint8Array>>;

/** NSS key log text -> client_random (hex) -> secrets. Unknown labels and bad lines are skipped. */
export function parseKeyLog(text: string): Map<string, ConnectionSecrets> {
  const out = new Map<string, ConnectionSecrets>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+) ([0-9a-fA-F]{64}) ([0-9a-fA-F]{32,128})\s*$/.exec(line.trim());
    if (!m) continue;
    const key = m[2].toLowerCase();
    let s = out.get(key);
    if (!s) out.set(key, (s = {}));
    s[m[1] as KeyLogLabel] = fromHex(m[3]);
  }
  return out;
}

export interface DecryptedRecord {
  direction: 'client' | 'server';
  /** Offset of the record in that direction's byte stream. */
  offset: number;
  /** Outer content type as on the wire (23 for protected records). */
  outerType: number;
  /** Real content type (22 handshake, 23 application data, 21 alert) when decrypted. */
  innerType?: number;
  content?: Uint8Array;
  keyPhase?: 'handshake' | 'application';
  error?: string;
}

/** Splits a stream into whole records; a trailing partial record is reported as an error. */
function records(stream: Uint8Array): { offset: number; bytes: Uint8Array }[] | { error: string; at: number; done: { offset: number; bytes: Uint8Array }[] } {
  const done: { offset: number; bytes: Uint8Array }[] = [];
  let o = 0;
  while (o + 5 <= stream.length) {
    const len = (stream[o + 3] << 8) | stream[o + 4];
    if (o + 5 + len > stream.length) return { error: `record at ${o} needs ${len} bytes, stream ends`, at: o, done };
    done.push({ offset: o, bytes: stream.subarray(o, o + 5 + len) });
    o += 5 + len;
  }
  if (o !== stream.length) return { error: `partial record header at ${o}`, at: o, done };
  return done;
}

/**
 * Decrypts both directions of one connection. `clientToServer` and `serverToClient` are the
 * reassembled TCP payload streams.
 */
export function decryptConnection(keyLog: Map<string, ConnectionSecrets>, clientToServer: Uint8Array, serverToClient: Uint8Array): { clientRandom?: string; records: DecryptedRecord[]; error?: string } {
  const out: DecryptedRecord[] = [];
  const c = records(clientToServer);
  const s = records(serverToClient);
  const cList = Array.isArray(c) ? c : c.done;
  const sList = Array.isArray(s) ? s : s.done;
  const hello = cList[0]?.bytes;
  // ClientHello record: header(5) + handshake header(4) + version(2), then the 32-byte random.
  if (!hello || hello[0] !== 22 || hello[5] !== 1 || hello.length < 43) return { records: out, error: 'the client stream does not start with a ClientHello' };
  const clientRandom = toHex(hello.subarray(11, 43));
  const secrets = keyLog.get(clientRandom);
  const direction = (dir: 'client' | 'server', list: { offset: number; bytes: Uint8Array }[], hsLabel: KeyLogLabel, appLabel: KeyLogLabel) => {
    const hs = secrets?.[hsLabel];
    const app = secrets?.[appLabel];
    let protection = hs ? new RecordProtection(trafficKeys(hs)) : undefined;
    let phase: 'handshake' | 'application' = 'handshake';
    for (const r of list) {
      const rec: DecryptedRecord = { direction: dir, offset: r.offset, outerType: r.bytes[0] };
      out.push(rec);
      if (r.bytes[0] !== 23) continue; // plaintext hello, alert or ChangeCipherSpec
      if (!protection) {
        rec.error = `no ${phase === 'handshake' ? hsLabel : appLabel} for client random ${clientRandom.slice(0, 16)}…`;
        continue;
      }
      const opened = protection.open(r.bytes);
      if (!opened.ok) {
        rec.error = opened.error;
        continue;
      }
      rec.innerType = opened.contentType;
      rec.content = opened.content;
      rec.keyPhase = phase;
      // This side's Finished (handshake type 20) ends its handshake keys.
      if (phase === 'handshake' && opened.contentType === 22 && containsFinished(opened.content)) {
        phase = 'application';
        protection = app ? new RecordProtection(trafficKeys(app)) : undefined;
      }
    }
  };
  direction('client', cList, 'CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0');
  direction('server', sList, 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_TRAFFIC_SECRET_0');
  const error = !Array.isArray(c) ? c.error : !Array.isArray(s) ? s.error : !secrets ? `no secrets for client random ${clientRandom}` : undefined;
  return { clientRandom, records: out, ...(error ? { error } : {}) };
}

function containsFinished(handshake: Uint8Array): boolean {
  for (let o = 0; o + 4 <= handshake.length; ) {
    if (handshake[o] === 20) return true;
    o += 4 + ((handshake[o + 1] << 16) | (handshake[o + 2] << 8) | handshake[o + 3]);
  }
  return false;
}
