import { describe, it, expect } from 'vitest';
import { migrate, type Migration } from './migrations';
import { loadLabText, formatIssue } from './validate';

// A lab in the version-1 prototype format.
const v1 = {
  version: 1,
  devices: [
    { name: 'pc1', kind: 'host', x: 10, y: 20, interfaces: [{ name: 'eth0', ip: '192.0.2.10', prefix: 24 }], routes: [{ to: 'default', via: '192.0.2.1', dev: 'eth0' }] },
    { name: 'r1', kind: 'router', x: 100, y: 20, interfaces: [{ name: 'eth0', ip: '192.0.2.1', prefix: 24 }] },
  ],
  links: [{ from: 'pc1:eth0', to: 'r1:eth0', delayMs: 2, loss: 1 }],
};

describe('lab migrations', () => {
  it('upgrades a version-1 lab to version 2', () => {
    const r = migrate(structuredClone(v1));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.from).toBe(1);
    expect(r.doc).toEqual({
      version: 2,
      devices: [
        { name: 'pc1', type: 'host', position: { x: 10, y: 20 }, interfaces: [{ name: 'eth0', ipv4: '192.0.2.10/24' }], tables: { routes: ['default via 192.0.2.1 dev eth0'] } },
        { name: 'r1', type: 'router', position: { x: 100, y: 20 }, interfaces: [{ name: 'eth0', ipv4: '192.0.2.1/24' }] },
      ],
      links: [{ a: { device: 'pc1', interface: 'eth0' }, b: { device: 'r1', interface: 'eth0' }, latencyMs: 2, lossPercent: 1 }],
    });
    const loaded = loadLabText(JSON.stringify(v1));
    expect(loaded).toMatchObject({ ok: true, migratedFrom: 1 });
  });

  it('leaves broken version-1 parts for validation to report', () => {
    const broken = { ...v1, devices: [{ name: 'pc1', kind: 'toaster', x: 'left' }], links: ['nonsense'] };
    const r = loadLabText(JSON.stringify(broken, null, 1));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const msgs = r.errors.map((e) => formatIssue('old.json', e));
    expect(msgs.some((m) => /devices\[0\]\.type/.test(m))).toBe(true);
    expect(msgs.some((m) => /unknown property "x"/.test(m))).toBe(true);
    expect(r.errors.every((e) => e.line !== undefined)).toBe(true);
  });

  it('chains steps in order', () => {
    const steps: Migration[] = [
      { from: 1, description: 'add a', up: (d) => ({ ...d, a: 1 }) },
      { from: 2, description: 'a→b', up: ({ a, ...d }) => ({ ...d, b: (a as number) + 1 }) },
    ];
    expect(migrate({ version: 1 }, steps, 3)).toEqual({ ok: true, doc: { version: 3, b: 2 }, from: 1 });
    expect(migrate({ version: 2, a: 5 }, steps, 3)).toEqual({ ok: true, doc: { version: 3, b: 6 }, from: 2 });
    expect(migrate({ version: 1.5 }, steps, 3)).toMatchObject({ ok: false });
  });
});
