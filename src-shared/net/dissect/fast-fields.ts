// `-T fields` rows for the header fields of ordinary frames (Ethernet → IPv4 → TCP/UDP) read
// straight from the bytes: no Packet, no strings. Frames with anything that could give a field a
// second value or none (ICMP quotes, fragments, VLANs, snaplen cuts, short headers…) are left to
// the full dissector; `fast-fields.test.ts` checks that both print the same rows.
import { lookupField } from './registry';
import type { TextWriter } from './text-writer';
import { u16, u32 } from './bytes';

/** Where each supported field lives; values are read at offsets from the layer's start. */
const FIELDS: Record<string, number> = {
  'frame.number': 1,
  'frame.len': 2,
  'frame.cap_len': 3,
  'eth.src': 10,
  'eth.dst': 11,
  'eth.type': 12,
  'ip.version': 20,
  'ip.hdr_len': 21,
  'ip.len': 22,
  'ip.id': 23,
  'ip.ttl': 24,
  'ip.proto': 25,
  'ip.src': 26,
  'ip.dst': 27,
  'tcp.srcport': 30,
  'tcp.dstport': 31,
  'udp.srcport': 40,
  'udp.dstport': 41,
  'udp.length': 42,
};

const HEX = 'ip.id';

export class FastFields {
  private readonly codes: Int32Array;

  /** A FastFields for these `-e` fields, or null when one of them needs the full dissector. */
  static for(fields: readonly string[]): FastFields | null {
    if (fields.length === 0 || !fields.every((f) => FIELDS[f] !== undefined)) return null;
    // ip.id is the one hex field: make sure the registry still says so
    if (fields.includes(HEX) && lookupField(HEX)?.base !== 'hex') return null;
    return new FastFields(fields);
  }

  private constructor(fields: readonly string[]) {
    this.codes = Int32Array.from(fields, (f) => FIELDS[f]);
  }

  /** Writes the row of the frame at b[start, start + capLen) and returns true, or returns false having written nothing. */
  row(w: TextWriter, b: Uint8Array, start: number, capLen: number, origLen: number, number: number, linkType: number): boolean {
    if (linkType !== 1 || capLen !== origLen || capLen < 34) return false;
    if (b[start + 12] !== 8 || b[start + 13] !== 0) return false;
    const ip = start + 14;
    const frameEnd = start + capLen;
    const vhl = b[ip];
    const hl = (vhl & 15) * 4;
    if (vhl >> 4 !== 4 || hl < 20 || ip + hl > frameEnd) return false;
    const totalLen = u16(b, ip + 2);
    if (totalLen < hl || (u16(b, ip + 6) & 0x3fff) !== 0) return false;
    const proto = b[ip + 9];
    const l4 = ip + hl;
    const ipEnd = ip + totalLen < frameEnd ? ip + totalLen : frameEnd;
    // Whole transport headers only: then each field below has exactly one value.
    if (!((proto === 6 && ipEnd - l4 >= 20) || (proto === 17 && ipEnd - l4 >= 8))) return false;
    w.begin();
    const codes = this.codes;
    for (let i = 0; i < codes.length; i++) {
      if (i) w.byte(9);
      switch (codes[i]) {
        case 1:
          w.uint(number);
          break;
        case 2:
          w.uint(origLen);
          break;
        case 3:
          w.uint(capLen);
          break;
        case 10:
          mac(w, b, start + 6);
          break;
        case 11:
          mac(w, b, start);
          break;
        case 12:
          w.text('0x');
          w.hex(u16(b, start + 12), 4);
          break;
        case 20:
          w.uint(vhl >> 4);
          break;
        case 21:
          w.uint(hl);
          break;
        case 22:
          w.uint(totalLen);
          break;
        case 23:
          w.text('0x');
          w.hex(u16(b, ip + 4), 4);
          break;
        case 24:
          w.uint(b[ip + 8]);
          break;
        case 25:
          w.uint(proto);
          break;
        case 26:
          w.ipv4(u32(b, ip + 12));
          break;
        case 27:
          w.ipv4(u32(b, ip + 16));
          break;
        case 30:
          if (proto === 6) w.uint(u16(b, l4));
          break;
        case 31:
          if (proto === 6) w.uint(u16(b, l4 + 2));
          break;
        case 40:
          if (proto === 17) w.uint(u16(b, l4));
          break;
        case 41:
          if (proto === 17) w.uint(u16(b, l4 + 2));
          break;
        case 42:
          if (proto === 17) w.uint(u16(b, l4 + 4));
          break;
      }
    }
    w.byte(10);
    return true;
  }
}

function mac(w: TextWriter, b: Uint8Array, o: number): void {
  for (let i = 0; i < 6; i++) {
    if (i) w.byte(58);
    w.hex(b[o + i], 2);
  }
}
