// Engine benchmarks: simulated frames per second on a traffic-heavy lab (emit + checksums + capture),
// scheduler events per second, SPF on a generated 1,000-router topology, memory per captured frame.
// The engine never reads clocks, so the caller (build/bench) passes them in as a probe:
//   runEngineBenchmarks({ now: () => performance.now(), cpuMicros: …, memory: …, gc: globalThis.gc })
import { LabSchema, type Lab, type LabDevice, type LabLink } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { Scheduler } from '../sim/scheduler';
import { computeLinkState, type LsRouter } from '../stack/link-state';
import { startUdpEchoServer } from '../apps/udp-echo';

/** Measuring instruments supplied by the caller. */
export interface BenchProbe {
  /** Wall clock in milliseconds. */
  now(): number;
  /** CPU time of the process (user + system) in microseconds. */
  cpuMicros(): number;
  /** Heap in use and ArrayBuffer bytes. */
  memory(): { heapUsed: number; arrayBuffers: number };
  gc?: () => void;
}

/** Eight hosts on two switches behind one router; each left host blasts UDP at an echo server on the right. */
function trafficLab(): Lab {
  const devices: LabDevice[] = [
    { name: 'sw1', type: 'switch', position: { x: 0, y: 0 }, interfaces: Array.from({ length: 5 }, (_, i) => ({ name: `p${i}` })) },
    { name: 'sw2', type: 'switch', position: { x: 0, y: 0 }, interfaces: Array.from({ length: 5 }, (_, i) => ({ name: `p${i}` })) },
    {
      name: 'r1',
      type: 'router',
      position: { x: 0, y: 0 },
      interfaces: [
        { name: 'eth0', ipv4: '10.1.0.1/24' },
        { name: 'eth1', ipv4: '10.2.0.1/24' },
      ],
    },
  ];
  const links: LabLink[] = [
    { a: { device: 'sw1', interface: 'p0' }, b: { device: 'r1', interface: 'eth0' }, latencyMs: 0.01, bandwidthMbps: 100_000 },
    { a: { device: 'sw2', interface: 'p0' }, b: { device: 'r1', interface: 'eth1' }, latencyMs: 0.01, bandwidthMbps: 100_000 },
  ];
  for (let i = 1; i <= 4; i++) {
    devices.push({ name: `a${i}`, type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: `10.1.0.${10 + i}/24` }], tables: { routes: ['default via 10.1.0.1 dev eth0'] } });
    devices.push({ name: `b${i}`, type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: `10.2.0.${10 + i}/24` }], tables: { routes: ['default via 10.2.0.1 dev eth0'] } });
    links.push({ a: { device: `a${i}`, interface: 'eth0' }, b: { device: 'sw1', interface: `p${i}` }, latencyMs: 0.01, bandwidthMbps: 100_000 });
    links.push({ a: { device: `b${i}`, interface: 'eth0' }, b: { device: 'sw2', interface: `p${i}` }, latencyMs: 0.01, bandwidthMbps: 100_000 });
  }
  return LabSchema.parse({ version: 2, devices, links });
}

function benchFrames(probe: BenchProbe, datagramsPerHost: number): { frames: number; seconds: number; cpuSeconds: number; framesPerSecond: number; framesPerCpuSecond: number; eventsPerCpuSecond: number; heapBytesPerFrame: number; bytesPerFrame: number; averageFrameLength: number } {
  const sim = new Simulation(trafficLab());
  const payload = new Uint8Array(64);
  for (let i = 1; i <= 4; i++) {
    const a = sim.ipDevice(`a${i}`);
    startUdpEchoServer(sim.ipDevice(`b${i}`));
    a.udp.set(40000 + i, () => {}); // the echoes are consumed
    const dst = (10 << 24) | (2 << 16) | (10 + i);
    let sent = 0;
    const tick = (): void => {
      a.sendUdp(dst, 40000 + i, 7, payload, 'bench');
      if (++sent < datagramsPerHost) sim.net.scheduler.after(20, 'bench tick', tick);
    };
    sim.net.scheduler.at(0, 'bench start', tick);
  }
  probe.gc?.();
  const memBefore = probe.memory();
  const t0 = probe.now();
  const c0 = probe.cpuMicros();
  const r = sim.run({ budget: 1e9 });
  const seconds = (probe.now() - t0) / 1000;
  // CPU time of this process: the figure that does not depend on what else the machine is doing.
  const cpuSeconds = (probe.cpuMicros() - c0) / 1e6;
  probe.gc?.();
  const memAfter = probe.memory();
  const frames = sim.net.capture.count;
  return {
    frames,
    seconds,
    cpuSeconds,
    framesPerSecond: Math.round(frames / seconds),
    framesPerCpuSecond: Math.round(frames / cpuSeconds),
    eventsPerCpuSecond: Math.round(r.processed / cpuSeconds),
    // JS heap (records, columns) plus the frames' bytes themselves (ArrayBuffers live outside the heap).
    heapBytesPerFrame: Math.round((memAfter.heapUsed - memBefore.heapUsed) / frames),
    bytesPerFrame: Math.round((memAfter.heapUsed + memAfter.arrayBuffers - memBefore.heapUsed - memBefore.arrayBuffers) / frames),
    averageFrameLength: Math.round(averageLength(sim)),
  };
}

function averageLength(sim: Simulation): number {
  let total = 0;
  for (let no = 1; no <= sim.net.capture.count; no++) total += sim.net.capture.bytesOf(no).length;
  return total / sim.net.capture.count;
}

function benchScheduler(probe: BenchProbe, n: number): { eventsPerSecond: number; eventsPerCpuSecond: number } {
  const s = new Scheduler();
  let left = n;
  const step = (): void => {
    if (--left > 0) s.after(1 + (left % 97), 'x', step);
  };
  for (let i = 0; i < 100; i++) s.at(i, 'x', step);
  const t0 = probe.now();
  const c0 = probe.cpuMicros();
  const r = s.run();
  return { eventsPerSecond: Math.round(r.processed / ((probe.now() - t0) / 1000)), eventsPerCpuSecond: Math.round(r.processed / ((probe.cpuMicros() - c0) / 1e6)) };
}

function benchSpf(probe: BenchProbe): { routers: number; links: number; spfMs: number; spfCpuMs: number; routesMs: number; routesCpuMs: number; routes: number } {
  const n = 1000;
  const ifaces: LsRouter['interfaces'][] = Array.from({ length: n }, () => []);
  let seg = 0;
  const connect = (a: number, b: number): void => {
    const base = (10 << 24) + seg * 4;
    const cost = 1 + ((a * 7 + b * 13) % 20);
    ifaces[a].push({ name: `e${ifaces[a].length}`, address: base + 1, prefixLength: 30, segment: seg, cost });
    ifaces[b].push({ name: `e${ifaces[b].length}`, address: base + 2, prefixLength: 30, segment: seg, cost });
    seg++;
  };
  // A 40 × 25 grid plus pseudo-random long links: ~3,000 links.
  for (let r = 0; r < 25; r++)
    for (let c = 0; c < 40; c++) {
      const i = r * 40 + c;
      if (c < 39) connect(i, i + 1);
      if (r < 24) connect(i, i + 40);
    }
  for (let i = 0; i < 1000; i++) connect(i, (i * 379 + 101) % n);
  const routers: LsRouter[] = ifaces.map((interfaces, i) => ({ name: `r${i}`, interfaces }));
  const c0 = probe.cpuMicros();
  const t0 = probe.now();
  const result = computeLinkState(routers);
  const t1 = probe.now();
  const c1 = probe.cpuMicros();
  let routes = 0;
  for (const r of routers) routes += result.routesFor(r.name).length;
  const t2 = probe.now();
  const c2 = probe.cpuMicros();
  return { routers: n, links: seg, spfMs: Math.round(t1 - t0), spfCpuMs: Math.round((c1 - c0) / 1000), routesMs: Math.round(t2 - t1), routesCpuMs: Math.round((c2 - c1) / 1000), routes };
}

export function runEngineBenchmarks(probe: BenchProbe, datagramsPerHost = 50_000) {
  benchFrames(probe, 2000); // warm-up
  return {
    traffic: benchFrames(probe, datagramsPerHost),
    scheduler: benchScheduler(probe, 2_000_000),
    spf: benchSpf(probe),
  };
}
