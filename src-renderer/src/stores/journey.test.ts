// The journey store against a fake host: loads sim.journey for the session of the current run,
// keeps a failure visible (and retries), ignores answers for sessions that are gone.
import { describe, it, expect, beforeEach } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { nextTick } from 'vue';
import { HostClient, HostError, type HostTransport } from '../../../src-shared/ipc/client';
import { setHostClient } from '../host';
import { useJourneyStore } from './journey';
import { useSimulationStore, type RunResult } from './simulation';
import { JOURNEY } from '../components/journey/journey.fixture';

interface Pending {
  sessionId: string;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

function fakeHost(): Pending[] {
  const pending: Pending[] = [];
  const transport: HostTransport = {
    request(name, params) {
      if (name !== 'sim.journey') return Promise.reject(new Error(`unexpected ${name}`));
      return new Promise((resolve, reject) => pending.push({ sessionId: (params as { sessionId: string }).sessionId, resolve, reject }));
    },
    subscribe: () => () => undefined,
  };
  setHostClient(new HostClient(transport));
  return pending;
}

const run = (sessionId: string): RunResult => ({ ok: true, sessionId, scenario: 'boot and browse example.com', frameCount: 114, endedAtUs: 10_000_000, reason: 'idle', diagnostic: null, links: [], output: [], log: [] });
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  await nextTick();
};

describe('journey store', () => {
  let pending: Pending[];
  beforeEach(() => {
    pending = fakeHost();
    setActivePinia(createPinia());
  });

  it('asks nothing without a session, then loads the journey of the run', async () => {
    const journey = useJourneyStore();
    const sim = useSimulationStore();
    expect(journey.status).toBe('idle');
    expect(journey.canOpen).toBe(false);
    expect(pending).toHaveLength(0);

    sim.result = run('s1');
    await flush();
    expect(journey.status).toBe('loading');
    expect(pending.map((p) => p.sessionId)).toEqual(['s1']);
    pending[0].resolve(JOURNEY);
    await flush();
    expect(journey.status).toBe('ready');
    expect(journey.record?.story).toHaveLength(JOURNEY.story.length);
    expect(journey.hasJourney).toBe(true);
    expect(journey.canOpen).toBe(true);

    sim.result = null; // the session closed
    await flush();
    expect(journey.status).toBe('idle');
    expect(journey.record).toBeNull();
    expect(journey.canOpen).toBe(false);
  });

  it('has no journey for a run that browsed nowhere', async () => {
    const journey = useJourneyStore();
    useSimulationStore().result = run('ping');
    await flush();
    pending[0].resolve({ story: [], loads: [] });
    await flush();
    expect(journey.status).toBe('ready');
    expect(journey.hasJourney).toBe(false);
    expect(journey.canOpen).toBe(false);
  });

  it('keeps the host error to show, and loads again on retry', async () => {
    const journey = useJourneyStore();
    useSimulationStore().result = run('s1');
    await flush();
    pending[0].reject(new HostError('internal', 'the journey record is not built yet'));
    await flush();
    expect(journey.status).toBe('error');
    expect(journey.error).toBe('the journey record is not built yet');
    expect(journey.canOpen).toBe(true); // the window opens to say why

    const again = journey.load();
    expect(journey.status).toBe('loading');
    expect(journey.error).toBeNull();
    pending[1].resolve(JOURNEY);
    await again;
    expect(journey.status).toBe('ready');
  });

  it('ignores the answer for a session replaced by a newer run', async () => {
    const journey = useJourneyStore();
    const sim = useSimulationStore();
    sim.result = run('old');
    await flush();
    sim.result = run('new');
    await flush();
    expect(pending.map((p) => p.sessionId)).toEqual(['old', 'new']);
    pending[1].resolve({ story: JOURNEY.story.slice(0, 1), loads: [] });
    await flush();
    pending[0].resolve(JOURNEY);
    await flush();
    expect(journey.record?.story).toHaveLength(1);
  });
});
