// The simulation store against a fake host (scripted sim.* answers) and the real capture worker
// logic in-process. The capture bytes are a real capture (dhcp-arp-icmp.pcapng, 17 frames).
import { describe, it, expect, beforeEach } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { watch } from 'vue';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { HostClient, type HostTransport } from '../../../src-shared/ipc/client';
import { setHostClient } from '../host';
import { setCaptureWorkerFactory, useCaptureStore } from './capture';
import { useLabStore } from './lab';
import { inProcessWorker } from '../testing/in-process-worker';
import {
  frameMatches,
  frameNumberFilter,
  indexOfFrame,
  playbackDelay,
  receiverOf,
  useSimulationStore,
  withQuickScenario,
  QUICK_SCENARIO,
  BASE_FRAME_MS,
  MAX_IDLE_MS,
  type FrameMeta,
  type SimLink,
} from './simulation';

const PCAPNG_PATH = path.join(__dirname, '../workers/fixtures/dhcp-arp-icmp.pcapng');
const PCAPNG = readFileSync(PCAPNG_PATH);

/** Frame numbers tshark displays for `filter` on the fixture. */
function tsharkFrames(filter: string): number[] {
  const out = execFileSync('tshark', ['-r', PCAPNG_PATH, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter(Boolean).map(Number);
}
const FRAME_COUNT = 17;

const LINKS: SimLink[] = [
  { id: 'L1', a: { device: 'pc1', interface: 'eth0' }, b: { device: 'sw1', interface: 'p1' } },
  { id: 'L2', a: { device: 'sw1', interface: 'p2' }, b: { device: 'r1', interface: 'eth0' } },
];

/** Frame n: odd frames pc1→sw1 on L1, even frames r1→sw1 on L2; frame 5 was lost. */
function meta(no: number): FrameMeta {
  const odd = no % 2 === 1;
  return {
    no,
    timeUs: no * 1000,
    arrivalUs: no * 1000 + 100,
    linkId: odd ? 'L1' : 'L2',
    device: odd ? 'pc1' : 'r1',
    iface: 'eth0',
    cause: `cause of frame ${no}`,
    lost: no === 5,
  };
}

const LAB = JSON.stringify({
  version: 2,
  name: 't',
  scenarios: [{ name: 'ping', description: 'pc1 pings r1', actions: [] }, { name: 'other', actions: [] }],
  devices: [
    { name: 'pc1', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '192.0.2.2/24' }] },
    { name: 'sw1', type: 'switch', position: { x: 100, y: 0 }, interfaces: [{ name: 'p1' }, { name: 'p2' }] },
    { name: 'r1', type: 'router', position: { x: 200, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '192.0.2.1/24' }] },
  ],
  links: [
    { a: { device: 'pc1', interface: 'eth0' }, b: { device: 'sw1', interface: 'p1' }, up: true },
    { a: { device: 'sw1', interface: 'p2' }, b: { device: 'r1', interface: 'eth0' }, up: true },
  ],
});

interface Call {
  name: string;
  params: Record<string, unknown>;
}

function fakeHost(options: { broken?: boolean; keyLog?: string | null } = {}): Call[] {
  const calls: Call[] = [];
  const transport: HostTransport = {
    async request(name, params) {
      const p = params as Record<string, unknown>;
      calls.push({ name, params: p });
      switch (name) {
        case 'sim.run':
          if (options.broken) return { ok: false, errors: [{ message: 'no device named pc9', line: 12, col: 20 }] };
          return { ok: true, sessionId: 's1', scenario: p.scenario ?? null, frameCount: FRAME_COUNT, endedAtUs: 20_000, reason: 'idle', diagnostic: null, links: LINKS, output: [{ timeUs: 3000, device: 'pc1', text: 'reply 1' }, { timeUs: 9000, device: 'pc1', text: 'reply 2' }], log: [{ timeUs: 0, level: 'info', source: 'pc1', message: 'ping start' }] };
        case 'sim.frames': {
          const start = p.start as number;
          const count = p.count as number;
          return Array.from({ length: Math.max(0, Math.min(count, FRAME_COUNT - start + 1)) }, (_, i) => ({ ...meta(start + i), base64: '' }));
        }
        case 'sim.pcapng':
          return { base64: PCAPNG.toString('base64'), frames: FRAME_COUNT };
        case 'sim.stateAt': {
          const frame = p.frame as number;
          return { device: p.device, timeUs: frame * 1000, routes: '', arp: frame >= 2 ? '192.0.2.1 dev eth0 lladdr 02:00:00:00:00:01 REACHABLE' : '', mac: '', nat: '', derivations: [] };
        }
        case 'sim.secrets':
          if (options.keyLog === null) throw new Error('sim.secrets is not available');
          return { keyLog: options.keyLog ?? '' };
        case 'sim.close':
          return { closed: true };
        default:
          throw new Error(`unexpected ${name}`);
      }
    },
    subscribe: () => () => undefined,
  };
  setHostClient(new HostClient(transport));
  return calls;
}


async function setup(options: { broken?: boolean; keyLog?: string | null } = {}) {
  const calls = fakeHost(options);
  setCaptureWorkerFactory(inProcessWorker);
  setActivePinia(createPinia());
  const lab = useLabStore();
  expect(lab.load(LAB, { path: null, name: 't.lab.json' })).toBe(true);
  return { calls, lab, sim: useSimulationStore(), capture: useCaptureStore() };
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
}

describe('simulation helpers', () => {
  it('writes frame numbers as ranges in a display filter', () => {
    expect(frameNumberFilter([1, 2, 3, 7, 9, 10])).toBe('frame.number in {1..3 7 9..10}');
    expect(frameNumberFilter([4])).toBe('frame.number in {4}');
    expect(frameNumberFilter([])).toBe('frame.number == 0');
  });

  it('matches a frame to links and to both interfaces of its link', () => {
    const f = meta(1); // pc1 eth0 → sw1 p1 on L1
    expect(frameMatches(f, { kind: 'link', linkId: 'L1' }, LINKS)).toBe(true);
    expect(frameMatches(f, { kind: 'link', linkId: 'L2' }, LINKS)).toBe(false);
    expect(frameMatches(f, { kind: 'iface', device: 'pc1', iface: 'eth0' }, LINKS)).toBe(true);
    expect(frameMatches(f, { kind: 'iface', device: 'sw1', iface: 'p1' }, LINKS)).toBe(true);
    expect(frameMatches(f, { kind: 'iface', device: 'sw1', iface: 'p2' }, LINKS)).toBe(false);
    expect(receiverOf(f, LINKS)).toEqual({ device: 'sw1', interface: 'p1' });
    expect(receiverOf(meta(2), LINKS)).toEqual({ device: 'sw1', interface: 'p2' });
  });

  it('finds a frame among the visible ones by its number', () => {
    const frames = [2, 5, 6, 9].map(meta);
    expect([1, 2, 5, 6, 7, 9, 10].map((n) => indexOfFrame(frames, n))).toEqual([-1, 0, 1, 2, -1, 3, -1]);
    expect(indexOfFrame([], 1)).toBe(-1);
  });

  it('scales idle virtual time between frames, capped, and divides by the speed', () => {
    const a = meta(1);
    expect(playbackDelay(a, { ...meta(2), timeUs: a.arrivalUs }, 1)).toBe(BASE_FRAME_MS);
    expect(playbackDelay(a, { ...meta(2), timeUs: a.arrivalUs + 300_000 }, 1)).toBe(BASE_FRAME_MS + 300);
    expect(playbackDelay(a, { ...meta(2), timeUs: a.arrivalUs + 60_000_000 }, 1)).toBe(BASE_FRAME_MS + MAX_IDLE_MS);
    expect(playbackDelay(a, { ...meta(2), timeUs: a.arrivalUs }, 4)).toBe(BASE_FRAME_MS / 4);
  });
});

describe('simulation store', () => {
  beforeEach(() => localStorage.clear());

  it('lists the lab scenarios and runs the picked one with the lab text', async () => {
    const { calls, sim, lab } = await setup();
    expect(sim.scenarios.map((s) => s.name)).toEqual(['ping', 'other']);
    expect(sim.scenario).toBe('ping');
    sim.chooseScenario('other');
    expect(await sim.run()).toBe(true);
    const run = calls.find((c) => c.name === 'sim.run')!;
    expect(run.params.scenario).toBe('other');
    expect(run.params.labText).toBe(lab.serialize());
    expect(sim.frames).toHaveLength(FRAME_COUNT);
    expect(sim.frames[4]).toMatchObject({ no: 5, lost: true, cause: 'cause of frame 5' });
  });

  it('loads the capture into the inspector with the same frame numbers', async () => {
    const { sim, capture } = await setup();
    await sim.run();
    expect(capture.status).toBe('ready');
    expect(capture.info?.count).toBe(FRAME_COUNT);
    await sim.stepForward();
    await sim.stepForward();
    await settle();
    expect(sim.current?.no).toBe(2);
    expect(capture.selectedFrame).toBe(1);
    expect(capture.details).not.toBeNull();
  });

  it("hands the run's TLS secrets to the inspector, and still loads the capture without them", async () => {
    const keyLog = readFileSync(path.join(__dirname, '../workers/fixtures/https-tls13.keys'), 'utf8');
    const { sim, capture, calls } = await setup({ keyLog });
    expect(await sim.run()).toBe(true);
    expect(calls.find((c) => c.name === 'sim.secrets')?.params).toEqual({ sessionId: 's1' });
    expect(capture.info?.tlsSecrets).toBe(1);
    const other = await setup({ keyLog: null });
    expect(await other.sim.run()).toBe(true);
    expect(other.capture.status).toBe('ready');
    expect(other.capture.info?.tlsSecrets).toBe(0);
  });

  it('reports a broken lab with its position and keeps no session', async () => {
    const { sim, capture, lab } = await setup({ broken: true });
    expect(await sim.run()).toBe(false);
    expect(sim.status).toBe('error');
    expect(sim.errors).toEqual([{ message: 'no device named pc9', line: 12, col: 20 }]);
    expect(sim.result).toBeNull();
    expect(capture.status).toBe('empty');
    // Editing the lab (to fix it) takes the stale errors away.
    lab.setTitle('fixed');
    await settle();
    expect(sim.errors).toEqual([]);
    expect(sim.status).toBe('idle');
  });

  it('steps forward and back, and shows the device state at the current frame', async () => {
    const { sim, calls } = await setup();
    await sim.stepForward(); // runs first
    expect(sim.cursor).toBe(0);
    expect(sim.current?.no).toBe(1);
    await settle();
    expect(sim.stateDevice).toBe('pc1');
    expect(sim.deviceState?.arp).toBe('');
    await sim.stepForward();
    await settle();
    expect(sim.current?.no).toBe(2);
    sim.pickDevice('pc1');
    await settle();
    expect(sim.deviceState?.device).toBe('pc1');
    expect(sim.deviceState?.arp).toContain('192.0.2.1');
    const stateCall = calls.filter((c) => c.name === 'sim.stateAt').at(-1)!;
    expect(stateCall.params).toEqual({ sessionId: 's1', device: 'pc1', frame: 2 });
    await sim.stepBack();
    await settle();
    expect(sim.current?.no).toBe(1);
    expect(sim.deviceState?.arp).toBe('');
    await sim.stepBack();
    expect(sim.cursor).toBe(0);
    await sim.reset();
    expect(sim.cursor).toBe(-1);
    expect(sim.current).toBeNull();
  });

  it('shows app output and log lines only up to the current time', async () => {
    const { sim } = await setup();
    await sim.run();
    expect(sim.outputSoFar).toEqual([]);
    await sim.goTo(2); // frame 3, t = 3 ms
    expect(sim.outputSoFar.map((o) => o.text)).toEqual(['reply 1']);
    await sim.goTo(9); // frame 10
    expect(sim.outputSoFar.map((o) => o.text)).toEqual(['reply 1', 'reply 2']);
    expect(sim.logSoFar).toHaveLength(1);
  });

  it('filters the stepped frames and the packet list by capture point', async () => {
    const { sim, capture } = await setup();
    await sim.run();
    await sim.goTo(3); // frame 4, on L2
    await sim.setCapturePoint({ kind: 'link', linkId: 'L1' });
    await settle();
    expect(sim.visible.map((f) => f.no)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17]);
    expect(sim.current?.no).toBe(3); // the last L1 frame before frame 4
    expect(capture.appliedFilter).toBe('frame.number in {1 3 5 7 9 11 13 15 17}');
    expect(capture.viewCount).toBe(9);
    await sim.stepForward();
    expect(sim.current?.no).toBe(5);
    await sim.setCapturePoint({ kind: 'all' });
    expect(capture.appliedFilter).toBe('');
    expect(capture.viewCount).toBe(FRAME_COUNT);
    expect(sim.current?.no).toBe(5);
  });

  it('plays frames on a timer at the chosen speed and stops at the end or on pause', async () => {
    const { sim } = await setup();
    await sim.run();
    sim.setSpeed(16);
    const began = Date.now();
    await sim.play();
    expect(sim.playing).toBe(true);
    expect(sim.current?.no).toBe(1);
    await until(() => (sim.current?.no ?? 0) >= 3);
    // Two frame steps at speed 16 take at least 2 × BASE_FRAME_MS / 16.
    expect(Date.now() - began).toBeGreaterThanOrEqual((2 * BASE_FRAME_MS) / 16 - 5);
    sim.pause();
    const held = sim.current?.no;
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.current?.no).toBe(held);
    await sim.play();
    await until(() => !sim.playing, 10_000);
    expect(sim.current?.no).toBe(FRAME_COUNT);
  }, 15_000);

  it('steps and plays through the displayed frames only while a display filter is applied', async () => {
    const { sim, capture } = await setup();
    await sim.run();
    const arp = tsharkFrames('arp');
    expect(arp.length).toBeGreaterThan(2);
    await sim.goTo(0); // frame 1 (DHCP), hidden by the filter below
    expect(await capture.applyFilter('arp')).toBe(true);
    const rowAtSelection = () => capture.rowAt(capture.selectedPos)?.no;
    // Forward from frame 1 through every ARP frame, each selected in the packet list.
    const seen: number[] = [];
    while (sim.canStepForward) {
      await sim.stepForward();
      await capture.ensureRows(capture.selectedPos, capture.selectedPos + 1);
      expect(capture.selectedPos).toBeGreaterThanOrEqual(0);
      expect(rowAtSelection()).toBe(sim.current?.no);
      seen.push(sim.current!.no);
    }
    expect(seen).toEqual(arp);
    await sim.stepForward(); // at the last displayed frame: stays
    expect(sim.current?.no).toBe(arp.at(-1));
    // Back again, down to the first ARP frame and no further.
    const back: number[] = [];
    while (sim.canStepBack) {
      await sim.stepBack();
      back.push(sim.current!.no);
    }
    expect(back).toEqual(arp.slice(0, -1).reverse());
    await sim.stepBack();
    expect(sim.current?.no).toBe(arp[0]);
    // Playback from the start shows the displayed frames only, and stops at the last one.
    sim.setSpeed(16);
    await sim.reset();
    expect(sim.cursor).toBe(-1);
    const played: number[] = [];
    const stop = watch(
      () => sim.current?.no,
      (no) => no !== undefined && played.push(no),
    );
    await sim.play();
    await until(() => !sim.playing, 10_000);
    stop();
    expect(played).toEqual(arp);
    // Without the filter every frame is stepped again.
    await capture.clearFilter();
    await sim.stepForward();
    expect(sim.current?.no).toBe(arp.at(-1)! + 1);
    await sim.stepBack();
    await sim.stepBack();
    expect(sim.current?.no).toBe(arp.at(-1)! - 1);
  }, 15_000);

  it('marks the run stale after an edit and runs again on the next step', async () => {
    const { sim, lab, calls } = await setup();
    await sim.run();
    lab.setTitle('changed');
    expect(sim.stale).toBe(true);
    await sim.stepForward();
    expect(calls.filter((c) => c.name === 'sim.run')).toHaveLength(2);
    expect(calls.filter((c) => c.name === 'sim.close')).toHaveLength(1);
    expect(sim.stale).toBe(false);
  });

  it('follows a frame picked in the packet list', async () => {
    const { sim, capture } = await setup();
    await sim.run();
    await capture.selectFrame(6);
    await settle();
    expect(sim.current?.no).toBe(7);
  });

  it('leaves a capture the user opened afterwards alone', async () => {
    const { sim, capture } = await setup();
    await sim.run();
    const other = readFileSync(path.join(__dirname, '../workers/fixtures/dns-tcp.pcapng'));
    await capture.open(other.buffer.slice(other.byteOffset, other.byteOffset + other.byteLength) as ArrayBuffer, 'dns-tcp.pcapng');
    await sim.stepForward();
    await settle();
    expect(sim.current?.no).toBe(1);
    expect(capture.selectedFrame).toBe(-1);
    await sim.exit();
    expect(capture.status).toBe('ready');
    expect(capture.info?.name).toBe('dns-tcp.pcapng');
  });

  it('closes the session and the inspector capture on exit', async () => {
    const { sim, capture, calls } = await setup();
    await sim.run();
    await sim.exit();
    expect(calls.filter((c) => c.name === 'sim.close').map((c) => c.params)).toEqual([{ sessionId: 's1' }]);
    expect(sim.result).toBeNull();
    expect(capture.status).toBe('empty');
  });

  it('runs a quick action as an added scenario, leaving the lab document as it was', async () => {
    const { sim, lab, calls } = await setup();
    const before = lab.serialize();
    expect(await sim.runAction({ type: 'ping', from: 'pc1', to: '192.0.2.1', count: 1 }, 'Ping pc1 → 192.0.2.1')).toBe(true);
    sim.pause();
    const run = calls.find((c) => c.name === 'sim.run')!;
    expect(run.params.scenario).toBe(QUICK_SCENARIO);
    const sent = JSON.parse(run.params.labText as string);
    expect(sent.scenarios.at(-1)).toEqual({ name: QUICK_SCENARIO, description: 'Ping pc1 → 192.0.2.1', actions: [{ type: 'ping', from: 'pc1', to: '192.0.2.1', count: 1, atMs: 0 }] });
    expect(sent.scenarios.slice(0, 2).map((s: { name: string }) => s.name)).toEqual(['ping', 'other']);
    expect(lab.serialize()).toBe(before);
    sim.chooseScenario('ping');
    expect(sim.quickAction).toBeNull();
  });

  it('reports the lab\'s own problems at their positions before running a quick action', async () => {
    const { sim, lab, calls } = await setup();
    const pc1 = lab.devices.find((d) => d.name === 'pc1')!;
    lab.updateInterface(pc1.id, 'eth0', { ipv4: '192.0.2.300/24' });
    expect(await sim.runAction({ type: 'ping', from: 'pc1', to: '192.0.2.1' }, 'Ping')).toBe(false);
    expect(calls.some((c) => c.name === 'sim.run')).toBe(false);
    expect(sim.errors.length).toBeGreaterThan(0);
    const text = lab.serialize().split('\n');
    const e = sim.errors[0];
    expect(text[e.line! - 1].slice(e.col! - 1)).toMatch(/^"?192\.0\.2\.300|^"ipv4"/);
  });
});

describe('withQuickScenario', () => {
  it('adds a scenario to a lab without any', () => {
    const out = JSON.parse(withQuickScenario('{"version":2,"devices":[],"links":[]}', { type: 'flush', from: 'pc1', cache: 'all' }, 'Flush'));
    expect(out.scenarios).toEqual([{ name: QUICK_SCENARIO, description: 'Flush', actions: [{ type: 'flush', from: 'pc1', cache: 'all', atMs: 0 }] }]);
  });
});
