// Pure TypeScript cryptography for the shared layer (no node:crypto, no WebCrypto: the dissector
// runs synchronously in the renderer's worker too): SHA-2, HMAC, HKDF, AES and AES-GCM.
export { createHash, sha256, sha384, sha512, hashLength, type Hash, type HashName } from './sha2';
export { hmac, hkdfExtract, hkdfExpand, hkdfExpandLabel } from './hmac';
export { Aes } from './aes';
export { AesGcm, GCM_TAG_LENGTH } from './gcm';
export { ChaCha20Poly1305, Poly1305, chacha20Block } from './chacha20poly1305';
export { aesCbcDecrypt } from './cbc';
export { Sha1, sha1 } from './sha1';
export { Md5, md5 } from './md5';
