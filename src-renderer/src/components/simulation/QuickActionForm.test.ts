// Every quick action the form builds is a scenario action the lab format accepts: the form's
// output, wrapped as the store wraps it, loads through the lab validator (nslookup included).
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { nextTick } from 'vue';
import { loadLabText } from '../../../../src-shared/lab';
import { mountWithStores, type Mounted } from '../../testing/mount';
import { useLabStore } from '../../stores/lab';
import { QUICK_SCENARIO, useSimulationStore, withQuickScenario, type QuickAction } from '../../stores/simulation';
import QuickActionForm from './QuickActionForm.vue';

// happy-dom gives modules an http: URL, so the sample lab is found from the project root.
const LAB_TEXT = readFileSync(path.resolve('topologies/url-journey.lab.json'), 'utf8');
let mounted: Mounted | null = null;
let root: HTMLElement;

beforeEach(() => {
  mounted = mountWithStores(QuickActionForm, () => useLabStore().load(LAB_TEXT, { path: null, name: 'url-journey.lab.json' }));
  root = mounted.root;
});

afterEach(() => {
  mounted?.unmount();
});

async function submitAs(kind: string, target: string): Promise<QuickAction> {
  const sim = useSimulationStore();
  const spy = vi.spyOn(sim, 'runAction').mockResolvedValue(true);
  const [type, from] = [...root.querySelectorAll('select')];
  type.value = kind;
  type.dispatchEvent(new Event('change'));
  from.value = 'pc';
  from.dispatchEvent(new Event('change'));
  await nextTick();
  const input = root.querySelector('input');
  if (input) {
    input.value = target;
    input.dispatchEvent(new Event('input'));
  }
  await nextTick();
  root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
  expect(spy).toHaveBeenCalledTimes(1);
  return spy.mock.calls[0][0];
}

describe('QuickActionForm', () => {
  it('offers nslookup, which asks for a name', async () => {
    const options = [...root.querySelectorAll('select')[0].querySelectorAll('option')].map((o) => o.value);
    expect(options).toContain('nslookup');
    const action = await submitAs('nslookup', 'www.example.com');
    expect(action).toEqual({ type: 'nslookup', from: 'pc', name: 'www.example.com' });
  });

  const TARGETS: Record<string, string> = { browse: 'https://www.example.com/', ping: '192.168.1.1', traceroute: '192.168.1.1', lookup: 'www.example.com', nslookup: 'www.example.com' };
  for (const kind of ['browse', 'ping', 'traceroute', 'lookup', 'nslookup', 'dhcp', 'flush']) {
    it(`builds a ${kind} action the lab format accepts`, async () => {
      const action = await submitAs(kind, TARGETS[kind] ?? '');
      expect(action.type).toBe(kind);
      const loaded = loadLabText(withQuickScenario(LAB_TEXT, action, kind));
      expect(loaded.ok ? [] : loaded.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([]);
      if (loaded.ok) expect(loaded.lab.scenarios?.some((s) => s.name === QUICK_SCENARIO)).toBe(true);
    });
  }
});
