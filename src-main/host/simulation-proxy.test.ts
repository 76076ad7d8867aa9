import { build } from 'esbuild';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../src-shared/ipc/client';
import { createDispatcher } from './dispatch';
import { createSimulationServices } from './simulation';
import { serveSimulationPort } from './simulation-port';
import { createSimulationProxy, spawnSimulationWorker, type SimulationProxy, type WorkerLike } from './simulation-proxy';
import { serveServices, tempDir } from './test-support';

const twoLans = readFileSync(fileURLToPath(new URL('../../topologies/two-lans.lab.json', import.meta.url)), 'utf8');
const urlJourney = readFileSync(fileURLToPath(new URL('../../topologies/url-journey.lab.json', import.meta.url)), 'utf8');

/** An in-process "worker": the real worker-side protocol over a MessageChannel, and a switch to kill it. */
class ChannelWorker extends EventEmitter implements WorkerLike {
  private readonly channel = new MessageChannel();
  constructor() {
    super();
    serveSimulationPort(this.channel.port2, createSimulationServices());
    this.channel.port1.on('message', (m) => this.emit('message', m));
  }
  postMessage(message: unknown): void {
    this.channel.port1.postMessage(message);
  }
  async terminate(): Promise<number> {
    this.channel.port1.close();
    this.channel.port2.close();
    return 0;
  }
  die(code: number): void {
    this.channel.port1.removeAllListeners('message');
    this.emit('exit', code);
  }
}

describe('simulation worker thread', () => {
  const tmp = tempDir('sim-worker-');
  let script = '';
  let proxy: SimulationProxy;

  beforeAll(async () => {
    // The same bundle the app and the CLI ship: the worker entry built with esbuild.
    script = path.join(tmp.dir, 'simulation-worker.cjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./simulation-worker.ts', import.meta.url))],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'silent',
    });
    proxy = createSimulationProxy(() => spawnSimulationWorker(script));
  });
  afterAll(async () => {
    await proxy.close();
    tmp.remove();
  });

  it('runs a scenario in the worker and serves its frames and pcapng through the dispatcher', async () => {
    const dispatch = createDispatcher(serveServices(tmp.dir, { simulationWorker: script }));
    const outcome = (await dispatch('sim.run', { labText: twoLans, scenario: 'ping' })) as { ok: true; result: any };
    expect(outcome.ok).toBe(true);
    expect(outcome.result).toMatchObject({ ok: true, scenario: 'ping', reason: 'idle' });
    const frames = (await dispatch('sim.frames', { sessionId: outcome.result.sessionId, start: 1, count: 5000 })) as { ok: true; result: any[] };
    expect(frames.result).toHaveLength(outcome.result.frameCount);
    // Same lab and seed in-process gives the same bytes: the thread changes where, not what.
    const local = createSimulationServices();
    const here = await local['sim.run']({ labText: twoLans, scenario: 'ping' });
    if (!here.ok) throw new Error('local run failed');
    const localFrames = await local['sim.frames']({ sessionId: here.sessionId, start: 1, count: 5000 });
    expect(frames.result.map((f) => f.base64)).toEqual(localFrames.map((f) => f.base64));
  });

  it('keeps the main event loop free while a run is going on', async () => {
    let ticked = false;
    const run = proxy['sim.run']({ labText: urlJourney });
    setTimeout(() => (ticked = true), 0);
    const result = await run;
    expect(result.ok).toBe(true);
    // In-process, the run would finish before any timer could fire.
    expect(ticked).toBe(true);
  });

  it('passes the services errors through with their codes', async () => {
    await expect(proxy['sim.frames']({ sessionId: 's999', start: 1, count: 1 })).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/no simulation session s999/) });
  });
});

describe('simulation proxy', () => {
  it('fails the calls in flight when the worker dies, then starts a new one', async () => {
    const spawned: ChannelWorker[] = [];
    const proxy = createSimulationProxy(() => {
      const w = new ChannelWorker();
      spawned.push(w);
      return w;
    });
    const first = await proxy['sim.run']({ labText: twoLans, scenario: 'ping' });
    expect(first.ok).toBe(true);
    const inFlight = proxy['sim.pcapng']({ sessionId: first.ok ? first.sessionId : '' });
    spawned[0].die(134);
    const error = await inFlight.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).message).toMatch(/worker exited \(code 134\).*sessions are gone/);
    // The next call gets a fresh worker, without the old sessions.
    await expect(proxy['sim.frames']({ sessionId: first.ok ? first.sessionId : '', start: 1, count: 1 })).rejects.toMatchObject({ code: 'not-found' });
    expect(spawned).toHaveLength(2);
    await proxy.close();
  });

  it('ignores replies it did not ask for', async () => {
    const w = new ChannelWorker();
    const proxy = createSimulationProxy(() => w);
    const pending = proxy['sim.close']({ sessionId: 's1' });
    w.emit('message', { id: 12345, ok: true, result: 'stray' });
    w.emit('message', null);
    await expect(pending).resolves.toEqual({ closed: false });
    await proxy.close();
  });
});
