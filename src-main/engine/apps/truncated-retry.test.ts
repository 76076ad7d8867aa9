// nslookup and dig on a lab host against the real tools, for an answer too large for UDP: BIND 9's
// nslookup and dig ask a live `named` serving the same zone, get a truncated answer, say
// ";; Truncated, retrying in TCP mode." and ask again over TCP; ours, asking the lab's authoritative
// server the same question, must print the same text (addresses and the query ID aside).
// Needs `named`, `nslookup` and `dig` (Debian bind9, bind9-dnsutils); fails, not skips, without them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabText } from '../../../src-shared/lab';
import { DnsType } from '../../../src-shared/net/wire/dns';
import { startNamed, type LiveNamed } from '../testing/live-named';
import { BIG_ANSWERS_ZONE } from '../testing/big-answers-zone';
import { Simulation } from '../simulation';
import { startDig, type DigResult } from './dig';
import { startNslookup, type NslookupResult } from './nslookup';

const PORT = 25398;
const SERVER = 0x0a000035; // 10.0.0.53
// big.test: over 512 bytes (nslookup, no EDNS) and over 1232 (dig's EDNS size).
const ZONE = [...BIG_ANSWERS_ZONE];
const dev = (name: string, type: string, ip: string, extra: object = {}) => ({ name, type, position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: ip }], ...extra });
const LAB = JSON.stringify({
  version: 2,
  devices: [dev('pc', 'host', '10.0.0.10/24', { nameservers: ['10.0.0.53'] }), dev('root', 'dns-server', '10.0.0.53/24', { tables: { zone: ZONE } })],
  links: [{ a: { device: 'pc', interface: 'eth0' }, b: { device: 'root', interface: 'eth0' } }],
});

const dir = mkdtempSync(join(tmpdir(), 'packetlab-tc-retry-'));
let named: LiveNamed | undefined;

beforeAll(async () => {
  writeFileSync(join(dir, 'root.zone'), ZONE.join('\n') + '\n');
  named = await startNamed({
    dir, name: 'named', port: PORT,
    ready: { id: 1, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false, rcode: 0, questions: [{ name: 'a.root-servers.test', type: DnsType.A, class: 1 }], answers: [], authorities: [], additionals: [] },
    options: ['recursion no;', 'dnssec-validation no;', 'notify no;', 'minimal-responses no;', 'rrset-order { order none; };'],
    statements: ['zone "." { type primary; file "root.zone"; };'],
  });
}, 30_000);

afterAll(() => {
  named?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function lab(): Simulation {
  const loaded = loadLabText(LAB);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('; '));
  return new Simulation(loaded.lab, { seed: 5 });
}

function real(cmd: string, args: string[]): string[] {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  // nslookup writes ";; Truncated" on stderr, before anything on stdout.
  return (r.stderr + r.stdout).split('\n').slice(0, -1).map((l) => l.replaceAll(`127.0.0.1#${PORT}`, '10.0.0.53#53').replaceAll('127.0.0.1', '10.0.0.53'));
}

describe('a truncated answer asked again over TCP, as BIND 9 nslookup and dig do', () => {
  it('nslookup -type=TXT big.test prints what the real nslookup prints', () => {
    const expected = real('nslookup', [`-port=${PORT}`, '-type=TXT', 'big.test', '127.0.0.1']);
    expect(expected[0]).toBe(';; Truncated, retrying in TCP mode.');
    const sim = lab();
    let result: NslookupResult | undefined;
    startNslookup(sim.ipDevice('pc'), sim.services.get('pc'), { name: 'big.test', qtype: 'TXT', server: SERVER }, (r) => (result = r));
    sim.run();
    expect(result?.ok).toBe(true);
    expect(result!.lines).toEqual(expected);
    expect(result!.answers).toHaveLength(7);
  });

  it('dig big.test TXT prints what the real dig prints (+nocookie: the lab server sends no cookie)', () => {
    const realLines = real('dig', ['+nocookie', '-p', String(PORT), '@127.0.0.1', 'big.test', 'TXT']);
    const sim = lab();
    let result: DigResult | undefined;
    startDig(sim.ipDevice('pc'), sim.services.get('pc'), { name: 'big.test', qtype: 'TXT', server: SERVER }, (r) => (result = r));
    sim.run();
    expect(result?.ok).toBe(true);
    const ours = result!.lines;
    // The same first lines: the retry notice, then a blank line before the banner.
    expect(ours.slice(0, 2)).toEqual(realLines.slice(0, 2));
    expect(realLines.slice(0, 2)).toEqual([';; Truncated, retrying in TCP mode.', '']);
    // From ";; Got answer:" to the end; the ID, the query time and the date differ by nature.
    const body = (lines: string[]) =>
      lines.slice(lines.indexOf(';; Got answer:')).filter((l) => !l.startsWith(';; WHEN:')).map((l) => l.replace(/id: \d+$/, 'id: ID').replace(/^;; Query time: \d+ msec$/, ';; Query time: T msec'));
    // named writes the NS RDATA a.root-servers.test. uncompressed (21 bytes; ours points to the
    // question's "test", 17 bytes): its message is 4 bytes longer, so the size line is compared apart.
    const size = (lines: string[]) => Number(/^;; MSG SIZE {2}rcvd: (\d+)$/.exec(lines.find((l) => l.startsWith(';; MSG SIZE')) ?? '')?.[1]);
    const noSize = (lines: string[]) => body(lines).filter((l) => !l.startsWith(';; MSG SIZE'));
    expect(noSize(ours)).toEqual(noSize(realLines));
    expect(size(realLines) - size(ours)).toBe(4);
    expect(body(ours)).toContain(';; SERVER: 10.0.0.53#53(10.0.0.53) (TCP)');
  });
});
