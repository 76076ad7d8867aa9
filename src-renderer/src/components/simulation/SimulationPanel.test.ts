// The simulation panel's device state: the text tables (with TCP) and the services tables, their
// rows marked when they changed since the previous frame; `services: null` (a host without the
// services record) shows the text tables only.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { nextTick } from 'vue';
import { mountWithStores, type Mounted } from '../../testing/mount';
import { useSimulationStore } from '../../stores/simulation';
import SimulationPanel from './SimulationPanel.vue';
import { AFTER, BEFORE } from './services-fixture';

let mounted: Mounted | null = null;
let root: HTMLElement;

beforeEach(() => {
  mounted = mountWithStores(SimulationPanel);
  root = mounted.root;
});

afterEach(() => {
  mounted?.unmount();
});

const section = (label: string) => root.querySelector<HTMLElement>(`section[aria-label="${label}"]`);

describe('SimulationPanel device state', () => {
  it('shows TCP connections and no services section while services is null', async () => {
    const sim = useSimulationStore();
    sim.deviceState = { ...BEFORE, services: null };
    await nextTick();
    expect(section('TCP connections')?.textContent).toContain('Local Address:Port');
    expect(section('Services')).toBeNull();
  });

  it('shows the services as tables and highlights rows changed since the previous frame', async () => {
    const sim = useSimulationStore();
    sim.deviceState = BEFORE;
    await nextTick();
    const os = section('OS (stub resolver) DNS cache')!;
    expect([...os.querySelectorAll('th[scope=col]')].map((th) => th.textContent)).toEqual(['Name', 'Type', 'Data', 'TTL left']);
    expect(root.querySelectorAll('tr[data-change="new"], tr[data-change="changed"]').length).toBe(0);

    sim.deviceState = AFTER;
    await nextTick();
    const marked = (label: string) => [...section(label)!.querySelectorAll('tbody tr')].map((tr) => `${tr.getAttribute('data-change')} ${tr.querySelector('td:nth-child(2)')?.textContent}`);
    expect(marked('Browser DNS cache')).toEqual(['new www.example.com']);
    expect(marked('OS (stub resolver) DNS cache')).toEqual(['same nosuch.example']);
    expect(marked('Browser HTTP cache')).toEqual(['new http://www.example.com/', 'removed http://www.example.com/old.css']);
    expect(marked('DHCP client')).toEqual(['changed eth0']);
    // The change is spelled out for screen readers, not only coloured.
    expect(section('Browser DNS cache')!.querySelector('tbody tr .mark')?.textContent).toContain('New since the previous frame');
    expect(section('OS (stub resolver) DNS cache')!.textContent).toContain('negative');
  });

  it('leaves the services section out for a device without any (a switch)', async () => {
    const sim = useSimulationStore();
    sim.deviceState = { ...BEFORE, device: 'sw', services: { dhcpLeases: [], dhcpClients: [], dnsCaches: [], httpCaches: [], hsts: [] } };
    await nextTick();
    expect(section('Services')).toBeNull();
    expect(section('Routing table')).not.toBeNull();
  });

  it('does not compare the services of two different devices', async () => {
    const sim = useSimulationStore();
    sim.deviceState = { ...BEFORE, device: 'other' };
    await nextTick();
    sim.deviceState = AFTER;
    await nextTick();
    expect(root.querySelectorAll('tr[data-change="new"], tr[data-change="changed"], tr[data-change="removed"]').length).toBe(0);
  });
});
