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

/** Rewrites the ephemeral (>= 1024) port of IPv4 TCP/UDP frames so each repetition is its own conversation. */
function shiftClientPort(d: Uint8Array, rep: number): void {
  if (d.length < 38 || d[12] !== 0x08 || d[13] !== 0x00) return;
  const ihl = (d[14] & 15) * 4;
  const proto = d[23];
  if (proto !== 6 && proto !== 17) return;
  const l4 = 14 + ihl;
  for (const off of [l4, l4 + 2]) {
    const port = (d[off] << 8) | d[off + 1];
    if (port >= 1024 && port !== 8080 && port !== 8443) {
      const np = 1024 + ((port - 1024 + rep * 7) % 64000);
      d[off] = np >> 8;
      d[off + 1] = np & 255;
    }
  }
}
