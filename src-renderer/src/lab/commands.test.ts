import { describe, it, expect } from 'vitest';
import { RecordStore } from './history';
import * as c from './commands';
import type { DeviceRecord, LinkRecord } from './types';
import { isDevice, isLink } from './types';

function setup() {
  const s = new RecordStore();
  let n = 0;
  const id = () => `id${++n}`;
  s.reset([{ typeName: 'meta', id: 'meta', version: 1, title: '' }]);
  return { s, id };
}
const devices = (s: RecordStore) => [...s.all()].filter(isDevice) as DeviceRecord[];
const links = (s: RecordStore) => [...s.all()].filter(isLink) as LinkRecord[];

describe('lab commands', () => {
  it('adds devices with numbered names, default interfaces and unique MACs', () => {
    const { s, id } = setup();
    const pc1 = s.transact('add', (tx) => c.addDevice(tx, 'host', { x: 1, y: 2 }, id()));
    const pc2 = s.transact('add', (tx) => c.addDevice(tx, 'host', { x: 1, y: 2 }, id()));
    const r1 = s.transact('add', (tx) => c.addDevice(tx, 'router', { x: 1, y: 2 }, id()));
    expect([pc1.name, pc2.name, r1.name]).toEqual(['PC1', 'PC2', 'R1']);
    expect(r1.interfaces.map((i) => i.name)).toEqual(['eth0', 'eth1', 'eth2']);
    const macs = devices(s).flatMap((d) => d.interfaces.map((i) => i.mac));
    expect(new Set(macs).size).toBe(macs.length);
    expect(Object.keys(pc1.tables).sort()).toEqual(['hosts', 'routes']);
  });

  it('links free interfaces, refuses a used one or a self-link, and creates a new interface on request', () => {
    const { s, id } = setup();
    const pc = s.transact('add', (tx) => c.addDevice(tx, 'host', { x: 0, y: 0 }, id()));
    const sw = s.transact('add', (tx) => c.addDevice(tx, 'switch', { x: 0, y: 0 }, id()));
    s.transact('link', (tx) => c.addLink(tx, { device: pc.id, interface: 'eth0' }, { device: sw.id, interface: 'eth0' }, id()));
    expect(() => s.transact('link', (tx) => c.addLink(tx, { device: pc.id, interface: 'eth0' }, { device: sw.id, interface: 'eth1' }, id()))).toThrow('linkInterfaceInUse');
    expect(() => s.transact('link', (tx) => c.addLink(tx, { device: pc.id, interface: 'eth0' }, { device: pc.id, interface: 'eth1' }, id()))).toThrow('linkSameDevice');
    s.transact('link', (tx) => c.addLink(tx, { device: pc.id, interface: 'eth1' }, { device: sw.id, interface: 'eth1' }, id()));
    expect(devices(s).find((d) => d.id === pc.id)!.interfaces.map((i) => i.name)).toEqual(['eth0', 'eth1']);
    expect(links(s)).toHaveLength(2);
    // Undo of the second link also removes the interface it created.
    s.undo();
    expect(devices(s).find((d) => d.id === pc.id)!.interfaces.map((i) => i.name)).toEqual(['eth0']);
  });

  it('deleting a device deletes its links, and undo brings both back', () => {
    const { s, id } = setup();
    const a = s.transact('add', (tx) => c.addDevice(tx, 'host', { x: 0, y: 0 }, id()));
    const b = s.transact('add', (tx) => c.addDevice(tx, 'router', { x: 0, y: 0 }, id()));
    s.transact('link', (tx) => c.addLink(tx, { device: a.id, interface: 'eth0' }, { device: b.id, interface: 'eth0' }, id()));
    s.transact('delete', (tx) => c.removeElements(tx, [b.id]));
    expect(devices(s).map((d) => d.name)).toEqual(['PC1']);
    expect(links(s)).toEqual([]);
    s.undo();
    expect(devices(s).map((d) => d.name).sort()).toEqual(['PC1', 'R1']);
    expect(links(s)).toHaveLength(1);
  });

  it('renames with checks: empty, invalid characters and duplicates are refused', () => {
    const { s, id } = setup();
    const a = s.transact('add', (tx) => c.addDevice(tx, 'host', { x: 0, y: 0 }, id()));
    s.transact('add', (tx) => c.addDevice(tx, 'host', { x: 0, y: 0 }, id()));
    expect(() => s.transact('r', (tx) => c.renameDevice(tx, a.id, ''))).toThrow('nameEmpty');
    expect(() => s.transact('r', (tx) => c.renameDevice(tx, a.id, 'my pc'))).toThrow('nameInvalid');
    expect(() => s.transact('r', (tx) => c.renameDevice(tx, a.id, 'PC2'))).toThrow('nameTaken');
    s.transact('r', (tx) => c.renameDevice(tx, a.id, 'alice'));
    expect(devices(s).map((d) => d.name).sort()).toEqual(['PC2', 'alice']);
  });

  it('copies devices with the links between them and pastes fresh names, MACs and no duplicate addresses', () => {
    const { s, id } = setup();
    const a = s.transact('add', (tx) => c.addDevice(tx, 'host', { x: 10, y: 10 }, id()));
    const b = s.transact('add', (tx) => c.addDevice(tx, 'switch', { x: 50, y: 10 }, id()));
    const other = s.transact('add', (tx) => c.addDevice(tx, 'router', { x: 90, y: 10 }, id()));
    s.transact('ip', (tx) => c.updateInterface(tx, a.id, 'eth0', { ipv4: '10.0.0.1/24' }));
    s.transact('link', (tx) => c.addLink(tx, { device: a.id, interface: 'eth0' }, { device: b.id, interface: 'eth0' }, id()));
    s.transact('link', (tx) => c.addLink(tx, { device: b.id, interface: 'eth1' }, { device: other.id, interface: 'eth0' }, id()));
    const clip = c.copyElements(s.all(), [a.id, b.id]);
    expect(clip.links).toHaveLength(1);
    const pasted = s.transact('paste', (tx) => c.pasteElements(tx, clip, { x: 20, y: 20 }, id));
    expect(pasted).toHaveLength(2);
    const copies = devices(s).filter((d) => pasted.includes(d.id));
    expect(copies.map((d) => d.name).sort()).toEqual(['PC1-copy', 'SW1-copy']);
    expect(copies.find((d) => d.name === 'PC1-copy')!.position).toEqual({ x: 30, y: 30 });
    expect(copies.find((d) => d.name === 'PC1-copy')!.interfaces[0].ipv4).toBeUndefined();
    const macs = devices(s).flatMap((d) => d.interfaces.map((i) => i.mac));
    expect(new Set(macs).size).toBe(macs.length);
    const newLink = links(s).find((l) => pasted.includes(l.a.device));
    expect(newLink && pasted.includes(newLink.b.device)).toBe(true);
  });

  it('removing an interface removes its link', () => {
    const { s, id } = setup();
    const a = s.transact('add', (tx) => c.addDevice(tx, 'router', { x: 0, y: 0 }, id()));
    const b = s.transact('add', (tx) => c.addDevice(tx, 'router', { x: 0, y: 0 }, id()));
    s.transact('link', (tx) => c.addLink(tx, { device: a.id, interface: 'eth1' }, { device: b.id, interface: 'eth2' }, id()));
    s.transact('rm', (tx) => c.removeInterface(tx, a.id, 'eth1'));
    expect(links(s)).toEqual([]);
    expect(devices(s).find((d) => d.id === a.id)!.interfaces.map((i) => i.name)).toEqual(['eth0', 'eth2']);
  });
});
