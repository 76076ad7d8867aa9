import { describe, it, expect } from 'vitest';
import { decodeLab, encodeLab } from './codec';
import type { DeviceRecord, LinkRecord } from './types';

let n = 0;
const id = () => `x${++n}`;

const sample = `{
  "version": 2,
  "name": "Two LANs",
  "seed": 42,
  "scenarios": [{ "name": "ping", "actions": [] }],
  "devices": [
    { "name": "PC1", "type": "host", "position": { "x": 10, "y": 20 },
      "interfaces": [{ "name": "eth0", "mac": "02:00:00:00:00:01", "ipv4": "192.168.1.10/24", "mtu": 1500 }],
      "tables": { "routes": ["default via 192.168.1.1 dev eth0"], "hosts": "192.168.1.1 gw\\n" }, "services": ["udp-echo"] },
    { "name": "R1", "type": "router", "position": { "x": 100, "y": 20 },
      "interfaces": [{ "name": "eth0", "ipv4": "192.168.1.1/24" }] }
  ],
  "links": [
    { "a": { "device": "PC1", "interface": "eth0" }, "b": { "device": "R1", "interface": "eth0" }, "latencyMs": 2, "up": false, "bandwidthMbps": 100 }
  ]
}
`;

describe('lab codec', () => {
  it('round-trips a lab, keeping fields it does not know', () => {
    const decoded = decodeLab(sample, id);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.problems).toEqual([]);
    const again = JSON.parse(encodeLab(decoded.records));
    const original = JSON.parse(sample);
    expect(again).toEqual(original);
  });

  it('maps link ends to device records', () => {
    const decoded = decodeLab(sample, id);
    if (!decoded.ok) throw new Error('decode failed');
    const devices = decoded.records.filter((r): r is DeviceRecord => r.typeName === 'device');
    const link = decoded.records.find((r): r is LinkRecord => r.typeName === 'link')!;
    expect(devices.find((d) => d.id === link.a.device)!.name).toBe('PC1');
    expect(link.up).toBe(false);
    expect(link.latencyMs).toBe(2);
  });

  it('migrates a version 1 lab to the current version', () => {
    const v1 = JSON.stringify({
      version: 1,
      devices: [{ name: 'PC1', kind: 'host', x: 5, y: 6, interfaces: [{ name: 'eth0', ip: '10.0.0.2', prefix: 24 }], routes: [{ to: 'default', via: '10.0.0.1', dev: 'eth0' }] }],
      links: [],
    });
    const decoded = decodeLab(v1, id);
    if (!decoded.ok) throw new Error('decode failed');
    expect(decoded.problems).toEqual([]);
    const out = JSON.parse(encodeLab(decoded.records));
    expect(out.version).toBe(2);
    expect(out.devices[0]).toMatchObject({ type: 'host', position: { x: 5, y: 6 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.2/24' }], tables: { routes: ['default via 10.0.0.1 dev eth0'] } });
  });

  it('reports a JSON syntax error with its line and column', () => {
    const decoded = decodeLab('{\n  "version": 1,\n  "devices": [,]\n}', id);
    expect(decoded.ok).toBe(false);
    expect(decoded.problems[0]).toMatchObject({ line: 3, col: 15 });
  });

  it('opens a lab with problems, reporting each at its position without dropping devices', () => {
    const text = '{\n  "version": 2,\n  "devices": [\n    { "name": "PC1", "type": "host" },\n    { "name": "PC1", "type": "host" },\n    { "type": "switch" }\n  ],\n  "links": [ { "a": { "device": "PC9", "interface": "eth0" }, "b": { "device": "PC1", "interface": "eth0" } } ]\n}';
    const decoded = decodeLab(text, id);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.records.filter((r) => r.typeName === 'device')).toHaveLength(3);
    const messages = decoded.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(messages).toContain('5:15 two devices are named PC1');
    expect(messages).toContain('6:5 missing required property "name"');
    expect(messages).toContain('8:33 no device named PC9');
    // The link it could not resolve is written back on save, not dropped.
    expect(JSON.parse(encodeLab(decoded.records)).links).toEqual(JSON.parse(text).links);
  });
});
