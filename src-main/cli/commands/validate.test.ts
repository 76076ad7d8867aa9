import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../main';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function cli(args: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

describe('packetlab validate', () => {
  it('accepts the sample labs', async () => {
    const r = await cli(['validate', 'topologies/two-lans.lab.json', 'topologies/three-routers-link-state.lab.json']);
    expect(r).toEqual({ code: 0, out: 'topologies/two-lans.lab.json: ok\ntopologies/three-routers-link-state.lab.json: ok\n', err: '' });
  });

  it('prints file:line:col: message for each problem and exits 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'packetlab-validate-'));
    writeFileSync(
      path.join(dir, 'bad.json'),
      `{
  "version": 2,
  "devices": [
    { "name": "pc1", "type": "host", "position": { "x": 0, "y": 0 },
      "interfaces": [{ "name": "eth0", "ipv4": "192.0.2.10/24" }],
      "tables": { "routes": ["default via 192.0.2.1 dev eth0", "10.0.0.0/8 via 10.0.0.300"] } }
  ],
  "links": [{ "a": { "device": "pc1", "interface": "eth0" }, "b": { "device": "pc9", "interface": "eth0" } }]
}
`,
    );
    const r = await cli(['validate', 'bad.json'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "bad.json:6:87: line 2, column 23: bad gateway '10.0.0.300': IPv4 octet 300 is greater than 255 (at devices[0].tables.routes[1])\n" +
        'bad.json:8:79: unknown device "pc9" (at links[0].b.device)\n',
    );
  });

  it('reports JSON syntax errors and missing files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'packetlab-validate-'));
    writeFileSync(path.join(dir, 'syntax.json'), '{\n  "version": 2,\n  "devices": [\n}\n');
    const r = await cli(['validate', 'syntax.json', 'missing.json'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe("syntax.json:4:1: JSON syntax: unexpected '}': expected a value\npacketlab validate: cannot read missing.json: no such file\n");
  });

  it('needs a file', async () => {
    const r = await cli(['validate']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing LAB/);
  });
});
