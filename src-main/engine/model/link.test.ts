// Links: latency, serialization at the bandwidth with a FIFO queue, loss from the link's own PRNG,
// up/down.
import { describe, it, expect } from 'vitest';
import { ipv4 } from '../../../src-shared/net/addr';
import { Simulation } from '../simulation';
import { host, makeLab, withPeer } from '../testing/harness';

function lab(seed = 1) {
  return makeLab([host('pc1', '192.0.2.10/24', '02:00:00:00:00:0a', { tables: { arp: ['192.0.2.1 lladdr 02:00:00:00:ee:01 dev eth0 PERMANENT'] } })], [], { seed });
}

function blast(sim: Simulation, n: number, size = 1000): void {
  const pc = sim.ipDevice('pc1');
  for (let i = 0; i < n; i++) pc.sendUdp(ipv4('192.0.2.1'), 40000, 9, new Uint8Array(size), `datagram ${i}`);
}

describe('link', () => {
  it('serializes frames one after another at the bandwidth, then adds the latency', () => {
    const { sim, peer } = withPeer(lab(), 'pc1:eth0', 5);
    sim.net.links.get('peer-link')!.bandwidthBps = 1_000_000;
    blast(sim, 3);
    sim.run();
    // 1042-byte frames + 24 bytes of preamble, FCS and gap = 8528 bits = 8528 µs at 1 Mbit/s.
    expect([...sim.net.capture.frames()].map((f) => f.time)).toEqual([0, 8528, 17056]);
    expect(peer.received.map((f) => f.time)).toEqual([13528, 22056, 30584]);
    expect([...sim.net.capture.frames()].map((f) => f.arrival)).toEqual([13528, 22056, 30584]);
  });

  it('drops by the link PRNG: same seed, same losses; frames are captured and marked lost', () => {
    const lossy = (seed: number): boolean[] => {
      const { sim, peer } = withPeer(lab(seed), 'pc1:eth0');
      sim.net.links.get('peer-link')!.lossPercent = 30;
      blast(sim, 200, 10);
      sim.run();
      const lost = [...sim.net.capture.frames()].map((f) => f.lost);
      expect(peer.received.length).toBe(lost.filter((l) => !l).length);
      return lost;
    };
    const a = lossy(1);
    expect(a).toEqual(lossy(1));
    expect(a).not.toEqual(lossy(2));
    const rate = a.filter(Boolean).length / a.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.4);
  });

  it('sends nothing over a link that is down, and delivers again when it comes up', () => {
    const { sim, peer } = withPeer(lab(), 'pc1:eth0');
    const l = sim.net.links.get('peer-link')!;
    l.setUp(false);
    blast(sim, 1);
    sim.run();
    expect(sim.net.capture.count).toBe(0);
    l.setUp(true);
    blast(sim, 1);
    sim.run();
    expect(peer.received.length).toBe(1);
  });

  it('drops at the tail when the queue is full', () => {
    const { sim, peer } = withPeer(lab(), 'pc1:eth0');
    sim.net.links.get('peer-link')!.bandwidthBps = 1_000_000;
    blast(sim, 1005);
    sim.run();
    // One frame on the wire plus 1,000 waiting; the last four find the queue full.
    expect(peer.received.length).toBe(1001);
    expect(sim.net.log.entries.filter((e) => e.message.includes('queue of pc1 eth0 full')).length).toBe(4);
  });
});
