import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src-shared/capture';
import { contract } from '../../src-shared/ipc/contract';
import { createDispatcher } from './dispatch';
import { serveServices, tempDir } from './test-support';

const urlJourney = readFileSync(fileURLToPath(new URL('../../topologies/url-journey.lab.json', import.meta.url)), 'utf8');
const twoLans = readFileSync(fileURLToPath(new URL('../../topologies/two-lans.lab.json', import.meta.url)), 'utf8');

async function run(params: Record<string, unknown>) {
  const tmp = tempDir();
  const dispatch = createDispatcher(serveServices(tmp.dir));
  const outcome = await dispatch('sim.run', params);
  tmp.remove();
  return { dispatch, outcome };
}

describe('simulation host services', () => {
  it('runs a scenario and serves its frames, state and pcapng', async () => {
    const { dispatch, outcome } = await run({ labText: twoLans, scenario: 'ping' });
    expect(outcome.ok).toBe(true);
    const result = (outcome as { result: any }).result;
    expect(result).toMatchObject({ ok: true, scenario: 'ping', reason: 'idle' });
    expect(result.frameCount).toBeGreaterThan(8);
    expect(result.links.map((l: { id: string }) => l.id)).toContain('L1');
    expect(result.output.some((o: { text: string }) => /bytes from/.test(o.text))).toBe(true);

    const frames = (await dispatch('sim.frames', { sessionId: result.sessionId, start: 1, count: 5000 })) as { ok: true; result: any[] };
    expect(frames.result).toHaveLength(result.frameCount);
    const first = frames.result[0];
    expect(first.no).toBe(1);
    expect(first.cause).not.toBe('');
    const bytes = Buffer.from(first.base64, 'base64');
    expect(bytes.readUInt16BE(12)).toBe(0x0806); // the first frame of a cold network is an ARP request
    expect(frames.result.every((f, i) => i === 0 || f.timeUs >= frames.result[i - 1].timeUs)).toBe(true);

    // When the first ARP request leaves, the pinging host's entry is still INCOMPLETE; at the end it is resolved.
    const pinger = frames.result[0].device;
    const before = (await dispatch('sim.stateAt', { sessionId: result.sessionId, device: pinger, frame: 0 })) as { ok: true; result: any };
    const after = (await dispatch('sim.stateAt', { sessionId: result.sessionId, device: pinger, frame: result.frameCount })) as { ok: true; result: any };
    expect(before.result.arp).toMatch(/^\S+ dev eth0 INCOMPLETE\n$/);
    expect(after.result.arp).toMatch(/lladdr [0-9a-f:]{17} REACHABLE|lladdr [0-9a-f:]{17} \w+/);
    expect(after.result.routes).toMatch(/dev eth0 proto kernel scope link/);

    const pcap = (await dispatch('sim.pcapng', { sessionId: result.sessionId })) as { ok: true; result: { base64: string; frames: number } };
    const read = readCapture(new Uint8Array(Buffer.from(pcap.result.base64, 'base64')));
    expect(read.packets.length).toBe(result.frameCount);

    expect(await dispatch('sim.close', { sessionId: result.sessionId })).toEqual({ ok: true, result: { closed: true } });
    expect(await dispatch('sim.frames', { sessionId: result.sessionId, start: 1, count: 1 })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('returns validation errors with positions instead of running a broken lab', async () => {
    const { outcome } = await run({ labText: '{"version": 2, "devices": [{"name": 1}], "links": []}' });
    expect(outcome).toMatchObject({ ok: true, result: { ok: false } });
    const errors = (outcome as { result: { errors: { line?: number }[] } }).result.errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].line).toBe(1);
  });

  it('refuses an unknown scenario and oversized batches', async () => {
    const { dispatch, outcome } = await run({ labText: twoLans, scenario: 'no-such-scenario' });
    expect(outcome).toMatchObject({ ok: true, result: { ok: false, errors: [{ message: expect.stringContaining('no-such-scenario') }] } });
    expect(await dispatch('sim.frames', { sessionId: 's1', start: 1, count: 100_000 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('tags the URL journey frames with their steps and exports a capture Wireshark decrypts by itself', async () => {
    const { dispatch, outcome } = await run({ labText: urlJourney, scenario: 'boot and browse example.com' });
    const result = (outcome as { result: any }).result;
    expect(result).toMatchObject({ ok: true, reason: 'until' });
    const frames = (await dispatch('sim.frames', { sessionId: result.sessionId, start: 1, count: 5000 })) as { ok: true; result: { step: string }[] };
    const steps = new Set(frames.result.map((f) => f.step));
    for (const step of ['dhcp', 'arp', 'dns', 'tcp', 'tls', 'http']) expect(steps).toContain(step);

    const pcap = (await dispatch('sim.pcapng', { sessionId: result.sessionId })) as { ok: true; result: { base64: string } };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sim-pcapng-'));
    try {
      const file = path.join(dir, 'journey.pcapng');
      writeFileSync(file, Buffer.from(pcap.result.base64, 'base64'));
      // No key log option: the keys travel in the file's Decryption Secrets Block.
      const hosts = execFileSync('tshark', ['-r', file, '-Y', 'http.request', '-T', 'fields', '-e', 'http.host'], { encoding: 'utf8' });
      expect(hosts.split('\n').filter((h) => h === 'www.example.com').length).toBeGreaterThanOrEqual(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // The PC's services at the first frame (its DISCOVER) and at the last: replayed, in the contract's shape.
    const pc = (frames.result as unknown as { device: string }[])[0].device;
    expect(pc).toBe('pc');
    const first = (await dispatch('sim.stateAt', { sessionId: result.sessionId, device: pc, frame: 1 })) as { ok: true; result: any };
    const last = (await dispatch('sim.stateAt', { sessionId: result.sessionId, device: pc, frame: result.frameCount })) as { ok: true; result: any };
    for (const s of [first, last]) expect(contract['sim.stateAt'].result.safeParse(s.result).success).toBe(true);
    expect(first.result.services.dhcpClients).toEqual([{ iface: 'eth0', state: 'SELECTING', address: null, server: null, renewInS: null, rebindInS: null, expiresInS: null }]);
    expect(first.result.services.hsts).toEqual([{ host: 'www.example.com', includeSubDomains: true, preloaded: true, expiresInS: null }]);
    expect(last.result.services.dhcpClients[0]).toMatchObject({ state: 'BOUND', address: '192.168.1.100', server: '192.168.1.1' });
    const osCache = last.result.services.dnsCaches.find((c: { tier: string }) => c.tier === 'os');
    expect(osCache.entries.map((e: { name: string }) => e.name)).toContain('example.com');
    const router = (await dispatch('sim.stateAt', { sessionId: result.sessionId, device: 'home-router', frame: result.frameCount })) as { ok: true; result: any };
    expect(router.result.services.dhcpLeases).toEqual([expect.objectContaining({ address: '192.168.1.100', state: 'bound', hostname: 'pc' })]);

    // The journey record: its story and the page load, valid against the contract.
    const journey = (await dispatch('sim.journey', { sessionId: result.sessionId })) as { ok: true; result: any };
    expect(journey.ok).toBe(true);
    expect(contract['sim.journey'].result.safeParse(journey.result).success).toBe(true);
    const story = journey.result.story as { step: string; firstFrame: number | null; lastFrame: number | null }[];
    expect(story[0]).toMatchObject({ step: 'dhcp', firstFrame: 1 });
    for (const step of ['url', 'cache', 'dhcp', 'arp', 'dns', 'tcp', 'tls', 'http', 'render']) expect(story.map((e) => e.step)).toContain(step);
    expect(story.every((e) => e.lastFrame === null || e.lastFrame <= result.frameCount)).toBe(true);
    expect(journey.result.loads).toHaveLength(1);
    expect(journey.result.loads[0]).toMatchObject({ device: 'pc', url: 'https://www.example.com/', ok: true, render: { title: 'Example Domain' } });
    expect(journey.result.loads[0].render.images[0].base64).not.toBe('');
    expect(await dispatch('sim.journey', { sessionId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  }, 120_000);
});
