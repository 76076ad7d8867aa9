// Generates a large pcap for the inspector benchmark by repeating real frames from the reference
// captures (DNS, HTTP, TLS), shifting the client port per repetition so conversations differ.
import { readCapture, writePcap } from '../../src-shared/capture';

export function generateCapture(sources: readonly Uint8Array[], frames: number): Uint8Array {
  const pool: Uint8Array[] = [];
  for (const src of sources) {
    const file = readCapture(src);
    for (const p of file.packets) if (file.interfaces[p.interfaceId]?.linkType === 1) pool.push(p.data.slice());
  }
  if (pool.length === 0) throw new Error('no Ethernet frames in the sources');
  let n = 0;
  const packets: Iterable<{ timestamp: { seconds: number; nanoseconds: number }; data: Uint8Array }> = {
    [Symbol.iterator]() {
      return {
        next() {
          if (n >= frames) return { done: true as const, value: undefined };
          const i = n++;
          const base = pool[i % pool.length];
          const rep = Math.floor(i / pool.length);
          const data = base.slice();
          shiftClientPort(data, rep);
          return { done: false as const, value: { timestamp: { seconds: 1795345188 + Math.floor(i / 10000), nanoseconds: (i % 10000) * 100000 }, data } };
        },
      };
    },
  };
  return writePcap({ linkType: 1 }, packets);
}

/** The reference captures' servers listen on high ports; the benchmark uses the standard ones. */
const SERVER_PORTS = new Map([
  [15353, 53],
  [15354, 53],
  [18080, 80],
  [18443, 443],
  [8080, 80],
]);

/**
 * Moves server ports to their standard numbers and shifts the client's ephemeral port per
 * repetition, so each repetition is its own conversation. Checksums are left as they are
 * (loopback captures carry unfilled ones anyway; tshark does not check them by default).
 */
function shiftClientPort(d: Uint8Array, rep: number): void {
  if (d.length < 38 || d[12] !== 0x08 || d[13] !== 0x00) return;
  const ihl = (d[14] & 15) * 4;
  const proto = d[23];
  if (proto !== 6 && proto !== 17) return;
  const l4 = 14 + ihl;
  for (const off of [l4, l4 + 2]) {
    const port = (d[off] << 8) | d[off + 1];
    const server = SERVER_PORTS.get(port);
    if (server !== undefined) {
      d[off] = server >> 8;
      d[off + 1] = server & 255;
    } else if (port >= 1024) {
      const np = 1024 + ((port - 1024 + rep * 7) % 64000);
      d[off] = np >> 8;
      d[off + 1] = np & 255;
    }
  }
}
