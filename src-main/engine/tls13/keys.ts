// Deterministic key pairs through node:crypto: X25519 for the key exchange (RFC 7748) and Ed25519
// for certificates and CertificateVerify (RFC 8032; its signatures are deterministic too, so the
// same seed gives the same bytes). Private keys come from a ByteSource, never from the OS RNG.
import { createPrivateKey, createPublicKey, diffieHellman, sign, verify, type KeyObject } from 'node:crypto';
import { concatBytes, fromHex } from './bytes';
import type { ByteSource } from './seeded-bytes';

// PKCS#8 / SPKI DER prefixes for raw 32-byte keys (RFC 8410).
const X25519_PKCS8 = fromHex('302e020100300506032b656e04220420');
const X25519_SPKI = fromHex('302a300506032b656e032100');
const ED25519_PKCS8 = fromHex('302e020100300506032b657004220420');
const ED25519_SPKI = fromHex('302a300506032b6570032100');

function rawPublic(key: KeyObject): Uint8Array {
  const der = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  return der.slice(der.length - 32);
}

export interface X25519KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  keyObject: KeyObject;
}

export function x25519FromPrivate(privateKey: Uint8Array): X25519KeyPair {
  if (privateKey.length !== 32) throw new Error('X25519 private key must be 32 bytes');
  const keyObject = createPrivateKey({ key: Buffer.from(concatBytes([X25519_PKCS8, privateKey])), format: 'der', type: 'pkcs8' });
  return { privateKey: privateKey.slice(), publicKey: rawPublic(keyObject), keyObject };
}

export function generateX25519(source: ByteSource): X25519KeyPair {
  return x25519FromPrivate(source.bytes(32));
}

/** The X25519 shared secret with a peer's 32-byte public key; undefined for a bad key. */
export function x25519Shared(own: X25519KeyPair, peerPublic: Uint8Array): Uint8Array | undefined {
  if (peerPublic.length !== 32) return undefined;
  try {
    const publicKey = createPublicKey({ key: Buffer.from(concatBytes([X25519_SPKI, peerPublic])), format: 'der', type: 'spki' });
    const s = new Uint8Array(diffieHellman({ privateKey: own.keyObject, publicKey }));
    // RFC 8446 §7.4.2: an all-zero result (small-order point) must be rejected.
    return s.some((b) => b !== 0) ? s : undefined;
  } catch {
    return undefined;
  }
}

export interface Ed25519KeyPair {
  seed: Uint8Array;
  publicKey: Uint8Array;
  privateKeyObject: KeyObject;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== 32) throw new Error('Ed25519 seed must be 32 bytes');
  const privateKeyObject = createPrivateKey({ key: Buffer.from(concatBytes([ED25519_PKCS8, seed])), format: 'der', type: 'pkcs8' });
  return { seed: seed.slice(), publicKey: rawPublic(privateKeyObject), privateKeyObject };
}

export function generateEd25519(source: ByteSource): Ed25519KeyPair {
  return ed25519FromSeed(source.bytes(32));
}

export function ed25519Sign(key: Ed25519KeyPair, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, key.privateKeyObject));
}

export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(concatBytes([ED25519_SPKI, publicKey])), format: 'der', type: 'spki' });
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** PEM of a raw Ed25519 private key (for openssl-based tests and export). */
export function ed25519PrivatePem(key: Ed25519KeyPair): string {
  return key.privateKeyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
}
