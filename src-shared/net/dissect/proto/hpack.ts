// HPACK (RFC 7541) decoding for the HTTP/2 dissector: static and dynamic tables, size updates,
// prefixed integers, Huffman strings. One decoder per connection and direction. It never throws:
// bad input stops the block with an error message, and everything it keeps is bounded.
import { huffmanDecode } from './hpack-huffman';

const STATIC: readonly (readonly [string, string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/** tshark's http2.header.repr texts. */
export const REPR_INDEXED = 'Indexed Header Field';
const REPR = {
  incremental: 'Literal Header Field with Incremental Indexing',
  without: 'Literal Header Field without Indexing',
  never: 'Literal Header Field never Indexed',
};

export interface HpackHeader {
  name: string;
  value: string;
  /** Octet lengths of the decoded name and value. */
  nameLength: number;
  valueLength: number;
  repr: string;
  /** Table index used (indexed field or indexed name); -1 for a new name. */
  index: number;
  /** Where its representation is in the block (offset in the decoded buffer, length). */
  offset: number;
  length: number;
}

export interface HpackResult {
  headers: HpackHeader[];
  /** Dynamic table size updates seen at the start of the block. */
  sizeUpdates: number[];
  /** Bytes consumed: a header cut at the end of the fragment stays for the next one. */
  used: number;
  error: string | null;
}

/** Most headers kept per block (tshark stops at 200 header lines too). */
export const MAX_HEADERS = 200;
/** Hard limit on the dynamic table, whatever the peers announce (protects memory). */
const TABLE_CAP = 1 << 20;
/** Longest string literal decoded. */
const MAX_STRING = 1 << 20;

const latin1 = new TextDecoder('latin1');
let scratch = new Uint8Array(4096);

class NeedMore extends Error {}
const NEED_MORE = new NeedMore();

export class HpackDecoder {
  /** Entries, newest last; size = sum of name + value + 32 (RFC 7541 4.1). */
  private names: string[] = [];
  private values: string[] = [];
  private sizes: number[] = [];
  private size = 0;
  /** Current maximum (changed by size updates), and the limit SETTINGS_HEADER_TABLE_SIZE allows. */
  maxSize = 4096;
  settingsLimit = 4096;

  get tableSize(): number {
    return this.size;
  }

  get entryCount(): number {
    return this.names.length;
  }

  /**
   * Decodes the header block fragment b[off, end). With `final` false a header cut at the end is
   * left unconsumed (`used` says where it starts) so the next CONTINUATION can complete it.
   */
  decode(b: Uint8Array, off: number, end: number, final = true): HpackResult {
    const headers: HpackHeader[] = [];
    const sizeUpdates: number[] = [];
    let o = off;
    let error: string | null = null;
    while (o < end) {
      const start = o;
      try {
        const first = b[o];
        if (first & 0x80) {
          const [index, next] = readInt(b, o, end, 7);
          o = next;
          if (index === 0) throw new Error('index 0');
          const entry = this.entry(index);
          if (!entry) throw new Error(`invalid index ${index}`);
          this.push(headers, entry[0], entry[1], REPR_INDEXED, index, start, o - start);
        } else if ((first & 0xe0) === 0x20) {
          const [size, next] = readInt(b, o, end, 5);
          o = next;
          if (size > Math.min(this.settingsLimit, TABLE_CAP)) throw new Error(`table size update ${size} above the limit ${this.settingsLimit}`);
          this.maxSize = size;
          this.evict(0);
          sizeUpdates.push(size);
        } else {
          const incremental = (first & 0xc0) === 0x40;
          const repr = incremental ? REPR.incremental : first & 0x10 ? REPR.never : REPR.without;
          const [index, next] = readInt(b, o, end, incremental ? 6 : 4);
          o = next;
          let name: string;
          let nameLength: number;
          if (index > 0) {
            const entry = this.entry(index);
            if (!entry) throw new Error(`invalid index ${index}`);
            name = entry[0];
            nameLength = name.length;
          } else {
            const s = readString(b, o, end);
            name = s.text;
            nameLength = s.length;
            o = s.next;
          }
          const v = readString(b, o, end);
          o = v.next;
          this.push(headers, name, v.text, repr + (index > 0 ? ' - Indexed Name' : ' - New Name'), index > 0 ? index : -1, start, o - start, nameLength, v.length);
          if (incremental) this.insert(name, v.text, nameLength + v.length + 32);
        }
      } catch (e) {
        if (e === NEED_MORE && !final) return { headers, sizeUpdates, used: start - off, error: null };
        error = e === NEED_MORE ? `header block truncated at byte ${start - off}` : `${(e as Error).message} at byte ${start - off}`;
        o = end;
        break;
      }
      if (headers.length > MAX_HEADERS) {
        error = `more than ${MAX_HEADERS} header lines`;
        headers.length = MAX_HEADERS;
        break;
      }
    }
    return { headers, sizeUpdates, used: o - off, error };
  }

  private push(list: HpackHeader[], name: string, value: string, repr: string, index: number, offset: number, length: number, nameLength = name.length, valueLength = value.length): void {
    list.push({ name, value, nameLength, valueLength, repr, index, offset, length });
  }

  private entry(index: number): readonly [string, string] | null {
    if (index <= STATIC.length) return STATIC[index - 1] ?? null;
    const i = this.names.length - (index - STATIC.length);
    return i >= 0 ? [this.names[i], this.values[i]] : null;
  }

  private insert(name: string, value: string, size: number): void {
    if (size > this.maxSize) {
      // RFC 7541 4.4: an entry larger than the table empties it
      this.names = [];
      this.values = [];
      this.sizes = [];
      this.size = 0;
      return;
    }
    this.evict(size);
    this.names.push(name);
    this.values.push(value);
    this.sizes.push(size);
    this.size += size;
  }

  /** Drops the oldest entries until `room` more octets fit. */
  private evict(room: number): void {
    let drop = 0;
    let size = this.size;
    while (size + room > this.maxSize && drop < this.sizes.length) size -= this.sizes[drop++];
    if (drop > 0) {
      this.names.splice(0, drop);
      this.values.splice(0, drop);
      this.sizes.splice(0, drop);
      this.size = size;
    }
  }
}

/** An HPACK prefixed integer (RFC 7541 5.1), bounded to 2^31. Returns [value, next offset]. */
export function readInt(b: Uint8Array, o: number, end: number, prefix: number): [number, number] {
  if (o >= end) throw NEED_MORE;
  const max = (1 << prefix) - 1;
  let v = b[o++] & max;
  if (v < max) return [v, o];
  let m = 0;
  for (;;) {
    if (o >= end) throw NEED_MORE;
    const byte = b[o++];
    v += (byte & 0x7f) * 2 ** m;
    m += 7;
    if ((byte & 0x80) === 0) break;
    if (m > 28) throw new Error('integer too large');
  }
  if (v > 0x7fffffff) throw new Error('integer too large');
  return [v, o];
}

function readString(b: Uint8Array, o: number, end: number): { text: string; length: number; next: number } {
  if (o >= end) throw NEED_MORE;
  const huffman = (b[o] & 0x80) !== 0;
  const [len, start] = readInt(b, o, end, 7);
  if (len > MAX_STRING) throw new Error(`string of ${len} bytes`);
  if (start + len > end) throw NEED_MORE;
  if (!huffman) return { text: latin1.decode(b.subarray(start, start + len)), length: len, next: start + len };
  const need = Math.ceil((len * 8) / 5);
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  const n = huffmanDecode(b, start, start + len, scratch);
  if (n < 0) throw new Error('bad Huffman code');
  return { text: latin1.decode(scratch.subarray(0, n)), length: n, next: start + len };
}
