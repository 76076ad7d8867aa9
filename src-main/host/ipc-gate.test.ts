import { describe, expect, it, vi } from 'vitest';
import { REQUEST_NAMES } from '../../src-shared/ipc/channels';
import { createDispatcher, type HostServices } from './dispatch';
import { createIpcGate, originOf, type IpcSender } from './ipc-gate';

function setup() {
  const save = vi.fn(async () => ({ path: 'a.lab.json', name: 'a.lab.json' }));
  const services = Object.fromEntries(REQUEST_NAMES.map((n) => [n, vi.fn(async () => null)])) as unknown as HostServices;
  services['lab.save'] = save;
  const gate = createIpcGate({
    dispatch: createDispatcher(services),
    trustedWebContents: () => new Set([7]),
    trustedOrigins: ['app://packetlab'],
  });
  return { gate, save };
}

const trusted: IpcSender = { webContentsId: 7, frameUrl: 'app://packetlab/index.html', isMainFrame: true };

describe('IPC gate', () => {
  it('passes a well-formed request from the app window', async () => {
    const { gate, save } = setup();
    expect(await gate('lab.save', trusted, { suggestedName: 'a', text: '{}' })).toEqual({ ok: true, result: { path: 'a.lab.json', name: 'a.lab.json' } });
    expect(save).toHaveBeenCalledOnce();
  });

  it.each([
    ['another window', { ...trusted, webContentsId: 8 }, 'not a PacketLab window'],
    ['a subframe', { ...trusted, isMainFrame: false }, 'subframe'],
    ['a foreign origin', { ...trusted, frameUrl: 'https://evil.example/x' }, 'https://evil.example'],
    ['a file:// page', { ...trusted, frameUrl: 'file:///tmp/x.html' }, 'is not PacketLab'],
    ['a destroyed frame', { ...trusted, frameUrl: null }, '(none)'],
  ])('refuses %s and changes nothing', async (_label, sender, message) => {
    const { gate, save } = setup();
    const outcome = await gate('lab.save', sender, { suggestedName: 'a', text: '{}' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(outcome.ok ? '' : outcome.error.message).toContain(message);
    expect(save).not.toHaveBeenCalled();
  });

  it('refuses forged request names and malformed payloads with a clear error', async () => {
    const { gate, save } = setup();
    expect(await gate('fs.readFile', trusted, { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('unknown request') } });
    const missing = await gate('lab.save', trusted, { suggestedName: 'a' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('text') } });
    const extra = await gate('lab.save', trusted, { text: '{}', suggestedName: 'a', shell: 'rm -rf /' });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await gate('lab.save', trusted, 'not an object')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(save).not.toHaveBeenCalled();
  });

  it('computes origins of custom schemes', () => {
    expect(originOf('app://packetlab/index.html')).toBe('app://packetlab');
    expect(originOf('http://localhost:5173/x')).toBe('http://localhost:5173');
    expect(originOf('not a url')).toBeNull();
  });
});
