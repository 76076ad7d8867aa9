// `packetlab dissect` on HTTP/2 inside TLS like tshark 4.0: the curl ↔ node http2 captures with
// their key logs in a Decryption Secrets Block (src-shared/net/dissect/fixtures-h2). Summary
// lines (the fast column path), -e fields and -Y selections (including presence filters) must
// equal tshark's. A missing tshark fails.
import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dissectLines, tsharkLines } from '../testing/dissect-vs-tshark';

const DIR = fileURLToPath(new URL('../../../src-shared/net/dissect/fixtures-h2', import.meta.url));
const FILES = ['h2-get-dsb.pcapng', 'h2-post-dsb.pcapng', 'h2-frames-dsb.pcapng'];
const FIELDS = ['frame.number', 'http2.type', 'http2.streamid', 'http2.headers.method', 'http2.headers.path', 'http2.headers.authority', 'http2.headers.scheme', 'http2.headers.status', 'http2.settings.id', 'http2.window_update.window_size_increment', 'http2.header.name', 'http2.request.full_uri'];
const FILTERS = ['http2', 'http2.type == 1', 'http2.headers.method == "GET"', 'http2.headers.method == "POST"', 'tls && !http2', 'http2.flags.end_stream == 1'];

const tshark = (args: string[]): string[] => tsharkLines(args);
const ours = (args: string[]): Promise<string[]> => dissectLines(args, DIR);

describe('packetlab dissect: HTTP/2 in TLS vs tshark 4.0', () => {
  for (const file of FILES) {
    const f = path.join(DIR, file);
    it(`${file}: summary lines`, async () => {
      expect((await ours(['-r', f])).map((l) => l.trim())).toEqual(tshark(['-r', f]).map((l) => l.trim()));
    });
    it(`${file}: -T fields`, async () => {
      const e = FIELDS.flatMap((x) => ['-e', x]);
      expect(await ours(['-r', f, '-T', 'fields', ...e])).toEqual(tshark(['-r', f, '-T', 'fields', ...e]));
    });
    it(`${file}: -Y selections`, async () => {
      for (const filter of FILTERS) {
        const got = await ours(['-r', f, '-Y', filter, '-T', 'fields', '-e', 'frame.number']);
        expect({ filter, frames: got }).toEqual({ filter, frames: tshark(['-r', f, '-Y', filter, '-T', 'fields', '-e', 'frame.number']) });
      }
    });
  }
  it('h2c-prior.pcapng with -d tcp.port==18473,http2: summary lines and fields', async () => {
    const f = path.join(DIR, 'h2c-prior.pcapng');
    const d = ['-d', 'tcp.port==18473,http2'];
    expect((await ours(['-r', f, ...d])).map((l) => l.trim())).toEqual(tshark(['-r', f, ...d]).map((l) => l.trim()));
    const e = FIELDS.flatMap((x) => ['-e', x]);
    expect(await ours(['-r', f, ...d, '-T', 'fields', ...e])).toEqual(tshark(['-r', f, ...d, '-T', 'fields', ...e]));
  });
});
