// TLS 1.3 record protection (RFC 8446 §5.2–5.4) with AES-128-GCM: TLSInnerPlaintext (content,
// real content type, zero padding), per-record nonce = IV XOR sequence number, the record header as
// additional data, and the opaque_type 23 / legacy version 0x0303 outer header.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { TrafficKeys } from './key-schedule';

const TAG_LEN = 16;
const HEADER_LEN = 5;
export const MAX_PLAINTEXT = 1 << 14;

export type OpenResult = { ok: true; contentType: number; content: Uint8Array } | { ok: false; error: string };

/** One direction of a connection: a traffic key/IV and its sequence number. */
export class RecordProtection {
  private seq = 0n;
  constructor(private readonly keys: TrafficKeys) {}

  /** Sequence number of the next record (for the UI). */
  get sequence(): bigint {
    return this.seq;
  }

  private nonce(): Uint8Array {
    const n = this.keys.iv.slice();
    let s = this.seq;
    for (let i = n.length - 1; i >= n.length - 8; i--) {
      n[i] ^= Number(s & 0xffn);
      s >>= 8n;
    }
    return n;
  }

  /** Protects one record; `padding` zero bytes are added after the content type (§5.4). */
  seal(contentType: number, content: Uint8Array, padding = 0): Uint8Array {
    if (content.length + padding > MAX_PLAINTEXT) throw new Error(`record plaintext of ${content.length + padding} bytes exceeds 2^14`);
    const inner = new Uint8Array(content.length + 1 + padding);
    inner.set(content, 0);
    inner[content.length] = contentType;
    const length = inner.length + TAG_LEN;
    const header = Uint8Array.of(23, 3, 3, length >> 8, length & 0xff);
    const cipher = createCipheriv('aes-128-gcm', this.keys.key, this.nonce());
    cipher.setAAD(header);
    const body = cipher.update(inner);
    cipher.final();
    const tag = cipher.getAuthTag();
    this.seq++;
    const out = new Uint8Array(HEADER_LEN + length);
    out.set(header, 0);
    out.set(body, HEADER_LEN);
    out.set(tag, HEADER_LEN + body.length);
    return out;
  }

  /** Removes protection from one whole record (header included). Never throws on bad data. */
  open(record: Uint8Array): OpenResult {
    if (record.length < HEADER_LEN + TAG_LEN + 1) return { ok: false, error: `record of ${record.length} bytes is too short to be protected` };
    if (record[0] !== 23) return { ok: false, error: `outer content type ${record[0]} (protected records use 23)` };
    const length = (record[3] << 8) | record[4];
    if (length !== record.length - HEADER_LEN) return { ok: false, error: `record header says ${length} bytes, got ${record.length - HEADER_LEN}` };
    const decipher = createDecipheriv('aes-128-gcm', this.keys.key, this.nonce());
    decipher.setAAD(record.subarray(0, HEADER_LEN));
    decipher.setAuthTag(record.subarray(record.length - TAG_LEN));
    let inner: Uint8Array;
    try {
      const a = decipher.update(record.subarray(HEADER_LEN, record.length - TAG_LEN));
      decipher.final();
      inner = new Uint8Array(a);
    } catch {
      return { ok: false, error: `bad_record_mac: authentication failed for record ${this.seq}` };
    }
    this.seq++;
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0) return { ok: false, error: 'unexpected_message: record is all padding' };
    return { ok: true, contentType: inner[end], content: inner.subarray(0, end) };
  }
}
