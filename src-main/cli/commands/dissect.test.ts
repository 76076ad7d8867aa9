// `packetlab dissect` command behaviour: options, errors with positions, exit codes, --json trees.
// (Parity with tshark's output lives in dissect.tshark.test.ts.)
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../main';

const FIXTURES = fileURLToPath(new URL('../../../src-shared/net/dissect/fixtures', import.meta.url));

async function dissect(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['dissect', ...args], { out: (t) => (out += t), err: (t) => (err += t), cwd: FIXTURES });
  return { code, out, err };
}

describe('packetlab dissect', () => {
  it('is registered and documents its options', async () => {
    const r = await dissect('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('-Y FILTER');
    expect(r.out).toContain('-e FIELD');
  });

  it('prints one summary line per frame', async () => {
    const r = await dissect('dhcp-arp-icmp.pcapng');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(17);
    expect(lines[1]).toBe('    2 0.000248796 02:00:5e:a0:00:01 → Broadcast    ARP 42 Who has 192.0.2.139? Tell 192.0.2.1');
  });

  it('-c stops after N frames', async () => {
    const r = await dissect('dhcp-arp-icmp.pcapng', '-c', '3');
    expect(r.out.trimEnd().split('\n')).toHaveLength(3);
  });

  it('-e prints tab-separated values, several occurrences joined by commas', async () => {
    const r = await dissect('routing-icmp-errors.pcapng', '-c', '4', '-e', 'frame.number', '-e', 'ip.src', '-e', 'ip.ttl');
    expect(r.out.trimEnd().split('\n')[3]).toBe('4\t203.0.113.1,203.0.113.10\t64,1');
  });

  it('-d makes DNS on a non-standard TCP port decode as DNS', async () => {
    const without = await dissect('dns-tcp.pcapng', '-e', 'dns.id');
    const withD = await dissect('dns-tcp.pcapng', '-d', 'tcp.port==15353,dns', '-e', 'dns.id');
    expect(without.out.replace(/\n/g, '')).toBe('');
    expect(withD.out.split('\n').filter((l) => l).sort()).toEqual(['0xc957', '0xc957', '0xfd71', '0xfd71']);
  });

  it('-Y keeps matching frames', async () => {
    const r = await dissect('dhcp-arp-icmp.pcapng', '-Y', 'arp.opcode == 2', '-e', 'frame.number');
    expect(r.out).toBe('10\n');
  });

  it('a bad filter is an error pointing at its position (exit 2, like tshark)', async () => {
    const r = await dissect('dhcp-arp-icmp.pcapng', '-Y', 'ip.src == 1.2.3.4 && no.such.field');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no.such.field is neither a field nor a protocol name.');
    expect(r.err).toContain('\n    ip.src == 1.2.3.4 && no.such.field\n                         ^~~~~~~~~~~~~\n');
  });

  it('unknown -e fields are reported like tshark (exit 1)', async () => {
    const r = await dissect('dhcp-arp-icmp.pcapng', '-e', 'no.such.field');
    expect(r.code).toBe(1);
    expect(r.err).toContain("Some fields aren't valid:\n\tno.such.field");
  });

  it('a bad Decode As names the problem (exit 1, like tshark)', async () => {
    const r = await dissect('dns-tcp.pcapng', '-d', 'tcp.port==99,nosuch');
    expect(r.code).toBe(1);
    expect(r.err).toContain('unknown protocol "nosuch"');
  });

  it('a missing file or a file that is not a capture exits 2 with a clear message', async () => {
    const missing = await dissect('nope.pcap');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('"nope.pcap"');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dissect-'));
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'hello, not a capture\n');
    const notCapture = await dissect(text);
    expect(notCapture.code).toBe(2);
    expect(notCapture.err).toContain("isn't a capture file");
  });

  it('a capture cut short prints the frames before the damage, then the error with its offset', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dissect-'));
    const cut = path.join(dir, 'cut.pcapng');
    writeFileSync(cut, readFileSync(path.join(FIXTURES, 'dns-tcp.pcapng')).subarray(0, 2950)); // mid-block
    const r = await dissect(cut);
    expect(r.code).toBe(2);
    expect(r.out.trimEnd().split('\n').length).toBeGreaterThan(5);
    expect(r.err).toMatch(/offset \d+/);
  });

  it('--json prints trees whose byte ranges point at the right bytes', async () => {
    const r = await dissect('dns-udp-queries.pcapng', '-d', 'udp.port==15353,dns', '-c', '1', '--json');
    expect(r.code).toBe(0);
    const frames = JSON.parse(r.out) as { frame: number; tree: { field: string; offset: number; length: number; value?: unknown; children?: unknown[] }[] }[];
    expect(frames).toHaveLength(1);
    const find = (nodes: any[], field: string): any => {
      for (const n of nodes) {
        if (n.field === field) return n;
        const hit = n.children && find(n.children, field);
        if (hit) return hit;
      }
      return undefined;
    };
    const raw = readFileSync(path.join(FIXTURES, 'dns-udp-queries.pcapng'));
    const port = find(frames[0].tree, 'udp.dstport');
    expect(port).toMatchObject({ value: 15353, length: 2 });
    const name = find(frames[0].tree, 'dns.qry.name');
    expect(name.value).toBe('www.example.test');
    // The name's bytes in the frame: 3www7example4test0 — find the frame in the file to check the offset.
    const frameStart = raw.indexOf(Buffer.from([0x03, 0x77, 0x77, 0x77, 0x07])) - name.offset;
    expect(raw.subarray(frameStart + name.offset, frameStart + name.offset + name.length).toString('latin1')).toBe('\x03www\x07example\x04test\x00');
    expect(find(frames[0].tree, 'ip.checksum.status')).toMatchObject({ generated: true, value: 2 });
  });

  it('--json lists decrypted TLS as a data source that the HTTP items point into', async () => {
    const TLS = fileURLToPath(new URL('../../../src-shared/net/dissect/fixtures-tls/', import.meta.url));
    const r = await dissect(path.join(TLS, 'https-tls13.pcapng'), '-o', `tls.keylog_file:${path.join(TLS, 'https-tls13.keys')}`, '-Y', 'http.request', '--json');
    expect(r.code).toBe(0);
    const frames = JSON.parse(r.out) as { tree: any[]; dataSources?: { label: string; bytes: string }[] }[];
    expect(frames.length).toBeGreaterThan(0);
    const walk = (nodes: any[], out: any[] = []): any[] => {
      for (const n of nodes) {
        out.push(n);
        if (n.children) walk(n.children, out);
      }
      return out;
    };
    const method = walk(frames[0].tree).find((n) => n.field === 'http.request.method');
    const source = frames[0].dataSources![method.dataSource];
    expect(source.label).toMatch(/^Decrypted TLS \(\d+ bytes\)$/);
    const bytes = Buffer.from(source.bytes, 'hex');
    expect(bytes.subarray(method.offset, method.offset + method.length).toString('latin1')).toBe(method.value);
  });
});
