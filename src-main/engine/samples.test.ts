// The sample labs in topologies/: they validate, every scenario runs to idle with the expected
// tool output, and the same lab and seed always give a byte-identical pcapng.
import { describe, it, expect } from 'vitest';
import type { Lab } from '../../src-shared/lab';
import { loadSample, runScenario, sampleFiles } from './testing/samples';

describe('sample labs', () => {
  it('are there: a two-LAN routed lab and a three-router link-state lab', () => {
    expect(sampleFiles).toEqual(expect.arrayContaining(['two-lans.lab.json', 'three-routers-link-state.lab.json']));
  });

  for (const file of sampleFiles) {
    const lab = loadSample(file);
    for (const s of lab.scenarios ?? []) {
      it(`${file} / ${s.name}: same seed, byte-identical pcapng`, () => {
        const a = runScenario(loadSample(file), s.name);
        const b = runScenario(loadSample(file), s.name);
        expect(a.result.reason).toBe(s.durationMs !== undefined ? 'until' : 'idle');
        expect(a.sim.net.capture.count).toBeGreaterThan(0);
        expect(Buffer.from(a.pcap).equals(Buffer.from(b.pcap))).toBe(true);
        expect(a.sim.net.log.errors()).toEqual([]);
      });
    }
  }

  it('two-lans: ping and traceroute print what the tools print', () => {
    const ping = runScenario(loadSample('two-lans.lab.json'), 'ping').sim.net.output.map((l) => l.text);
    expect(ping).toContain('3 packets transmitted, 3 received, 0% packet loss, time 2005ms');
    const trace = runScenario(loadSample('two-lans.lab.json'), 'traceroute').sim.net.output.map((l) => l.text.replace(/\s+[\d.]+ ms/g, ''));
    expect(trace).toEqual(['traceroute to 198.51.100.20 (198.51.100.20), 30 hops max, 60 byte packets', ' 1  192.0.2.1', ' 2  198.51.100.20']);
  });

  it('two-lans / ping: the first round trip, frame by frame (reviewed)', () => {
    const { sim } = runScenario(loadSample('two-lans.lab.json'), 'ping');
    const rows = [...sim.net.capture.frames()].slice(0, 17).map((f) => `${f.time} ${f.fromInterface.device}-${f.fromInterface.interface} ${f.cause}`);
    expect(rows).toEqual([
      '0 pc1-eth0 pc1: ARP cache miss for 192.0.2.1 on eth0',
      '107 sw1-p2 sw1 floods a broadcast frame from p1',
      '107 sw1-p3 sw1 floods a broadcast frame from p1',
      '214 r1-eth0 r1 answers who-has 192.0.2.1 from 192.0.2.10',
      '321 sw1-p1 sw1 forwards to p1: 02:00:00:00:01:0a was learned there',
      '428 pc1-eth0 ping pc2 from pc1: echo request 1 of 3',
      '538 sw1-p3 sw1 forwards to p3: 02:00:00:00:01:01 was learned there',
      '648 r1-eth1 r1: ARP cache miss for 198.51.100.20 on eth1',
      '2716 sw2-p2 sw2 floods a broadcast frame from p1',
      '2823 pc2-eth0 pc2 answers who-has 198.51.100.20 from 198.51.100.1',
      '2930 sw2-p1 sw2 forwards to p1: 02:00:00:00:02:01 was learned there',
      '4998 r1-eth1 r1 forwards 192.0.2.10 → 198.51.100.20 via eth1',
      '7096 sw2-p2 sw2 forwards to p2: 02:00:00:00:02:14 was learned there',
      '7206 pc2-eth0 pc2 answers ping from 192.0.2.10 (seq 1)',
      '7316 sw2-p1 sw2 forwards to p1: 02:00:00:00:02:01 was learned there',
      '9414 r1-eth0 r1 forwards 198.51.100.20 → 192.0.2.10 via eth0',
      '9524 sw1-p1 sw1 forwards to p1: 02:00:00:00:01:0a was learned there',
    ]);
  });

  it('a lossy link is reproducible with its seed and changes with another seed', () => {
    const lossy = (): Lab => {
      const lab = loadSample('two-lans.lab.json');
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
    const { sim } = runScenario(loadSample('two-lans.lab.json'), 'ping');
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
