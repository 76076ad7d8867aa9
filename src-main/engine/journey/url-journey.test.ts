// The URL-journey lab (topologies/url-journey.lab.json) on virtual time: DHCP DORA at boot, the
// stub → forwarder → recursive resolver walk from the root, caches on the second visit and after
// they expire, dig, flush, renew and release. Its zone and dhcpd tables pass the real tools, and
// each capture point reads in tshark without warnings. Fails (does not skip) without the tools.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableText, zoneOrigin, type Lab } from '../../../src-shared/lab';
import { formatIpv4 } from '../../../src-shared/net/addr';
import { parseDns } from '../../../src-shared/net/wire/dns';
import { parseDhcp, decodeDhcpOptions } from '../../../src-shared/net/wire/dhcp';
import { EtherType, parseEthernet } from '../../../src-shared/net/wire/ethernet';
import { parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import { parseUdp } from '../../../src-shared/net/wire/udp';
import { exportPcapng } from '../export/pcapng';
import type { CapturedFrame } from '../model/capture';
import { loadSample, runScenario } from '../testing/samples';
import { journeyStep } from './steps';
import { describeFrame } from '../testing/frames';

const FILE = 'url-journey.lab.json';
let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'packetlab-journey-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Udp {
  frame: CapturedFrame;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  payload: Uint8Array;
}

function udpOf(f: CapturedFrame): Udp | undefined {
  const eth = parseEthernet(f.bytes);
  if (!eth.ok || eth.repr.ethertype !== EtherType.IPv4) return undefined;
  const ip = parseIpv4(f.bytes, eth.payloadOffset, eth.payloadLength);
  if (!ip.ok || ip.repr.protocol !== 17) return undefined;
  const u = parseUdp(f.bytes, ip.payloadOffset, ip.payloadLength);
  if (!u.ok) return undefined;
  return { frame: f, src: ip.repr.src, dst: ip.repr.dst, sport: u.repr.srcPort, dport: u.repr.dstPort, payload: f.bytes.subarray(u.payloadOffset, u.payloadOffset + u.payloadLength) };
}

const at = (f: CapturedFrame) => `${f.fromInterface.device}-${f.fromInterface.interface}`;

/** "DHCP DISCOVER", "DNS query www.example.com A → 198.41.0.4", … for frames sent from `point`. */
function summary(frames: CapturedFrame[], point: string): string[] {
  const out: string[] = [];
  for (const f of frames) {
    if (at(f) !== point) continue;
    const u = udpOf(f);
    if (!u) continue;
    if (u.dport === 67 || u.dport === 68) {
      const d = parseDhcp(u.payload);
      const o = d.ok ? decodeDhcpOptions(d.value.repr.options) : undefined;
      const names = ['', 'DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'];
      out.push(`DHCP ${o && o.ok ? names[o.value.messageType ?? 0] : '?'} ${formatIpv4(u.src)} → ${formatIpv4(u.dst)}`);
    } else if (u.dport === 53 || u.sport === 53) {
      const m = parseDns(u.payload);
      if (!m.ok) out.push('DNS ?');
      else {
        const q = m.value.message.questions[0];
        out.push(`DNS ${m.value.message.qr ? 'answer' : 'query'} ${q.name} ${q.type === 1 ? 'A' : q.type} ${formatIpv4(u.src)} → ${formatIpv4(u.dst)}`);
      }
    }
  }
  return out;
}

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('url-journey lab: DHCP and DNS on the wire', () => {
  it('boot: DORA, then example.com typed: DNS from the root, http → https, HSTS, TLS, the page from the CDN edge, rendered', () => {
    const { sim } = runScenario(loadSample(FILE), 'boot and browse example.com');
    const frames = [...sim.net.capture.frames()];
    expect(summary(frames, 'pc-eth0')).toEqual([
      'DHCP DISCOVER 0.0.0.0 → 255.255.255.255',
      'DHCP REQUEST 0.0.0.0 → 255.255.255.255',
      'DNS query example.com A 192.168.1.100 → 192.168.1.1',
      'DNS query www.example.com A 192.168.1.100 → 192.168.1.1',
    ]);
    // The home router offers and acknowledges by unicast to the new address (RFC 2131 §4.1, no broadcast flag).
    expect(summary(frames, 'home-router-lan').slice(0, 2)).toEqual(['DHCP OFFER 192.168.1.1 → 192.168.1.100', 'DHCP ACK 192.168.1.1 → 192.168.1.100']);
    expect(summary(frames, 'home-router-wan')).toEqual(['DNS query example.com A 100.64.0.2 → 100.64.0.1', 'DNS query www.example.com A 100.64.0.2 → 100.64.0.1']);
    // The ISP resolver walks root → com → example.com; for www it already knows example.com's server,
    // follows the CNAME into cdn.example.net: root → net → the CDN's server.
    expect(summary(frames, 'isp-core').map((x) => x.replace(/ 10\.0\.0\.1 → /, ' → '))).toEqual([
      'DNS query example.com A → 198.41.0.4',
      'DNS query example.com A → 192.5.6.30',
      'DNS query example.com A → 203.0.113.53',
      'DNS query www.example.com A → 203.0.113.53',
      'DNS query www.example.com.cdn.example.net A → 198.41.0.4',
      'DNS query www.example.com.cdn.example.net A → 192.5.6.30',
      'DNS query www.example.com.cdn.example.net A → 198.51.100.53',
    ]);
    const out = sim.net.output.map((l) => l.text);
    expect(out.map((l) => /^GET (\S+) (\d+)/.exec(l)?.slice(1, 3).join(' ')).filter(Boolean)).toEqual([
      'http://example.com/ 301',
      'https://example.com/ 301',
      'https://www.example.com/ 200',
      'https://www.example.com/style.css 200',
      'https://www.example.com/logo.png 200',
    ]);
    expect(out.filter((l) => l.includes('(connection reused)'))).toHaveLength(2);
    expect(out.at(-1)).toBe("render: 'Example Domain' — heading 'Example Domain'; paragraph 'This domain is for use in the PacketLab URL journey.'; image /logo.png; styled by 3 CSS rule(s) from 1 stylesheet(s)");
    // HSTS was learned from the https answer; TLS and certificate steps are in the log.
    expect(sim.browser('pc').hsts.match('www.example.com', 1_767_225_600_000_000 + sim.net.now)).toBeDefined();
    const log = sim.net.log.entries.map((e) => e.message);
    expect(log).toContain('[tls] certificate for www.example.com: valid, signed by the lab CA');
    expect(log.some((m) => m.startsWith('[url] HSTS header from example.com: '))).toBe(true);
    // The PC was configured by the lease: address, default route, name server.
    const pc = sim.ipDevice('pc');
    expect(pc.iface('eth0')!.ipv4).toEqual({ address: 0xc0a80164, prefixLength: 24 });
    expect(sim.stateAt('pc', sim.net.capture.count).routes.map((r) => `${r.dst}/${r.prefixLength} ${r.proto}`)).toEqual(expect.arrayContaining(['0/0 dhcp', `${0xc0a80100}/24 kernel`]));
    expect(sim.services.get('pc')!.stub.snapshot(sim.net.now).servers).toEqual(['192.168.1.1']);
    expect(sim.servicesNow('pc').dhcpClients.map((c) => `${c.iface} ${c.state} ${c.address}`)).toEqual(['eth0 BOUND 192.168.1.100']);
    expect(sim.servicesNow('home-router').dhcpLeases.map((l) => `${l.address} ${l.state}`)).toEqual(['192.168.1.100 bound']);
    expect(sim.net.log.errors()).toEqual([]);
  });

  it('second visit: HSTS goes straight to https, no DNS query and no new connection leave the PC, the page comes from the private cache', () => {
    const { sim } = runScenario(loadSample(FILE), 'browse again');
    const late = [...sim.net.capture.frames()].filter((f) => f.time >= 5_000_000 && at(f) === 'pc-eth0');
    expect(late.length).toBeGreaterThan(0);
    expect(summary(late, 'pc-eth0')).toEqual([]);
    expect(late.some((f) => /\[SYN\]/.test(describeFrame(f.bytes)))).toBe(false);
    const out = sim.net.output.map((l) => l.text).filter((l) => l.startsWith('GET '));
    expect(out.slice(5).map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['https://example.com/ 301', 'https://www.example.com/ 200', 'https://www.example.com/style.css 200', 'https://www.example.com/logo.png 200']);
    // The 301 is not stored (no freshness information), so it goes out on the open connection; the rest are fresh in the cache.
    expect(out[5].endsWith('(connection reused)')).toBe(true);
    expect(out.slice(6).every((l) => l.endsWith('— from the private cache'))).toBe(true);
  });

  it('an hour later the answers have expired but not the delegations (2-day TTL): straight to the authoritative servers; the lease was renewed at T1', () => {
    const { sim } = runScenario(loadSample(FILE), 'browse after the caches expire');
    const frames = [...sim.net.capture.frames()];
    const late = frames.filter((f) => f.time > 3_000_000_000);
    expect(summary(late, 'pc-eth0').filter((x) => x.startsWith('DNS'))).toEqual(['DNS query example.com A 192.168.1.100 → 192.168.1.1', 'DNS query www.example.com A 192.168.1.100 → 192.168.1.1']);
    expect(summary(late, 'isp-core').map((x) => x.split(' → ')[1])).toEqual(['203.0.113.53', '203.0.113.53', '198.51.100.53']);
    // The page and stylesheet were stale (max-age 60 and 600 s): revalidated with 304; the logo (1 day) is still fresh.
    const out = sim.net.output.map((l) => l.text).filter((l) => l.startsWith('GET ')).slice(5);
    expect(out.map((l) => l.replace(/ — .*?(\((304|connection)[^)]*\)|from the private cache)?$/, ' $1').split(' ').slice(1, 3).join(' ') + (l.includes('304') ? ' 304' : l.includes('private cache') ? ' cache' : ''))).toEqual([
      'https://example.com/ 301',
      'https://www.example.com/ 200 304',
      'https://www.example.com/style.css 200 304',
      'https://www.example.com/logo.png 200 cache',
    ]);
    // Idle connections were closed after 5 minutes: new handshakes an hour later.
    expect(late.filter((f) => at(f) === 'pc-eth0' && /\[SYN\]/.test(describeFrame(f.bytes)))).toHaveLength(2);
    // T1 = 1800 s: a unicast REQUEST to the server, answered with an ACK.
    const renewal = frames.filter((f) => f.time >= 1_800_000_000 && f.time < 1_801_000_000);
    expect(summary(renewal, 'pc-eth0')).toEqual(['DHCP REQUEST 192.168.1.100 → 192.168.1.1']);
    expect(summary(renewal, 'home-router-lan')).toEqual(['DHCP ACK 192.168.1.1 → 192.168.1.100']);
  });

  it('the CDN edge: MISS from the origin on the first visit, HIT from its shared cache for a cold browser', () => {
    const { sim } = runScenario(loadSample(FILE), 'cold browser, warm CDN');
    const edge = sim.net.log.entries.filter((e) => e.source === 'cdn-edge' && e.message.startsWith('HTTPS GET')).map((e) => e.message.replace(/ \(.*$/, ''));
    expect(edge).toEqual([
      'HTTPS GET www.example.com/: cache MISS, from the origin',
      'HTTPS GET www.example.com/style.css: cache MISS, from the origin',
      'HTTPS GET www.example.com/logo.png: cache MISS, from the origin',
      'HTTPS GET www.example.com/: cache HIT',
      'HTTPS GET www.example.com/style.css: cache HIT',
      'HTTPS GET www.example.com/logo.png: cache HIT',
    ]);
    expect(sim.proxies.get('cdn-edge')!.stats).toEqual({ hits: 3, misses: 3, revalidated: 0 });
    expect(sim.net.output.map((l) => l.text)).toContain('browser HTTP cache: 5 responses flushed');
    // On the wire (decrypted with the key log): Cache-Status and Age from the edge.
    const file = path.join(tmp, 'cdn.pcapng');
    writeFileSync(file, exportPcapng(sim.net.capture, { secrets: sim.keyLogText() }));
    const rows = tshark(['-r', file, '-Y', 'http.response && ip.src == 198.51.100.80 && ip.dst == 100.64.0.2', '-T', 'fields', '-e', 'http.response.code', '-e', 'http.response.line']).trim().split('\n');
    const status = rows.map((r) => (/Cache-Status: ([^\\,]*?)(\\r|,|$)/.exec(r)?.[1] ?? r.split('\t')[0]).replace(/; ttl=\d+/, ''));
    expect(status).toEqual(['cdn-edge; fwd=miss', 'cdn-edge; fwd=miss', 'cdn-edge; fwd=miss', 'cdn-edge; hit', 'cdn-edge; hit', 'cdn-edge; hit']);
  });

  it('dig prints what dig prints; flush empties the forwarder; renew and release reach the server', () => {
    const { sim } = runScenario(loadSample(FILE), 'dig the hierarchy');
    const out = sim.net.output.map((l) => l.text);
    const block = (server: string) => out.slice(out.findIndex((l) => l.includes(`@${server} `)));
    expect(block('198.41.0.4').slice(0, 4)).toEqual(['; <<>> DiG 9.18 <<>> @198.41.0.4 www.example.com A', ';; Got answer:', expect.stringMatching(/^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+$/), ';; flags: qr rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 2']);
    // dig's columns: owner, TTL, class, type and data at 0, 24, 32, 40 and 48 (tabs of 8).
    expect(block('198.41.0.4')).toContain('com.\t\t\t172800\tIN\tNS\ta.gtld-servers.net.');
    expect(block('203.0.113.53')).toContain('www.example.com.\t300\tIN\tCNAME\twww.example.com.cdn.example.net.');
    expect(out).toContain('edge.cdn.example.net.\t60\tIN\tA\t198.51.100.80');
    expect(out).toContain(';; SERVER: 192.168.1.1#53(192.168.1.1) (UDP)');
    expect(out).toContain('resolver cache: 3 entries flushed');
    // After the flush the router asks upstream again; example.com has no MX: NOERROR with the SOA.
    expect(out).toContain('example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2026010101 7200 900 1209600 300');
    const frames = [...sim.net.capture.frames()];
    expect(summary(frames.filter((f) => f.time >= 6_000_000), 'pc-eth0').filter((s) => s.startsWith('DHCP'))).toEqual(['DHCP REQUEST 192.168.1.100 → 192.168.1.1', 'DHCP RELEASE 192.168.1.100 → 192.168.1.1']);
    expect(sim.ipDevice('pc').iface('eth0')!.ipv4).toBeNull();
    expect(sim.servicesNow('home-router').dhcpLeases.map((l) => l.state)).toEqual(['released']);
  });

  it('every frame has a journey step and a cause', () => {
    const { sim } = runScenario(loadSample(FILE), 'boot and browse example.com');
    const steps = new Map<string, number>();
    for (const f of sim.net.capture.frames()) {
      expect(f.cause.length).toBeGreaterThan(0);
      const s = journeyStep(f.bytes);
      steps.set(s, (steps.get(s) ?? 0) + 1);
    }
    expect([...steps.keys()].sort()).toEqual(['arp', 'dhcp', 'dns', 'http', 'tcp', 'tls']);
    expect(sim.frameStep(1)).toBe('dhcp');
    expect(steps.get('dhcp')).toBe(8);
  });

  it('the whole capture with its Decryption Secrets Block: tshark decrypts the HTTP requests inside TLS', () => {
    const { sim } = runScenario(loadSample(FILE), 'boot and browse example.com');
    const file = path.join(tmp, 'journey.pcapng');
    writeFileSync(file, exportPcapng(sim.net.capture, { secrets: sim.keyLogText() }));
    const requests = tshark(['-r', file, '-Y', 'tls && http.request && ip.src == 192.168.1.100', '-T', 'fields', '-e', 'http.request.full_uri']).trim().split('\n');
    expect(requests).toEqual(['https://example.com/', 'https://www.example.com/', 'https://www.example.com/style.css', 'https://www.example.com/logo.png']);
    expect(tshark(['-r', file, '-Y', 'tls.handshake.type == 2', '-T', 'fields', '-e', 'tls.handshake.extensions.supported_version']).trim().split('\n').every((v) => v === '0x0304')).toBe(true);
    const bad = tshark(['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-Y', '_ws.malformed || ip.checksum.status == "Bad" || udp.checksum.status == "Bad" || tcp.checksum.status == "Bad"']).trim();
    expect(bad).toBe('');
  });

  it('each capture point of each scenario reads in tshark without warnings (DNS retransmission checks on)', () => {
    for (const scenario of ['boot and browse example.com', 'dig the hierarchy']) {
      const { sim } = runScenario(loadSample(FILE), scenario);
      for (const point of ['pc-eth0', 'home-router-lan', 'home-router-wan', 'isp-core']) {
        const file = path.join(tmp, `${point}.pcapng`);
        writeFileSync(file, exportPcapng(sim.net.capture, { points: [point] }));
        const rows = tshark(['-r', file, '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-e', '_ws.col.Protocol', '-e', '_ws.expert.severity', '-e', '_ws.malformed']).trim().split('\n');
        expect(rows.length).toBeGreaterThan(0);
        for (const r of rows) {
          const [proto, severity, malformed] = r.split('\t');
          expect(['ARP', 'DHCP', 'DNS', 'TCP', 'HTTP', 'TLSv1.2', 'TLSv1.3'], `${point}: ${r}`).toContain(proto);
          expect(malformed ?? '', `${point}: ${r}`).toBe('');
          // Chat-level notes only (severity 2097152 = chat); warnings are 6291456 and up.
          expect(severity === '' || Number(severity.split(',')[0]) < 6291456, `${point}: ${r}`).toBe(true);
        }
      }
    }
  });
});

describe('url-journey lab tables in the real tools', () => {
  const lab: Lab = loadSample(FILE);
  it('every zone passes named-checkzone', () => {
    let n = 0;
    for (const d of lab.devices) {
      for (const z of [...(d.tables?.zone !== undefined ? [d.tables.zone] : []), ...(d.tables?.zones ?? [])]) {
        const text = tableText(z) + '\n';
        const file = path.join(tmp, `zone${n++}`);
        writeFileSync(file, text);
        const r = spawnSync('named-checkzone', [zoneOrigin(text), file], { encoding: 'utf8' });
        if (r.error) throw r.error;
        expect(r.status, `${d.name}: ${r.stdout}${r.stderr}`).toBe(0);
      }
    }
    expect(n).toBe(5);
  });

  it('the home router dhcpd.conf passes dhcpd -t', () => {
    const d = lab.devices.find((x) => x.name === 'home-router')!;
    const file = path.join(tmp, 'dhcpd.conf');
    writeFileSync(file, tableText(d.tables!.dhcpd) + '\n');
    const r = spawnSync('dhcpd', ['-t', '-q', '-cf', file, '-lf', '/dev/null'], { encoding: 'utf8' });
    if (r.error) throw r.error;
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});
