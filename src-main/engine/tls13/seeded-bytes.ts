// Deterministic "random" bytes for the simulator: everything TLS needs at random (key shares,
// hello randoms, certificate keys and serials) comes from a ByteSource the caller passes in, so the
// same lab and seed give byte-identical handshakes. Never Math.random or crypto.randomBytes here.
import { createHmac } from 'node:crypto';
import { concatBytes, utf8 } from './bytes';

export interface ByteSource {
  /** The next `n` bytes of the stream. */
  bytes(n: number): Uint8Array;
}

/**
 * HMAC-SHA256 in counter mode over (seed, label): block i = HMAC(key, label || i). Deterministic
 * and well mixed; `fork(name)` gives an independent stream per endpoint or connection.
 */
export class SeededBytes implements ByteSource {
  private readonly key: Uint8Array;
  private counter = 0;
  private buffer = new Uint8Array(0);
  private offset = 0;

  constructor(
    seed: Uint8Array | string | number,
    private readonly label = 'packetlab',
  ) {
    const s = typeof seed === 'number' ? utf8(`seed:${seed >>> 0}`) : typeof seed === 'string' ? utf8(seed) : seed;
    this.key = new Uint8Array(createHmac('sha256', 'packetlab-tls13-seed').update(s).digest());
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (this.offset >= this.buffer.length) {
        const block = createHmac('sha256', this.key).update(utf8(this.label)).update(Uint8Array.of(this.counter >>> 24, this.counter >>> 16, this.counter >>> 8, this.counter)).digest();
        this.buffer = new Uint8Array(block);
        this.offset = 0;
        this.counter++;
      }
      const take = Math.min(n - filled, this.buffer.length - this.offset);
      out.set(this.buffer.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
    }
    return out;
  }

  /** An independent stream derived from this one's key and `name`. */
  fork(name: string): SeededBytes {
    return new SeededBytes(concatBytes([this.key, utf8(name)]), `${this.label}/${name}`);
  }
}

/** A source that replays fixed bytes (for RFC test vectors); running out is an error. */
export class FixedBytes implements ByteSource {
  private offset = 0;
  constructor(private readonly data: Uint8Array) {}
  bytes(n: number): Uint8Array {
    if (this.offset + n > this.data.length) throw new Error(`FixedBytes: asked for ${n} bytes, ${this.data.length - this.offset} left`);
    const out = this.data.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}
