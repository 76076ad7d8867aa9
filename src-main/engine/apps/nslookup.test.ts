// nslookup against the real one: BIND 9's nslookup asks a live `named` (authoritative, and a
// recursive forwarder in front of it) and our printer, fed the replies of the same named, must
// print the same text; then nslookup runs on the url-journey lab's PC (through the home router's
// forwarder, straight to the authoritative server, to a server that never answers, and past a silent
// first name server as real nslookup does with two in resolv.conf).
// Needs `named` and `nslookup` (Debian bind9, bind9-dnsutils), and `unshare` able to make a user + mount
// namespace (for a resolv.conf of our own); fails, not skips, without them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIpv4 } from '../../../src-shared/net/addr';
import { DnsRcode, DnsType, typeFromName, type DnsMessage } from '../../../src-shared/net/wire/dns';
import { askUdp, startNamed, type LiveNamed } from '../testing/live-named';
import { fixture } from '../services/dns/test-net';
import { Simulation } from '../simulation';
import { loadSample } from '../testing/samples';
import { NslookupPrinter, reverseName, startNslookup, type NslookupResult } from './nslookup';

const AUTH_PORT = 25395;
const RECURSIVE_PORT = 25396;
const dir = mkdtempSync(join(tmpdir(), 'packetlab-nslookup-'));
const servers: LiveNamed[] = [];
const ask = (port: number, q: DnsMessage) => askUdp(port, q, 2000);


/** What nslookup sends: RD, no EDNS. */
function query(id: number, name: string, type: number): DnsMessage {
  return {
    id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false, rcode: 0,
    questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [],
  };
}


beforeAll(async () => {
  for (const f of ['example.com.zone', 'cdn.example.net.zone', '192.0.2.rev.zone']) copyFileSync(fixture(f), join(dir, f));
  const common = ['rrset-order { order none; };', 'dnssec-validation no;', 'notify no;'];
  const ready = query(1, 'example.com', DnsType.SOA);
  servers.push(
    await startNamed({
      dir, name: 'auth', port: AUTH_PORT, ready, options: [...common, 'recursion no;', 'minimal-responses no;'],
      statements: [
        'zone "example.com" { type primary; file "example.com.zone"; };', 'zone "cdn.example.net" { type primary; file "cdn.example.net.zone"; };',
        'zone "2.0.192.in-addr.arpa" { type primary; file "192.0.2.rev.zone"; };',
      ],
    }),
  );
  // A recursive server that forwards everything to the authoritative one: non-authoritative answers.
  servers.push(
    await startNamed({
      dir, name: 'recursive', port: RECURSIVE_PORT, ready, options: [...common, 'recursion yes;', 'allow-recursion { any; };'],
      statements: [`zone "." { type forward; forward only; forwarders { 127.0.0.1 port ${AUTH_PORT}; }; };`],
    }),
  );
}, 30_000);

afterAll(() => {
  for (const n of servers) n.stop();
  // named may still be writing into the folder as it stops.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
});

/** Real nslookup's output (stderr first: it carries ";; Got SERVFAIL reply", printed before the rest). */
function realNslookup(port: number, name: string, type?: string): string[] {
  const args = [`-port=${port}`, ...(type ? [`-type=${type}`] : []), name, '127.0.0.1'];
  const r = spawnSync('nslookup', args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return (r.stderr + r.stdout).split('\n').slice(0, -1);
}

/** Our printer fed with the same named's replies, following its AAAA follow-up like startNslookup. */
async function ourNslookup(port: number, name: string, type?: string): Promise<string[]> {
  const printer = new NslookupPrinter('127.0.0.1', `127.0.0.1#${port}`, type === undefined);
  const out: string[] = [];
  const reverse = reverseName(name);
  let next: { name: string; type: number } | undefined = reverse ? { name: reverse, type: DnsType.PTR } : { name, type: type ? typeFromName(type)! : DnsType.A };
  for (let id = 7; next; id++) {
    const m = await ask(port, query(id, next.name, next.type));
    expect(m, `named on ${port} answered ${next.name}`).toBeDefined();
    if (m!.rcode === DnsRcode.SERVFAIL) out.push(';; Got SERVFAIL reply from 127.0.0.1');
    const r = printer.reply(m!, next.name, next.type);
    out.push(...r.lines);
    next = r.next;
  }
  return [...out, ''];
}

describe('nslookup prints what BIND 9 nslookup prints', () => {
  const cases: [server: string, port: number, name: string, type?: string][] = [
    ['authoritative', AUTH_PORT, 'www.example.com'],
    ['authoritative', AUTH_PORT, 'example.com'],
    ['authoritative', AUTH_PORT, 'nope.example.com'],
    ['authoritative', AUTH_PORT, 'example.com', 'MX'],
    ['authoritative', AUTH_PORT, 'example.com', 'AAAA'],
    ['authoritative', AUTH_PORT, 'example.com', 'SOA'],
    ['authoritative', AUTH_PORT, 'example.com', 'NS'],
    ['authoritative', AUTH_PORT, 'example.com', 'TXT'],
    ['authoritative', AUTH_PORT, 'www.example.com', 'CNAME'],
    ['authoritative', AUTH_PORT, 'www.example.org'],
    ['recursive', RECURSIVE_PORT, 'www.example.com'],
    ['recursive', RECURSIVE_PORT, 'example.com'],
    ['recursive', RECURSIVE_PORT, 'nope.example.com'],
    ['recursive', RECURSIVE_PORT, 'example.com', 'MX'],
    ['recursive', RECURSIVE_PORT, 'example.com', 'AAAA'],
    ['recursive', RECURSIVE_PORT, 'example.com', 'NS'],
    ['recursive', RECURSIVE_PORT, 'www.example.com', 'A'],
    ['recursive', RECURSIVE_PORT, 'nope.zz'],
    // An address: its PTR name, with no header unless a type is given.
    ['authoritative', AUTH_PORT, '192.0.2.10'],
    ['authoritative', AUTH_PORT, '192.0.2.99'],
    ['authoritative', AUTH_PORT, '192.0.2.10', 'A'],
    ['recursive', RECURSIVE_PORT, '192.0.2.10'],
  ];
  it.each(cases.map(([what, port, name, type]) => [`${what}: nslookup ${type ? `-type=${type} ` : ''}${name}`, port, name, type] as const))('%s', async (_title, port, name, type) => {
    const real = realNslookup(port, name, type);
    expect(real.join('\n')).not.toMatch(/communications error|no servers could be reached/); // named answered
    expect(await ourNslookup(port, name, type)).toEqual(real);
  });
});

describe('nslookup on a lab host', () => {
  function bootedJourney(): { sim: Simulation; run: (name: string, opts?: { qtype?: string; server?: string; seconds?: number }) => NslookupResult & { times: number[] } } {
    const lab = loadSample('url-journey.lab.json');
    const sim = new Simulation({ ...lab, scenarios: [] });
    sim.run({ until: 2_000_000 }); // DHCP has bound the PC (name server 192.168.1.1)
    const run = (name: string, opts: { qtype?: string; server?: string; seconds?: number } = {}) => {
      let result: NslookupResult | undefined;
      const start = sim.net.now;
      const from = sim.net.output.length;
      const server = opts.server === undefined ? undefined : parseIpv4(opts.server);
      startNslookup(sim.ipDevice('pc'), sim.services.get('pc'), { name, qtype: opts.qtype, server: server?.ok ? server.value : undefined }, (r) => (result = r));
      sim.run({ until: start + (opts.seconds ?? 20) * 1_000_000 });
      expect(result, 'nslookup finished').toBeDefined();
      const printed = sim.net.output.slice(from).filter((l) => l.device === 'pc');
      expect(printed.map((l) => l.text)).toEqual(result!.lines);
      return { ...result!, times: printed.map((l) => l.time - start) };
    };
    return { sim, run };
  }

  it('asks the name server DHCP gave the stub, follows the CNAME chain and asks AAAA for its end', () => {
    const { sim, run } = bootedJourney();
    const r = run('www.example.com');
    expect(r.lines).toEqual([
      'Server:\t\t192.168.1.1',
      'Address:\t192.168.1.1#53',
      '',
      'Non-authoritative answer:',
      'www.example.com\tcanonical name = www.example.com.cdn.example.net.',
      'www.example.com.cdn.example.net\tcanonical name = edge.cdn.example.net.',
      'Name:\tedge.cdn.example.net',
      'Address: 198.51.100.80',
      '', // the AAAA follow-up asked edge.cdn.example.net, which has none: nothing printed

    ]);
    expect(r.ok).toBe(true);
    // No OS cache: the second run asks the network again (the forwarder answers from its cache).
    const queriesBefore = sim.net.capture.count;
    const again = run('www.example.com');
    expect(again.lines).toEqual(r.lines);
    expect(sim.net.capture.count).toBeGreaterThan(queriesBefore);
  });

  it('matches real nslookup against named serving the lab zone, asked directly (authoritative)', async () => {
    const { run } = bootedJourney();
    const lab = loadSample('url-journey.lab.json');
    const zone = lab.devices.find((d) => d.name === 'example-dns')!.tables!.zone!;
    const labDir = join(dir, 'lab');
    mkdirSync(labDir, { recursive: true });
    writeFileSync(join(labDir, 'example.com.zone'), (Array.isArray(zone) ? zone.join('\n') : zone) + '\n');
    const port = 25397;
    servers.push(
      await startNamed({
        dir: labDir, name: 'named', port, ready: query(1, 'example.com', DnsType.SOA),
        options: ['recursion no;', 'dnssec-validation no;', 'notify no;', 'minimal-responses no;'],
        statements: ['zone "example.com" { type primary; file "example.com.zone"; };'],
      }),
    );
    const toLab = (lines: string[]) => lines.map((l) => l.replace('127.0.0.1#' + port, '203.0.113.53#53').replace('127.0.0.1', '203.0.113.53'));
    for (const [name, type] of [['example.com', undefined], ['example.com', 'MX'], ['example.com', 'SOA'], ['nope.example.com', undefined], ['www.example.com', undefined]] as const) {
      expect(run(name, { qtype: type, server: '203.0.113.53' }).lines).toEqual(toLab(realNslookup(port, name, type)));
    }
  });

  it('times out like nslookup: 5 s per try, 3 tries, then no servers could be reached', () => {
    const { run } = bootedJourney();
    const r = run('example.com', { server: '192.0.2.99' });
    expect(r.lines).toEqual([
      ';; communications error to 192.0.2.99#53: timed out',
      ';; communications error to 192.0.2.99#53: timed out',
      ';; communications error to 192.0.2.99#53: timed out',
      ';; no servers could be reached',
      '',
    ]);
    expect(r.times).toEqual([5_000_000, 10_000_000, 15_000_000, 15_000_000, 15_000_000]);
    expect(r).toMatchObject({ ok: false, rcode: undefined });
  });

  /** The PC's name servers: one that never answers (nothing at 192.0.2.99), then the home router's forwarder. */
  function firstServerDown(sim: Simulation): void {
    const down = parseIpv4('192.0.2.99');
    const router = parseIpv4('192.168.1.1');
    if (!down.ok || !router.ok) throw new Error('bad address');
    sim.services.get('pc')!.stub.setServers([down.value, router.value]);
  }

  it('moves on to the next name server after three timeouts of the first, for each lookup (A, then AAAA)', () => {
    const { sim, run } = bootedJourney();
    firstServerDown(sim);
    const r = run('example.com', { seconds: 40 });
    const timedOut = ';; communications error to 192.0.2.99#53: timed out';
    expect(r.lines).toEqual([
      timedOut, timedOut, timedOut,
      'Server:\t\t192.168.1.1', 'Address:\t192.168.1.1#53', '', 'Non-authoritative answer:', 'Name:\texample.com', 'Address: 203.0.113.80',
      // The AAAA follow-up starts over at the first server; the forwarder then has no AAAA: nothing printed.
      timedOut, timedOut, timedOut,
      '',
    ]);
    expect(r.ok).toBe(true);
    const s = 1_000_000;
    expect(r.times.slice(0, 3)).toEqual([5 * s, 10 * s, 15 * s]);
    expect(r.times[3]).toBeGreaterThan(15 * s); // the forwarder's answer, one round trip later
    expect(r.times[3]).toBeLessThan(16 * s);
    expect(r.times.slice(9, 12).map((t) => t - r.times[3])).toEqual([5 * s, 10 * s, 15 * s]);
    // When the next server times out too: one try of it (the lookup's last), then no servers.
    const { run: runAlone, sim: alone } = bootedJourney();
    const none = parseIpv4('192.0.2.98');
    const down = parseIpv4('192.0.2.99');
    if (!none.ok || !down.ok) throw new Error('bad address');
    alone.services.get('pc')!.stub.setServers([down.value, none.value]);
    const both = runAlone('example.com', { seconds: 40 });
    expect(both.lines).toEqual([timedOut, timedOut, timedOut, ';; communications error to 192.0.2.98#53: timed out', ';; no servers could be reached', '']);
    expect(both.times).toEqual([5 * s, 10 * s, 15 * s, 20 * s, 20 * s, 20 * s]);
  });

  it('matches real nslookup with two servers in resolv.conf, the first one silent, the second a live named forwarder', async () => {
    // The silent server: a socket on 127.0.0.2 that reads nothing (no "connection refused" either).
    const sink = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      sink.once('error', reject);
      sink.bind(RECURSIVE_PORT, '127.0.0.2', () => resolve());
    });
    try {
      const resolv = join(dir, 'two-servers.resolv.conf');
      writeFileSync(resolv, 'nameserver 127.0.0.2\nnameserver 127.0.0.1\n');
      // nslookup reads only /etc/resolv.conf: show it ours in a mount namespace of its own. -timeout=1
      // keeps the run short (the order of tries is the same); stdout line-buffered keeps stderr in place.
      const real = (name: string) => {
        const cmd = `mount --bind ${resolv} /etc/resolv.conf && exec stdbuf -oL nslookup -port=${RECURSIVE_PORT} -timeout=1 ${name} 2>&1`;
        const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', cmd], { encoding: 'utf8' });
        if (r.error) throw r.error;
        expect(r.stderr, 'unshare / mount').toBe('');
        return r.stdout.split('\n').slice(0, -1);
      };
      const toLab = (lines: string[]) =>
        lines.map((l) => l.replaceAll(`127.0.0.2#${RECURSIVE_PORT}`, '192.0.2.99#53').replaceAll(`127.0.0.1#${RECURSIVE_PORT}`, '192.168.1.1#53').replaceAll('127.0.0.1', '192.168.1.1'));
      for (const name of ['example.com', 'nope.example.com']) {
        const theirs = toLab(real(name));
        expect(theirs.filter((l) => l.includes('timed out')).length, name).toBeGreaterThanOrEqual(3);
        const { sim, run } = bootedJourney();
        firstServerDown(sim);
        expect(run(name, { seconds: 40 }).lines, name).toEqual(theirs);
      }
    } finally {
      sink.close();
    }
  }, 30_000);

  it('says NXDOMAIN from the forwarder, and no answer for a type the name lacks', () => {
    const { run } = bootedJourney();
    expect(run('nope.example.com').lines.slice(3)).toEqual(["** server can't find nope.example.com: NXDOMAIN", '']);
    const aaaa = run('example.com', { qtype: 'AAAA' });
    expect(aaaa.lines.slice(3)).toEqual(['Non-authoritative answer:', "*** Can't find example.com: No answer", '']);
    expect(aaaa.rcode).toBe(DnsRcode.NOERROR);
  });
});
