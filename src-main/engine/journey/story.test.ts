// The story of the URL journey, script-style on the sample lab at its scenarios' virtual times:
// DHCP DORA, ARP, DNS root → TLD → authoritative, TCP, TLS, HTTP and rendering in order, each
// entry pointing at frames whose bytes are what the entry says; the second visit told by the
// caches with no DNS frame from the PC; revalidation an hour later; the CDN's HIT and MISS; the
// page loads' rendering record.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { formatIpv4 } from '../../../src-shared/net/addr';
import { parseDns } from '../../../src-shared/net/wire/dns';
import { decodeDhcpOptions, parseDhcp } from '../../../src-shared/net/wire/dhcp';
import { parseArp } from '../../../src-shared/net/wire/arp';
import { parseEthernet } from '../../../src-shared/net/wire/ethernet';
import { parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import { parseTcp } from '../../../src-shared/net/wire/tcp';
import { parseUdp } from '../../../src-shared/net/wire/udp';
import { contract } from '../../../src-shared/ipc/contract';
import { loadSample, runScenario, sampleFiles } from '../testing/samples';
import { Capture } from '../model/capture';
import type { Simulation } from '../simulation';
import { JourneyRecorder } from './record';
import { buildStory, MAX_STORY_ENTRIES, type StoryEntry } from './story';
import { journeyStep } from './steps';

const FILE = 'url-journey.lab.json';

/** The transport of a frame, parsed independently of the story builder. */
function transport(sim: Simulation, no: number) {
  const bytes = sim.net.capture.bytesOf(no);
  const eth = parseEthernet(bytes);
  if (!eth.ok) throw new Error(`frame ${no}: not Ethernet`);
  if (eth.repr.ethertype === 0x0806) {
    const arp = parseArp(bytes, eth.payloadOffset, eth.payloadLength);
    return { kind: 'arp' as const, arp: arp.ok ? arp.repr : undefined };
  }
  const ip = parseIpv4(bytes, eth.payloadOffset, eth.payloadLength);
  if (!ip.ok) throw new Error(`frame ${no}: not IPv4`);
  if (ip.repr.protocol === 17) {
    const u = parseUdp(bytes, ip.payloadOffset, ip.payloadLength);
    if (!u.ok) throw new Error(`frame ${no}: bad UDP`);
    return { kind: 'udp' as const, src: ip.repr.src, dst: ip.repr.dst, sport: u.repr.srcPort, dport: u.repr.dstPort, payload: bytes.subarray(u.payloadOffset, u.payloadOffset + u.payloadLength) };
  }
  const t = parseTcp(bytes, ip.payloadOffset, ip.payloadLength);
  if (!t.ok) throw new Error(`frame ${no}: bad TCP`);
  return { kind: 'tcp' as const, src: ip.repr.src, dst: ip.repr.dst, sport: t.repr.srcPort, dport: t.repr.dstPort, flags: t.repr.flags, payloadLength: ip.payloadLength - t.headerLength };
}

const frameEntries = (story: StoryEntry[]) => story.filter((e) => e.firstFrame !== null);
const kinds = (story: StoryEntry[], step: string) => story.filter((e) => e.step === step).map((e) => e.facts.kind);

describe('journey story', () => {
  const { sim } = runScenario(loadSample(FILE), 'boot and browse example.com');
  const record = sim.journeyRecord();
  const story = record.story;

  it('matches the contract and is in time order', () => {
    expect(contract['sim.journey'].result.safeParse(record).success).toBe(true);
    for (let i = 1; i < story.length; i++) expect(story[i].startUs).toBeGreaterThanOrEqual(story[i - 1].startUs);
    for (const e of story) {
      expect(e.summary.length).toBeGreaterThan(10);
      expect(e.causes.length).toBeLessThanOrEqual(12);
    }
  });

  it('tells DORA, ARP, DNS from the root down, TCP, TLS, HTTP and rendering in order', () => {
    // The first entry at t=0 is the whole DORA exchange of the PC (4 messages, each on two links).
    const dhcp = story[0];
    expect(dhcp).toMatchObject({ step: 'dhcp', device: 'pc', startUs: 0, firstFrame: 1, frameCount: 8 });
    expect(dhcp.facts).toMatchObject({ kind: 'bound', address: '192.168.1.100', server: '192.168.1.1', messages: 'DISCOVER, OFFER, REQUEST, ACK', leaseTime: '3600' });
    expect(dhcp.summary).toBe('pc got 192.168.1.100 from 192.168.1.1 for 3600 s (DHCP DISCOVER, OFFER, REQUEST, ACK)');

    // Typed at 2 s (the scenario's atMs): address bar, caches, then the wire.
    const typed = story.findIndex((e) => e.step === 'url');
    expect(story[typed]).toMatchObject({ startUs: 2_000_000, device: 'pc', frameCount: 0, firstFrame: null, facts: { kind: 'navigate', input: 'example.com', url: 'http://example.com/', hstsUpgrade: 'no' } });
    expect(story[typed + 1].facts).toMatchObject({ kind: 'http-cache-miss', url: 'http://example.com/' });
    expect(story[typed + 2].facts).toMatchObject({ kind: 'browser-dns-miss', name: 'example.com' });
    // The OS cache misses at once (told with the answer it got), then the query needs the router's MAC.
    expect(story[typed + 3]).toMatchObject({ step: 'cache', startUs: 2_000_000, facts: { kind: 'os-dns-miss', name: 'example.com', address: '203.0.113.80' } });
    expect(story[typed + 4]).toMatchObject({ step: 'arp', device: 'pc', facts: { target: '192.168.1.1', mac: '02:00:00:00:01:01' } });

    // The PC's query, the forwarder's, and the ISP resolver walking the hierarchy.
    const dns = story.filter((e) => e.step === 'dns' && e.facts.name === 'example.com');
    expect(dns.map((e) => `${e.device} ${e.facts.tier} ${e.facts.server}`)).toEqual([
      'pc resolver 192.168.1.1',
      'home-router resolver 100.64.0.1',
      'isp root 198.41.0.4',
      'isp TLD 192.5.6.30',
      'isp authoritative 203.0.113.53',
    ]);
    expect(dns[2].facts.referral).toBe('com');
    expect(dns[3].facts.referral).toBe('example.com');
    expect(dns.every((e) => e.facts.address === '203.0.113.80')).toBe(false); // referrals carry no address
    expect(dns[0].facts.address).toBe('203.0.113.80');
    expect(dns[4].facts.address).toBe('203.0.113.80');
    expect(dns[2].summary).toBe('isp asked the root server 198.41.0.4 for example.com A: referral to the com servers (a.gtld-servers.net.)');
    // The CNAME into the CDN: root → net → the CDN's authoritative server.
    expect(story.filter((e) => e.step === 'dns' && e.facts.name === 'www.example.com.cdn.example.net').map((e) => e.facts.tier)).toEqual(['root', 'TLD', 'authoritative']);

    // The PC's own work, in order of steps (ARP and the routers' entries left out).
    const pcSteps = story.filter((e) => (e.device === 'pc' && e.step !== 'arp') || e.step === 'render').map((e) => e.step);
    const squeezed = pcSteps.filter((s, i) => s !== pcSteps[i - 1]);
    expect(squeezed).toEqual(['dhcp', 'url', 'cache', 'dns', 'tcp', 'http', 'cache', 'tcp', 'tls', 'http', 'url', 'cache', 'dns', 'tcp', 'tls', 'http', 'url', 'cache', 'render', 'cache', 'http', 'cache', 'http', 'cache', 'render']);

    const tcp = story.filter((e) => e.step === 'tcp' && e.device === 'pc');
    expect(tcp.map((e) => e.facts.server)).toEqual(['203.0.113.80:80', '203.0.113.80:443', '198.51.100.80:443']);
    expect(tcp.every((e) => e.facts.kind === 'open' && e.facts.flags === 'SYN, SYN-ACK')).toBe(true);

    const tls = story.filter((e) => e.step === 'tls' && e.device === 'pc');
    expect(tls.map((e) => [e.facts.sni, e.facts.cipher, e.facts.certificate])).toEqual([
      ['example.com', 'TLS_AES_128_GCM_SHA256', 'valid, signed by the lab CA'],
      ['www.example.com', 'TLS_AES_128_GCM_SHA256', 'valid, signed by the lab CA'],
    ]);
    // The edge opens its own connection to the origin inside the page request.
    expect(story.some((e) => e.step === 'tls' && e.device === 'cdn-edge' && e.facts.sni === 'www.example.com')).toBe(true);

    // The PC's requests, and inside each page request the edge's own request to the origin (a MISS).
    const http = story.filter((e) => e.step === 'http');
    expect(http.map((e) => `${e.device}: ${e.facts.method} ${e.facts.url} → ${e.facts.server} ${e.facts.status} ${e.facts.cacheStatus ?? '-'}`)).toEqual([
      'pc: GET http://example.com/ → 203.0.113.80:80 301 -',
      'pc: GET https://example.com/ → 203.0.113.80:443 301 -',
      'pc: GET https://www.example.com/ → 198.51.100.80:443 200 cdn-edge; fwd=miss',
      'cdn-edge: GET https://www.example.com/ → 203.0.113.80:443 200 -',
      'pc: GET https://www.example.com/style.css → 198.51.100.80:443 200 cdn-edge; fwd=miss',
      'cdn-edge: GET https://www.example.com/style.css → 203.0.113.80:443 200 -',
      'pc: GET https://www.example.com/logo.png → 198.51.100.80:443 200 cdn-edge; fwd=miss',
      'cdn-edge: GET https://www.example.com/logo.png → 203.0.113.80:443 200 -',
    ]);
    // Each edge request lies within the page request that caused it.
    for (let i = 3; i < http.length; i += 2) {
      expect(http[i].startUs).toBeGreaterThan(http[i - 1].startUs);
      expect(http[i].endUs).toBeLessThan(http[i - 1].endUs);
    }
    const edgeTls = story.find((e) => e.step === 'tls' && e.device === 'cdn-edge')!;
    expect(edgeTls.facts).toMatchObject({ sni: 'www.example.com', server: '203.0.113.80:443', certificate: 'valid, signed by the lab CA' });
    expect(http.map((e) => e.facts.encrypted)).toEqual(['false', 'true', 'true', 'true', 'true', 'true', 'true', 'true']);

    expect(kinds(story, 'render')).toEqual(['parsed', 'styled', 'painted']);
    expect(story.at(-1)).toMatchObject({ step: 'render', facts: { kind: 'painted', title: 'Example Domain', items: '4' } });
    expect(story.filter((e) => e.step === 'cache' && e.device === 'cdn-edge').map((e) => e.facts.kind)).toEqual(['cdn-miss', 'cdn-miss', 'cdn-miss']);
    expect(story.some((e) => e.step === 'url' && e.facts.kind === 'hsts-learned' && e.facts.host === 'example.com')).toBe(true);
  });

  it('points every entry at real frames whose bytes are what it says', () => {
    const count = sim.net.capture.count;
    const covered = new Set<number>();
    for (const e of frameEntries(story)) {
      expect(e.firstFrame!).toBeGreaterThanOrEqual(1);
      expect(e.lastFrame!).toBeLessThanOrEqual(count);
      expect(e.startUs).toBe(sim.net.capture.timeOf(e.firstFrame!));
      expect(e.endUs).toBeGreaterThanOrEqual(sim.net.capture.timeOf(e.lastFrame!));
      const first = transport(sim, e.firstFrame!);
      const step = journeyStep(sim.net.capture.bytesOf(e.firstFrame!));
      if (e.step === 'http') expect(['http', 'tls']).toContain(step);
      else expect(step).toBe(e.step);
      switch (e.step) {
        case 'dhcp': {
          if (first.kind !== 'udp') throw new Error('DHCP over UDP');
          const d = parseDhcp(first.payload);
          const o = d.ok ? decodeDhcpOptions(d.value.repr.options) : undefined;
          expect(o?.ok && o.value.messageType).toBe(1); // DISCOVER opens DORA
          break;
        }
        case 'arp':
          if (first.kind !== 'arp') throw new Error('ARP');
          expect(first.arp?.operation).toBe(1);
          expect(formatIpv4(first.arp!.targetIp)).toBe(e.facts.target);
          break;
        case 'dns': {
          if (first.kind !== 'udp') throw new Error('DNS over UDP here');
          const m = parseDns(first.payload);
          expect(m.ok && m.value.message.qr).toBe(false);
          expect(m.ok && m.value.message.questions[0].name.replace(/\.$/, '')).toBe(e.facts.name);
          expect(formatIpv4(first.dst)).toBe(e.facts.server);
          break;
        }
        case 'tcp':
          if (first.kind !== 'tcp') throw new Error('TCP');
          if (e.facts.kind === 'open') expect(first.flags & 0x12).toBe(0x02); // a SYN without ACK
          expect(`${formatIpv4(first.dst)}:${first.dport}`).toBe(e.facts.server);
          break;
        case 'tls':
        case 'http':
          if (first.kind !== 'tcp') throw new Error('TCP');
          expect(first.payloadLength).toBeGreaterThan(0);
          break;
      }
      for (let no = e.firstFrame!; no <= e.lastFrame!; no++) covered.add(no);
    }
    // Every frame of the capture lies within some entry.
    for (let no = 1; no <= count; no++) expect(covered.has(no), `frame ${no}`).toBe(true);
    expect(frameEntries(story).reduce((n, e) => n + e.frameCount, 0)).toBe(count);
  });

  it('records each page load with request start times and the rendering record', () => {
    expect(record.loads).toHaveLength(1);
    const load = record.loads[0];
    expect(load).toMatchObject({ device: 'pc', url: 'https://www.example.com/', startUs: 2_000_000, ok: true, error: null });
    expect(load.requests.map((r) => r.url)).toEqual(['http://example.com/', 'https://example.com/', 'https://www.example.com/', 'https://www.example.com/style.css', 'https://www.example.com/logo.png']);
    expect(load.requests[0].startUs).toBe(2_000_000);
    for (let i = 1; i < load.requests.length; i++) expect(load.requests[i].startUs).toBeGreaterThan(load.requests[i - 1].startUs);
    expect(load.endUs).toBe(story.at(-1)!.startUs);
    const render = load.render!;
    const lab = loadSample(FILE);
    const site = lab.devices.find((d) => d.name === 'origin')!.web!.sites['www.example.com'] as { files: Record<string, { body?: string[]; base64?: string }> };
    expect(render.html).toBe(site.files['/'].body!.join('\n'));
    expect(render.dom.slice(0, 4)).toEqual([
      { depth: 0, kind: 'element', name: 'html', attributes: {} },
      { depth: 1, kind: 'element', name: 'head', attributes: {} },
      { depth: 2, kind: 'element', name: 'title', attributes: {} },
      { depth: 3, kind: 'text', name: 'Example Domain', attributes: {} },
    ]);
    expect(render.dom).toContainEqual({ depth: 2, kind: 'element', name: 'img', attributes: { src: '/logo.png', alt: 'logo' } });
    expect(render.stylesheets).toEqual([{ url: 'https://www.example.com/style.css', rules: 3, css: site.files['/style.css'].body!.join('\n') }]);
    expect(render.images).toEqual([{ url: 'https://www.example.com/logo.png', bytes: 73, contentType: 'image/png', base64: site.files['/logo.png'].base64 }]);
    // The cascade: h1 { color: navy } from style.css, the UA's heading size.
    expect(render.painted[0]).toMatch(/^heading 'Example Domain' — \d+px bold, navy$/);
    expect(render.painted.at(-1)).toBe('styled by 3 CSS rule(s) from 1 stylesheet(s)');
  });
});

describe('journey story on later visits', () => {
  it('second visit: HSTS, fresh cache entries, and no DNS frame leaving the PC', () => {
    const { sim } = runScenario(loadSample(FILE), 'browse again');
    const story = sim.journeyRecord().story.filter((e) => e.startUs >= 5_000_000);
    expect(story[0]).toMatchObject({ step: 'url', startUs: 5_000_000, facts: { url: 'https://example.com/', hstsUpgrade: 'yes' } });
    expect(story.filter((e) => e.step === 'dns')).toEqual([]);
    expect(story.filter((e) => e.step === 'cache').map((e) => `${e.facts.kind} ${e.facts.url}`)).toEqual([
      'http-cache-miss https://example.com/',
      'http-cache-stored https://example.com/',
      'http-cache-fresh https://www.example.com/',
      'http-cache-fresh https://www.example.com/style.css',
      'http-cache-fresh https://www.example.com/logo.png',
    ]);
    // The one request on the wire reuses the open connection: an http entry, no TCP or TLS handshake.
    expect(story.filter((e) => e.firstFrame !== null).map((e) => e.step)).toEqual(['http']);
    for (let no = 1; no <= sim.net.capture.count; no++) {
      const f = sim.net.capture.frame(no);
      if (f.time >= 5_000_000 && f.fromInterface.device === 'pc') expect(journeyStep(f.bytes)).not.toBe('dns');
    }
  });

  it('an hour later: stale pages revalidated with 304, the resolver goes straight to the authoritative servers, the lease renewed at T1', () => {
    const { sim } = runScenario(loadSample(FILE), 'browse after the caches expire');
    const story = sim.journeyRecord().story;
    // T1 is half the 3600 s lease, counted from the binding just after the ACK reached the PC.
    const bound = sim.net.capture.frame(story[0].lastFrame!).arrival;
    const renew = story.find((e) => e.step === 'dhcp' && e.startUs >= 1_800_000_000)!;
    expect(renew).toMatchObject({ device: 'pc', facts: { kind: 'renewed', messages: 'REQUEST, ACK', address: '192.168.1.100', server: '192.168.1.1' } });
    expect(renew.startUs - 1_800_000_000).toBeGreaterThanOrEqual(bound);
    expect(renew.startUs - 1_800_000_000).toBeLessThan(bound + 1000);
    const late = story.filter((e) => e.startUs >= 3_700_000_000);
    expect(late.filter((e) => e.step === 'dns' && e.device === 'isp').map((e) => e.facts.tier)).toEqual(['authoritative', 'authoritative', 'authoritative']);
    expect(late.filter((e) => e.step === 'cache' && e.facts.kind.startsWith('http-cache')).map((e) => `${e.facts.kind} ${e.facts.url}`)).toEqual([
      'http-cache-miss https://example.com/',
      'http-cache-stored https://example.com/',
      'http-cache-stale https://www.example.com/',
      'http-cache-revalidated https://www.example.com/',
      'http-cache-stale https://www.example.com/style.css',
      'http-cache-revalidated https://www.example.com/style.css',
      'http-cache-fresh https://www.example.com/logo.png',
    ]);
    // The browser's conditional requests, each revalidated in turn by the edge with the origin.
    expect(late.filter((e) => e.step === 'http').map((e) => `${e.device} ${e.facts.url} ${e.facts.status} ${e.facts.source}`)).toEqual([
      'pc https://example.com/ 301 network',
      'pc https://www.example.com/ 304 revalidated',
      'cdn-edge https://www.example.com/ 304 revalidated',
      'pc https://www.example.com/style.css 304 revalidated',
      'cdn-edge https://www.example.com/style.css 304 revalidated',
    ]);
    expect(late.find((e) => e.step === 'cache' && e.facts.kind === 'os-dns-miss')).toBeDefined();
  });

  it('cold browser, warm CDN: the edge answers from its shared cache', () => {
    const { sim } = runScenario(loadSample(FILE), 'cold browser, warm CDN');
    const story = sim.journeyRecord().story;
    expect(story.filter((e) => e.step === 'cache' && e.device === 'cdn-edge').map((e) => `${e.facts.kind} ${e.facts.url}`)).toEqual([
      'cdn-miss https://www.example.com/',
      'cdn-miss https://www.example.com/style.css',
      'cdn-miss https://www.example.com/logo.png',
      'cdn-hit https://www.example.com/',
      'cdn-hit https://www.example.com/style.css',
      'cdn-hit https://www.example.com/logo.png',
    ]);
    const late = story.filter((e) => e.step === 'http' && e.startUs >= 5_000_000).map((e) => e.facts.cacheStatus);
    expect(late).toHaveLength(3);
    for (const status of late) expect(status).toMatch(/^cdn-edge; hit; ttl=\d+$/);
  });
});

/** Ethernet + IPv4 + UDP/TCP headers on the journey's ports around random bytes: reaches the DNS, DHCP, TLS and HTTP readers. */
const ipFrame = fc
  .record({ tcp: fc.boolean(), sport: fc.constantFrom(53, 67, 68, 80, 443, 40000), dport: fc.constantFrom(53, 67, 68, 80, 443, 40001), flags: fc.integer({ min: 0, max: 255 }), tls: fc.boolean(), body: fc.uint8Array({ maxLength: 300 }) })
  .map(({ tcp, sport, dport, flags, tls, body }) => {
    const l4 = tcp ? 20 : 8;
    const payload = tls && body.length > 6 ? Uint8Array.from([22, 3, 3, 0, body.length - 5, ...body.subarray(5)]) : body;
    const b = new Uint8Array(14 + 20 + l4 + payload.length);
    b[12] = 0x08;
    b[14] = 0x45;
    const total = 20 + l4 + payload.length;
    b[16] = total >> 8;
    b[17] = total & 0xff;
    b[23] = tcp ? 6 : 17;
    b.set([10, 0, 0, 1, 10, 0, 0, 2], 26);
    b.set([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff], 34);
    if (tcp) {
      b[46] = 0x50;
      b[47] = flags;
    }
    b.set(payload, 34 + l4);
    return b;
  });

describe('journey story on any capture', () => {
  it('never throws on arbitrary frame bytes and puts every frame in exactly one entry', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 120 }), ipFrame), { minLength: 1, maxLength: 40 }), (frames) => {
        const capture = new Capture();
        const point = capture.addPoint('a', 'eth0', 'L1');
        frames.forEach((bytes, i) => capture.record(i * 10, point, bytes, `frame ${i}`, false));
        const recorder = new JourneyRecorder(() => capture.count, () => 0);
        const story = buildStory({ capture, recorder, zonesAt: () => undefined });
        expect(story.reduce((n, e) => n + e.frameCount, 0)).toBe(frames.length);
        for (const e of story) expect(typeof e.summary).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('tells every sample lab scenario: all frames in entries, in the contract shape', () => {
    for (const file of sampleFiles) {
      const lab = loadSample(file);
      const scenario = lab.scenarios?.[0];
      if (!scenario) continue;
      const { sim } = runScenario(lab, scenario.name);
      const record = sim.journeyRecord();
      const parsed = contract['sim.journey'].result.safeParse(record);
      expect(parsed.success, `${file}: ${parsed.error?.message}`).toBe(true);
      expect(record.story.reduce((n, e) => n + e.frameCount, 0), file).toBe(sim.net.capture.count);
    }
  });
});

describe('journey story of a huge capture', () => {
  /** `n` DNS queries from distinct client ports: one conversation, so one entry, each. */
  function manyQueries(n: number) {
    const capture = new Capture();
    const point = capture.addPoint('pc', 'eth0', 'L1');
    for (let i = 0; i < n; i++) {
      const sport = 10_000 + i;
      const b = new Uint8Array(14 + 20 + 8);
      b[12] = 0x08;
      b[14] = 0x45;
      b[17] = 28;
      b[23] = 17;
      b.set([10, 0, 0, 1, 10, 0, 0, 2], 26);
      b.set([sport >> 8, sport & 0xff, 0, 53, 0, 8], 34);
      capture.record(i * 10, point, b, `query ${i}`, false);
    }
    return { capture, recorder: new JourneyRecorder(() => capture.count, () => 0) };
  }

  it(`keeps the first ${MAX_STORY_ENTRIES} entries; the last says how many entries and frames were left out`, () => {
    const n = MAX_STORY_ENTRIES + 5_000;
    const { capture, recorder } = manyQueries(n);
    const story = buildStory({ capture, recorder, zonesAt: () => undefined });
    expect(story).toHaveLength(MAX_STORY_ENTRIES);
    expect(story[MAX_STORY_ENTRIES - 2]).toMatchObject({ firstFrame: MAX_STORY_ENTRIES - 1, lastFrame: MAX_STORY_ENTRIES - 1, frameCount: 1 });
    const last = story[MAX_STORY_ENTRIES - 1];
    expect(last).toMatchObject({
      firstFrame: MAX_STORY_ENTRIES, lastFrame: n, frameCount: 5_001, startUs: (MAX_STORY_ENTRIES - 1) * 10, endUs: (n - 1) * 10,
      step: 'story',
      facts: { kind: 'truncated', omittedEntries: '5001', omittedFrames: '5001', totalEntries: String(n) },
    });
    expect(last.summary).toBe(`5001 more entries (5001 frames) are not told: the story keeps its first 19999 of ${n} entries`);
    // Every frame is still accounted for, and the cut story is in the contract's shape.
    expect(story.reduce((s, e) => s + e.frameCount, 0)).toBe(n);
    expect(contract['sim.journey'].result.safeParse({ story, loads: [] }).success).toBe(true);
  });

  it('a story at the limit is not cut; a smaller limit cuts the URL journey the same way', () => {
    const { capture, recorder } = manyQueries(MAX_STORY_ENTRIES);
    const whole = buildStory({ capture, recorder, zonesAt: () => undefined });
    expect(whole).toHaveLength(MAX_STORY_ENTRIES);
    expect(whole.some((e) => e.step === 'story')).toBe(false);

    const lab = loadSample('url-journey.lab.json');
    const { sim } = runScenario(lab, lab.scenarios![0].name);
    const full = sim.journeyRecord().story;
    const ctx = { capture: sim.net.capture, recorder: sim.journey, zonesAt: () => undefined };
    const cut = buildStory({ ...ctx, maxEntries: 10 });
    expect(full.length).toBeGreaterThan(10);
    expect(cut.slice(0, 9)).toEqual(buildStory(ctx).slice(0, 9));
    expect(cut[9]).toMatchObject({ step: 'story' });
    expect(cut[9].facts).toMatchObject({ kind: 'truncated', omittedEntries: String(full.length - 9), totalEntries: String(full.length) });
    expect(cut[9].frameCount).toBe(full.slice(9).reduce((s, e) => s + e.frameCount, 0));
  });
});
