import { describe, it, expect } from 'vitest';
import cytoscape from 'cytoscape';
import { syncGraph, deviceLabel, linkLabel } from './graph';
import type { DeviceRecord, LinkRecord } from '../../lab/types';

const text = { linkDown: 'down', loss: (n: number) => `${n}% loss` };
const dev = (id: string, name: string, x = 0, ipv4?: string): DeviceRecord => ({
  typeName: 'device', id, type: 'host', name, position: { x, y: 0 }, interfaces: [{ name: 'eth0', ...(ipv4 ? { ipv4 } : {}) }], tables: {},
});
const link = (id: string, a: string, b: string, extra: Partial<LinkRecord> = {}): LinkRecord => ({
  typeName: 'link', id, a: { device: a, interface: 'eth0' }, b: { device: b, interface: 'eth0' }, up: true, latencyMs: 1, ...extra,
});

describe('topology graph view', () => {
  it('adds, updates and removes elements to match the records', () => {
    const cy = cytoscape({ headless: true });
    syncGraph(cy, [dev('a', 'PC1'), dev('b', 'PC2', 100)], [link('l', 'a', 'b')], text);
    expect(cy.nodes().map((n) => n.id()).sort()).toEqual(['a', 'b']);
    expect(cy.getElementById('l').data('source')).toBe('a');

    syncGraph(cy, [dev('a', 'Alice', 50, '10.0.0.1/24'), dev('b', 'PC2', 100)], [link('l', 'a', 'b', { up: false })], text);
    expect(cy.getElementById('a').data('label')).toBe('Alice\n10.0.0.1/24');
    expect(cy.getElementById('a').position()).toEqual({ x: 50, y: 0 });
    expect(cy.getElementById('l').hasClass('down')).toBe(true);

    syncGraph(cy, [dev('b', 'PC2', 100)], [], text);
    expect(cy.elements().map((e) => e.id())).toEqual(['b']);
  });

  it('keeps the same element objects across updates (no flicker, selection kept)', () => {
    const cy = cytoscape({ headless: true });
    syncGraph(cy, [dev('a', 'PC1')], [], text);
    const node = cy.getElementById('a');
    node.select();
    syncGraph(cy, [dev('a', 'PC9')], [], text);
    expect(cy.getElementById('a')).toBe(node);
    expect(node.selected()).toBe(true);
  });

  it('skips links whose devices are missing instead of failing', () => {
    const cy = cytoscape({ headless: true });
    syncGraph(cy, [dev('a', 'PC1')], [link('l', 'a', 'gone')], text);
    expect(cy.edges().length).toBe(0);
  });

  it('labels devices with their addresses and links with latency, loss and state', () => {
    const d = dev('a', 'R1');
    d.interfaces = [{ name: 'eth0', ipv4: '10.0.0.1/24' }, { name: 'eth1', ipv4: '10.0.1.1/24' }, { name: 'eth2' }];
    expect(deviceLabel(d)).toBe('R1\n10.0.0.1/24\n10.0.1.1/24');
    expect(linkLabel(link('l', 'a', 'b', { latencyMs: 5, lossPercent: 2, up: false }), text)).toBe('5 ms · 2% loss · down');
  });
});
