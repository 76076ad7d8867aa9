// Switch behaviour: learning, flooding, filtering, aging, and a loop that ends in a storm diagnostic.
import { describe, it, expect } from 'vitest';
import { mac } from '../../../src-shared/net/addr';
import { emitEthernet } from '../../../src-shared/net/wire/ethernet';
import type { LabDevice } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { ScriptDevice } from '../testing/script-device';
import { host, link, makeLab, runTo } from '../testing/harness';
import { formatMacRows } from '../state/format';

const A = mac('02:00:00:00:00:0a');
const B = mac('02:00:00:00:00:0b');
const BROADCAST = mac('ff:ff:ff:ff:ff:ff');

function sw(name: string, ports: number, aging?: number): LabDevice {
  return { name, type: 'switch', position: { x: 0, y: 0 }, interfaces: Array.from({ length: ports }, (_, i) => ({ name: `p${i + 1}` })), ...(aging ? { macAgingSeconds: aging } : {}) };
}

/** Switch sw1 with scripted stations a, b, c on p1, p2, p3. */
function setup(aging?: number) {
  const sim = new Simulation(makeLab([sw('sw1', 3, aging)], []));
  const stations = ['a', 'b', 'c'].map((name, i) => {
    const s = new ScriptDevice(sim.net, name);
    s.addPort('eth0', mac(`02:00:00:00:00:0${(10 + i).toString(16)}`));
    sim.attach(s, 'eth0', { device: 'sw1', interface: `p${i + 1}` }, { id: `L${i + 1}`, latency: 1000 });
    return s;
  });
  return { sim, a: stations[0], b: stations[1], c: stations[2] };
}

function frame(src: Uint8Array, dst: Uint8Array): Uint8Array {
  return emitEthernet({ dst, src, ethertype: 0x88b5 /* IEEE local experimental */ }, new Uint8Array(46));
}

describe('switch', () => {
  it('floods unknown destinations, learns sources, then forwards and filters', () => {
    const { sim, a, b, c } = setup();
    a.inject('eth0', frame(A, B));
    runTo(sim, 10);
    expect([a, b, c].map((s) => s.take().length)).toEqual([0, 1, 1]); // flooded
    b.inject('eth0', frame(B, A));
    runTo(sim, 20);
    expect([a, b, c].map((s) => s.take().length)).toEqual([1, 0, 0]); // a was learned on p1
    a.inject('eth0', frame(A, B));
    runTo(sim, 30);
    expect([a, b, c].map((s) => s.take().length)).toEqual([0, 1, 0]); // b learned on p2
    const causes = [...sim.net.capture.frames()].map((f) => f.cause).filter((c) => c.startsWith('sw1'));
    expect(causes).toEqual([
      'sw1 floods: 02:00:00:00:00:0b is not in its MAC table',
      'sw1 floods: 02:00:00:00:00:0b is not in its MAC table',
      'sw1 forwards to p1: 02:00:00:00:00:0a was learned there',
      'sw1 forwards to p2: 02:00:00:00:00:0b was learned there',
    ]);
    const state = sim.stateAt('sw1', sim.net.capture.count);
    expect(formatMacRows(state.mac, state.time)).toBe('02:00:00:00:00:0a dev p1 ageing 299.98s\n02:00:00:00:00:0b dev p2 ageing 299.99s\n');
  });

  it('ages entries out and floods again', () => {
    const { sim, a, b, c } = setup(10);
    b.inject('eth0', frame(B, BROADCAST));
    runTo(sim, 5);
    [a, b, c].forEach((s) => s.take());
    a.inject('eth0', frame(A, B));
    runTo(sim, 10);
    expect([a, b, c].map((s) => s.take().length)).toEqual([0, 1, 0]);
    sim.net.scheduler.at(12_000_000, 'test: after aging', () => a.inject('eth0', frame(A, B)));
    runTo(sim, 12_010);
    expect([a, b, c].map((s) => s.take().length)).toEqual([0, 1, 1]);
  });

  it('detects the broadcast storm of a switching loop and stops with a diagnostic', () => {
    // sw1 and sw2 joined by two links: a loop. pc1 sends one ARP request.
    const lab = makeLab(
      [sw('sw1', 3), sw('sw2', 3), host('pc1', '192.0.2.10/24', '02:00:00:00:00:0a'), host('pc2', '192.0.2.20/24', '02:00:00:00:00:14')],
      [link('pc1:eth0', 'sw1:p1'), link('sw1:p2', 'sw2:p2'), link('sw1:p3', 'sw2:p3'), link('pc2:eth0', 'sw2:p1')],
    );
    const sim = new Simulation(lab);
    sim.ipDevice('pc1').sendUdp(0xc0000214, 40000, 9, new Uint8Array(1), 'test');
    const result = sim.run({ budget: 1_000_000 });
    expect(result.reason).toBe('stopped');
    expect(result.diagnostic).toMatch(/^broadcast storm: switch sw[12] flooded the same frame \(02:00:00:00:00:0a → ff:ff:ff:ff:ff:ff type 0x0806\) 32 times within 1000 ms/);
    expect(result.diagnostic).toContain('remove one of the redundant links');
    expect(result.processed).toBeLessThan(10_000);
  });
});
