import { describe, it, expect } from 'vitest';
import { RecordStore } from './history';
import type { DeviceRecord, LabRecord } from './types';

const dev = (id: string, name: string, x = 0): DeviceRecord => ({
  typeName: 'device', id, type: 'host', name, position: { x, y: 0 }, interfaces: [], tables: {},
});
const names = (s: RecordStore) => [...s.all()].map((r) => (r as DeviceRecord).name).sort();

describe('RecordStore history', () => {
  it('undoes and redoes a command by replaying its recorded diff', () => {
    const s = new RecordStore();
    s.transact('add', (tx) => {
      tx.put(dev('a', 'PC1'));
      tx.put(dev('b', 'PC2'));
    });
    s.transact('rename', (tx) => tx.put({ ...(tx.get('a') as DeviceRecord), name: 'Alice' }));
    expect(names(s)).toEqual(['Alice', 'PC2']);
    s.undo();
    expect(names(s)).toEqual(['PC1', 'PC2']);
    s.undo();
    expect(names(s)).toEqual([]);
    expect(s.canUndo).toBe(false);
    s.redo();
    expect(names(s)).toEqual(['PC1', 'PC2']);
    s.redo();
    expect(names(s)).toEqual(['Alice', 'PC2']);
    expect(s.canRedo).toBe(false);
  });

  it('a new command after undo clears the redo stack', () => {
    const s = new RecordStore();
    s.transact('add', (tx) => tx.put(dev('a', 'PC1')));
    s.undo();
    s.transact('add', (tx) => tx.put(dev('b', 'PC2')));
    expect(s.canRedo).toBe(false);
    expect(names(s)).toEqual(['PC2']);
  });

  it('squashes consecutive commands with the same key into one undo step', () => {
    const s = new RecordStore();
    s.transact('add', (tx) => tx.put(dev('a', 'P')));
    for (const name of ['PC', 'PC1', 'PC12']) s.transact('type', (tx) => tx.put({ ...(tx.get('a') as DeviceRecord), name }), { squashKey: 'name:a' });
    expect(names(s)).toEqual(['PC12']);
    s.undo();
    expect(names(s)).toEqual(['P']);
    s.redo();
    expect(names(s)).toEqual(['PC12']);
  });

  it('does not squash across a break', () => {
    const s = new RecordStore();
    s.transact('add', (tx) => tx.put(dev('a', 'P')));
    s.transact('type', (tx) => tx.put({ ...(tx.get('a') as DeviceRecord), name: 'PC' }), { squashKey: 'k' });
    s.breakSquash();
    s.transact('type', (tx) => tx.put({ ...(tx.get('a') as DeviceRecord), name: 'PC9' }), { squashKey: 'k' });
    s.undo();
    expect(names(s)).toEqual(['PC']);
  });

  it('records nothing for a command that changes nothing, and rolls back a command that throws', () => {
    const s = new RecordStore();
    s.transact('add', (tx) => tx.put(dev('a', 'PC1')));
    const before = s.stateSerial;
    s.transact('noop', (tx) => tx.put(tx.get('a') as LabRecord));
    expect(s.stateSerial).toBe(before);
    expect(() =>
      s.transact('bad', (tx) => {
        tx.remove('a');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(names(s)).toEqual(['PC1']);
    s.undo();
    expect(names(s)).toEqual([]);
  });

  it('tells whether the document is back at a remembered state', () => {
    const s = new RecordStore();
    s.reset([dev('a', 'PC1')]);
    const saved = s.stateSerial;
    s.transact('move', (tx) => tx.put(dev('a', 'PC1', 10)));
    expect(s.stateSerial).not.toBe(saved);
    s.undo();
    expect(s.stateSerial).toBe(saved);
    s.redo();
    expect(s.stateSerial).not.toBe(saved);
  });

  it('reports the combined diff of an undo to listeners', () => {
    const s = new RecordStore();
    s.transact('add', (tx) => tx.put(dev('a', 'PC1')));
    const seen: [string, boolean, boolean][] = [];
    s.onChange((diff) => diff.forEach(([before, after], id) => seen.push([id, before !== null, after !== null])));
    s.undo();
    expect(seen).toEqual([['a', true, false]]);
  });
});
