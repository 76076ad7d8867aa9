// Services at a frame, by replay: what a live run observes at the moment frame N is captured is
// exactly what `servicesAt(device, N)` replays, forward and backward, run after run. And the
// URL journey's services at the frames around the DHCP ACK and the DNS answers, with TTLs and
// timers counting down in virtual time.
import { describe, it, expect } from 'vitest';
import { decodeDhcpOptions, parseDhcp } from '../../../src-shared/net/wire/dhcp';
import { parseEthernet } from '../../../src-shared/net/wire/ethernet';
import { parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import { parseUdp } from '../../../src-shared/net/wire/udp';
import { contract, type ServicesState } from '../../../src-shared/ipc/contract';
import { loadSample, runScenario } from '../testing/samples';
import { Simulation } from '../simulation';

const FILE = 'url-journey.lab.json';
const SCENARIO = 'browse again';
const DEVICES = ['pc', 'home-router', 'isp', 'cdn-edge'];

/** The DHCP message type of a frame, or undefined. */
function dhcpType(sim: Simulation, no: number): number | undefined {
  const bytes = sim.net.capture.bytesOf(no);
  const eth = parseEthernet(bytes);
  if (!eth.ok || eth.repr.ethertype !== 0x0800) return undefined;
  const ip = parseIpv4(bytes, eth.payloadOffset, eth.payloadLength);
  if (!ip.ok || ip.repr.protocol !== 17) return undefined;
  const u = parseUdp(bytes, ip.payloadOffset, ip.payloadLength);
  if (!u.ok || (u.repr.dstPort !== 67 && u.repr.dstPort !== 68)) return undefined;
  const d = parseDhcp(bytes.subarray(u.payloadOffset, u.payloadOffset + u.payloadLength));
  const o = d.ok ? decodeDhcpOptions(d.value.repr.options) : undefined;
  return o?.ok ? o.value.messageType : undefined;
}

const dns = (s: ServicesState, tier: string) => s.dnsCaches.find((c) => c.tier === tier)?.entries ?? [];
const entry = (s: ServicesState, tier: string, name: string, type = 'A') => dns(s, tier).find((e) => e.name === name && e.type === type);

describe('services at a frame (replay)', () => {
  it('equals what a live run sees as each frame is captured, forward, backward and in a second replay', () => {
    const live = new Map<string, ServicesState>();
    const lab = loadSample(FILE);
    const sim = new Simulation(lab, {
      onFrame: (s, no) => {
        for (const d of DEVICES) live.set(`${d}@${no}`, s.servicesNow(d));
      },
    });
    sim.startScenario(SCENARIO);
    sim.run();
    const count = sim.net.capture.count;
    expect(live.size).toBe(count * DEVICES.length);

    const { sim: other } = runScenario(loadSample(FILE), SCENARIO);
    expect(other.net.capture.count).toBe(count);
    // Every frame forward (one replay stepped along), then a few backward (replay rebuilt).
    for (let no = 1; no <= count; no++) for (const d of DEVICES) expect(other.servicesAt(d, no), `${d} at frame ${no}`).toEqual(live.get(`${d}@${no}`));
    for (const no of [count - 1, 200, 9, 1]) expect(other.servicesAt('pc', no)).toEqual(live.get(`pc@${no}`));
    // A replay that never saw the earlier frames rebuilds itself to go back.
    const { sim: back } = runScenario(loadSample(FILE), SCENARIO);
    for (const no of [count, 200, 9, 201]) for (const d of DEVICES) expect(back.servicesAt(d, no), `${d} at frame ${no}`).toEqual(live.get(`${d}@${no}`));
    expect(back.servicesReplays).toBe(3); // built for the last frame, rebuilt for 200 and for 9; 201 is a step forward
    // Stepped forward frame by frame with one replay; back over the last 256 frames it had seen without one; rebuilt for 9 and for 1.
    expect(other.servicesReplays).toBe(3);
    // A third run of the same lab, seed and scenario replays the same.
    const { sim: third } = runScenario(loadSample(FILE), SCENARIO);
    for (const no of [1, 50, 150, count]) expect(third.servicesAt('home-router', no)).toEqual(other.servicesAt('home-router', no));
    for (const no of [1, 100, count]) expect(contract['sim.stateAt'].result.shape.services.safeParse(other.servicesAt('pc', no)).success).toBe(true);
  });

  it('refuses to replay a run driven by more than its scenarios', () => {
    const sim = new Simulation(loadSample(FILE));
    sim.net.scheduler.at(2_000_000, 'test: browse', () => sim.browser('pc').browse('example.com'));
    sim.run({ until: 4_000_000 });
    expect(sim.servicesAt('pc', 8).dhcpClients[0].state).toBe('REQUESTING'); // boot frames replay the same
    expect(() => sim.servicesAt('pc', sim.net.capture.count)).toThrow(/differs from the run's|before frame/);
  });

  it('runUntilFrame stops after the event that sent the frame, on the same bytes as a full run', () => {
    const { sim: full } = runScenario(loadSample(FILE), SCENARIO);
    const sim = new Simulation(loadSample(FILE));
    sim.startScenario(SCENARIO);
    const heard: number[] = [];
    sim.net.onFrame = (no) => heard.push(no);
    const r = sim.runUntilFrame(120, { until: sim.scenarioEnd });
    expect(r).toMatchObject({ reason: 'stopped', diagnostic: 'frame 120 captured' });
    expect(sim.net.capture.count).toBeGreaterThanOrEqual(120);
    expect(sim.net.now).toBe(full.net.capture.timeOf(120));
    expect(heard.at(-1)).toBe(sim.net.capture.count); // the outside listener kept hearing frames
    for (let no = 1; no <= sim.net.capture.count; no++) expect(sim.net.capture.bytesOf(no)).toEqual(full.net.capture.bytesOf(no));
    // Continuing runs to the same end as the full run.
    sim.run();
    expect(sim.net.capture.count).toBe(full.net.capture.count);
  });

  const { sim } = runScenario(loadSample(FILE), SCENARIO);
  const count = sim.net.capture.count;
  const time = (no: number) => sim.net.capture.timeOf(no);
  const frames = Array.from({ length: count }, (_, i) => i + 1);

  it('DHCP: offered, then bound on the server as the ACK leaves, then bound on the PC with its timers running', () => {
    const offer = frames.find((no) => dhcpType(sim, no) === 2)!;
    const ack = frames.find((no) => dhcpType(sim, no) === 5)!;
    expect(sim.servicesAt('home-router', offer).dhcpLeases).toEqual([{ address: '192.168.1.100', mac: '02:00:00:00:0a:01', hostname: 'pc', state: 'offered', expiresInS: expect.any(Number) }]);
    expect(sim.servicesAt('pc', offer).dhcpClients[0]).toMatchObject({ iface: 'eth0', state: 'SELECTING', address: null });
    expect(sim.servicesAt('home-router', ack).dhcpLeases).toEqual([{ address: '192.168.1.100', mac: '02:00:00:00:0a:01', hostname: 'pc', state: 'bound', expiresInS: 3600 }]);
    // The ACK is on its way: the PC is still asking.
    expect(sim.servicesAt('pc', ack).dhcpClients[0]).toMatchObject({ state: 'REQUESTING', address: null, renewInS: null });
    // The next frame after the ACK arrived.
    const arrived = sim.net.capture.frame(ack + 1).arrival;
    const after = frames.find((no) => time(no) > arrived)!;
    const bound = sim.servicesAt('pc', after).dhcpClients[0];
    // That frame is the ARP at 2 s: the 3600 s lease (T1 1800 s, T2 3150 s) has run for about 2 s.
    const ran = (time(after) - arrived) / 1e6;
    expect(ran).toBeGreaterThan(1.9);
    expect(bound).toEqual({ iface: 'eth0', state: 'BOUND', address: '192.168.1.100', server: '192.168.1.1', renewInS: Math.ceil(1800 - ran), rebindInS: Math.ceil(3150 - ran), expiresInS: Math.ceil(3600 - ran) });
    // At the last frame (5 s later) the timers have run down by the time elapsed.
    const end = sim.servicesAt('pc', count).dhcpClients[0];
    const elapsed = (time(count) - time(after)) / 1e6;
    expect(bound.renewInS! - end.renewInS!).toBeGreaterThanOrEqual(Math.floor(elapsed));
    expect(bound.renewInS! - end.renewInS!).toBeLessThanOrEqual(Math.ceil(elapsed));
    expect(end.expiresInS! - end.renewInS!).toBe(1800);
  });

  it('DNS: empty before the first answer, each tier filled as the answer passes, TTLs counting down', () => {
    const story = sim.journeyRecord().story;
    const pcQuery = story.find((e) => e.step === 'dns' && e.device === 'pc' && e.facts.name === 'example.com')!;
    const toTld = story.find((e) => e.step === 'dns' && e.device === 'isp' && e.facts.tier === 'TLD')!;
    const before = pcQuery.firstFrame!;
    expect(entry(sim.servicesAt('pc', before), 'os', 'example.com')).toBeUndefined();
    expect(entry(sim.servicesAt('home-router', before), 'forwarder', 'example.com')).toBeUndefined();
    expect(dns(sim.servicesAt('isp', before), 'resolver')).toEqual([]);
    // Half way down the hierarchy: the resolver knows the com delegation, not yet the answer.
    const midway = sim.servicesAt('isp', toTld.firstFrame!);
    expect(entry(midway, 'resolver', 'com', 'NS')).toMatchObject({ ttlLeftS: 172800, negative: false });
    expect(entry(midway, 'resolver', 'example.com')).toBeUndefined();
    // The answer leaves the home router: its forwarder has it; the PC stores it when it arrives.
    const answered = pcQuery.lastFrame!;
    expect(entry(sim.servicesAt('home-router', answered), 'forwarder', 'example.com')).toMatchObject({ data: '203.0.113.80', negative: false });
    const arrived = sim.net.capture.frame(answered).arrival;
    const next = frames.find((no) => time(no) >= arrived && no > answered)!;
    const early = entry(sim.servicesAt('pc', next), 'os', 'example.com')!;
    expect(early.data).toBe('203.0.113.80');
    // At the last frame (the second visit) every tier has counted down by the time elapsed.
    const elapsed = (time(count) - time(next)) / 1e6;
    const late = entry(sim.servicesAt('pc', count), 'os', 'example.com')!;
    expect(early.ttlLeftS - late.ttlLeftS).toBeGreaterThanOrEqual(Math.floor(elapsed));
    expect(early.ttlLeftS - late.ttlLeftS).toBeLessThanOrEqual(Math.ceil(elapsed));
    // The browser's own cache keeps an answer for at most 60 s, whatever the TTL.
    expect(entry(sim.servicesAt('pc', count), 'browser', 'www.example.com')).toMatchObject({ data: '198.51.100.80' });
    expect(entry(sim.servicesAt('pc', count), 'browser', 'www.example.com')!.ttlLeftS).toBeLessThanOrEqual(60);
    expect(entry(sim.servicesAt('isp', count), 'resolver', 'example.com')).toMatchObject({ data: '203.0.113.80' });
  });

  it('HTTP caches with age and validators, and HSTS preloaded before the browser starts, learned after', () => {
    const first = sim.servicesAt('pc', 1);
    expect(first.httpCaches).toEqual([]);
    expect(first.hsts).toEqual([{ host: 'www.example.com', includeSubDomains: true, preloaded: true, expiresInS: null }]);
    const end = sim.servicesAt('pc', count);
    const browser = end.httpCaches.find((c) => c.tier === 'browser')!.entries;
    const page = browser.find((e) => e.url === 'https://www.example.com/')!;
    expect(page).toMatchObject({ status: 200, bytes: 249, etag: expect.stringMatching(/^".+"$/), lastModified: 'Wed, 31 Dec 2025 00:00:00 GMT' });
    expect(page.ageS + page.freshForS).toBe(60); // max-age=60
    const shared = sim.servicesAt('cdn-edge', count).httpCaches.find((c) => c.tier === 'shared')!.entries;
    expect(shared.map((e) => e.url)).toEqual(['https://www.example.com/', 'https://www.example.com/style.css', 'https://www.example.com/logo.png']);
    expect(shared.find((e) => e.url.endsWith('style.css'))!.ageS + shared.find((e) => e.url.endsWith('style.css'))!.freshForS).toBe(3600); // s-maxage for the shared cache
    expect(end.hsts).toContainEqual({ host: 'example.com', includeSubDomains: true, preloaded: false, expiresInS: expect.any(Number) });
    expect(end.hsts).toContainEqual({ host: 'www.example.com', includeSubDomains: true, preloaded: true, expiresInS: null });
  });

  it('negative answers: the forwarder keeps the NODATA for example.com MX with its SOA, counting down', () => {
    const { sim: dig } = runScenario(loadSample(FILE), 'dig the hierarchy');
    const story = dig.journeyRecord().story;
    const mx = story.find((e) => e.step === 'dns' && e.device === 'pc' && e.facts.qtype === 'MX')!;
    expect(mx.facts).toMatchObject({ name: 'example.com', rcode: 'NOERROR', tier: 'resolver' });
    expect(entry(dig.servicesAt('home-router', mx.firstFrame!), 'forwarder', 'example.com', 'MX')).toBeUndefined();
    const after = dig.servicesAt('home-router', mx.lastFrame!);
    expect(entry(after, 'forwarder', 'example.com', 'MX')).toEqual({ name: 'example.com', type: 'MX', data: 'NODATA (SOA ns1.example.com. hostmaster.example.com. 2026010101 7200 900 1209600 300)', ttlLeftS: 300, negative: true });
    const last = dig.net.capture.count;
    const left = entry(dig.servicesAt('home-router', last), 'forwarder', 'example.com', 'MX')!.ttlLeftS;
    const elapsed = (dig.net.capture.timeOf(last) - dig.net.capture.timeOf(mx.lastFrame!)) / 1e6;
    expect(300 - left).toBeGreaterThanOrEqual(Math.floor(elapsed));
    expect(300 - left).toBeLessThanOrEqual(Math.ceil(elapsed));
  });
});
