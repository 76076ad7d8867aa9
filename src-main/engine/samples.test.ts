// The sample labs in topologies/: they validate, every scenario runs to idle with the expected
// tool output, and the same lab and seed always give a byte-identical pcapng.
import { describe, it, expect } from 'vitest';
import type { Lab } from '../../src-shared/lab';
import { loadSample, runScenario, sampleFiles } from './testing/samples';

describe('sample labs', () => {
  it('are there: a two-LAN routed lab and a three-router link-state lab', () => {
    expect(sampleFiles).toEqual(expect.arrayContaining(['two-lans.json', 'three-routers-link-state.json']));
  });

  for (const file of sampleFiles) {
    const lab = loadSample(file);
    for (const s of lab.scenarios ?? []) {
      it(`${file} / ${s.name}: same seed, byte-identical pcapng`, () => {
        const a = runScenario(loadSample(file), s.name);
        const b = runScenario(loadSample(file), s.name);
        expect(a.result.reason).toBe('idle');
        expect(a.sim.net.capture.count).toBeGreaterThan(0);
        expect(Buffer.from(a.pcap).equals(Buffer.from(b.pcap))).toBe(true);
        expect(a.sim.net.log.errors()).toEqual([]);
      });
    }
  }

  it('two-lans: ping and traceroute print what the tools print', () => {
    const ping = runScenario(loadSample('two-lans.json'), 'ping').sim.net.output.map((l) => l.text);
    expect(ping).toContain('3 packets transmitted, 3 received, 0% packet loss, time 2005ms');
    const trace = runScenario(loadSample('two-lans.json'), 'traceroute').sim.net.output.map((l) => l.text.replace(/\s+[\d.]+ ms/g, ''));
    expect(trace).toEqual(['traceroute to 198.51.100.20 (198.51.100.20), 30 hops max, 60 byte packets', ' 1  192.0.2.1', ' 2  198.51.100.20']);
  });

  it('a lossy link is reproducible with its seed and changes with another seed', () => {
    const lossy = (): Lab => {
      const lab = loadSample('two-lans.json');
      lab.links[3].lossPercent = 25;
      lab.scenarios![0].actions[0] = { type: 'ping', atMs: 0, from: 'pc1', to: 'pc2', count: 20, intervalMs: 100 };
      return lab;
    };
    const a = runScenario(lossy(), 'ping', 11);
    const b = runScenario(lossy(), 'ping', 11);
    const c = runScenario(lossy(), 'ping', 12);
    expect(Buffer.from(a.pcap).equals(Buffer.from(b.pcap))).toBe(true);
    const lostA = [...a.sim.net.capture.frames()].map((f) => f.lost);
    const lostC = [...c.sim.net.capture.frames()].map((f) => f.lost);
    expect(lostA.some(Boolean)).toBe(true);
    expect(lostA).not.toEqual(lostC);
  });

  it('gives device tables at any frame', () => {
    const { sim } = runScenario(loadSample('two-lans.json'), 'ping');
    const cap = sim.net.capture;
    // Find the first frame r1 sends on eth1: its ARP request for pc2.
    let arpNo = 0;
    for (let no = 1; no <= cap.count; no++) {
      const f = cap.frame(no);
      if (f.fromInterface.device === 'r1' && f.fromInterface.interface === 'eth1') {
        arpNo = no;
        break;
      }
    }
    expect(cap.frame(arpNo).cause).toBe('r1: ARP cache miss for 198.51.100.20 on eth1');
    const r1At = sim.stateAt('r1', arpNo).arp.map((r) => `${r.dev} ${r.state}`);
    expect(r1At).toEqual(['eth0 REACHABLE', 'eth1 INCOMPLETE']);
    const r1Later = sim.stateAt('r1', cap.count).arp.map((r) => `${r.dev} ${r.state}`);
    expect(r1Later).toEqual(['eth0 REACHABLE', 'eth1 REACHABLE']);
    expect(sim.stateAt('sw2', arpNo).mac).toEqual([]);
    expect(sim.stateAt('sw2', cap.count).mac.map((m) => `${m.mac} ${m.port}`)).toEqual(['02:00:00:00:02:01 p1', '02:00:00:00:02:14 p2']);
  });
});
