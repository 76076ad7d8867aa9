// The TLS 1.3 key schedule (RFC 8446 §7.1) for TLS_AES_128_GCM_SHA256: HKDF-Extract,
// HKDF-Expand-Label, Derive-Secret over a SHA-256 transcript, traffic keys and IVs (§7.3) and
// Finished verify_data (§4.4.4). Pure functions on Uint8Array through node:crypto.
import { createHash, createHmac } from 'node:crypto';
import { concatBytes, utf8 } from './bytes';

export const HASH_LEN = 32;
export const KEY_LEN = 16;
export const IV_LEN = 12;
export const TLS_AES_128_GCM_SHA256 = 0x1301;

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

/** RFC 5869 HKDF-Extract(salt, IKM). */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt.length ? salt : new Uint8Array(HASH_LEN), ikm);
}

/** RFC 5869 HKDF-Expand(PRK, info, L). */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    t = hmacSha256(prk, concatBytes([t, info, Uint8Array.of(i)]));
    out.set(t.subarray(0, Math.min(t.length, length - o)), o);
    o += t.length;
  }
  return out;
}

/** RFC 8446 §7.1 HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix. */
export function hkdfExpandLabel(secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const full = utf8('tls13 ' + label);
  const info = concatBytes([Uint8Array.of(length >> 8, length & 0xff, full.length), full, Uint8Array.of(context.length), context]);
  return hkdfExpand(secret, info, length);
}

/** Derive-Secret(Secret, Label, Messages) where `transcriptHash` = Transcript-Hash(Messages). */
export function deriveSecret(secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return hkdfExpandLabel(secret, label, transcriptHash, HASH_LEN);
}

/** Running SHA-256 over handshake messages (each with its 4-byte header), as §4.4.1 defines. */
export class Transcript {
  private readonly parts: Uint8Array[] = [];
  add(message: Uint8Array): void {
    this.parts.push(message);
  }
  hash(): Uint8Array {
    const h = createHash('sha256');
    for (const p of this.parts) h.update(p);
    return new Uint8Array(h.digest());
  }
}

export interface TrafficKeys {
  key: Uint8Array;
  iv: Uint8Array;
}

/** §7.3: write key and IV from a traffic secret. */
export function trafficKeys(secret: Uint8Array): TrafficKeys {
  return { key: hkdfExpandLabel(secret, 'key', new Uint8Array(0), KEY_LEN), iv: hkdfExpandLabel(secret, 'iv', new Uint8Array(0), IV_LEN) };
}

/** §4.4.4: verify_data = HMAC(finished_key, Transcript-Hash(…)). */
export function finishedVerifyData(baseSecret: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  const finishedKey = hkdfExpandLabel(baseSecret, 'finished', new Uint8Array(0), HASH_LEN);
  return hmacSha256(finishedKey, transcriptHash);
}

/** Every secret of a (EC)DHE-only handshake without PSK, in the order §7.1 derives them. */
export interface HandshakeSecrets {
  earlySecret: Uint8Array;
  handshakeSecret: Uint8Array;
  clientHandshakeTrafficSecret: Uint8Array;
  serverHandshakeTrafficSecret: Uint8Array;
  masterSecret: Uint8Array;
}

export interface ApplicationSecrets {
  clientApplicationTrafficSecret: Uint8Array;
  serverApplicationTrafficSecret: Uint8Array;
  exporterMasterSecret: Uint8Array;
}

const EMPTY_HASH = sha256(new Uint8Array(0));

/** From the (EC)DHE shared secret and Transcript-Hash(ClientHello..ServerHello). */
export function handshakeSecrets(sharedSecret: Uint8Array, helloHash: Uint8Array): HandshakeSecrets {
  const earlySecret = hkdfExtract(new Uint8Array(0), new Uint8Array(HASH_LEN));
  const handshakeSecret = hkdfExtract(deriveSecret(earlySecret, 'derived', EMPTY_HASH), sharedSecret);
  return {
    earlySecret,
    handshakeSecret,
    clientHandshakeTrafficSecret: deriveSecret(handshakeSecret, 'c hs traffic', helloHash),
    serverHandshakeTrafficSecret: deriveSecret(handshakeSecret, 's hs traffic', helloHash),
    masterSecret: hkdfExtract(deriveSecret(handshakeSecret, 'derived', EMPTY_HASH), new Uint8Array(HASH_LEN)),
  };
}

/** From the master secret and Transcript-Hash(ClientHello..server Finished). */
export function applicationSecrets(masterSecret: Uint8Array, serverFinishedHash: Uint8Array): ApplicationSecrets {
  return {
    clientApplicationTrafficSecret: deriveSecret(masterSecret, 'c ap traffic', serverFinishedHash),
    serverApplicationTrafficSecret: deriveSecret(masterSecret, 's ap traffic', serverFinishedHash),
    exporterMasterSecret: deriveSecret(masterSecret, 'exp master', serverFinishedHash),
  };
}

/** resumption_master_secret from Transcript-Hash(ClientHello..client Finished). */
export function resumptionMasterSecret(masterSecret: Uint8Array, clientFinishedHash: Uint8Array): Uint8Array {
  return deriveSecret(masterSecret, 'res master', clientFinishedHash);
}
