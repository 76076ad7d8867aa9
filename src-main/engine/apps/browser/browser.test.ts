// The browser's failures are visible and clean: a certificate for other names, a name that does
// not exist, a search term; the alert the client sends reads in tshark like any TLS alert.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportPcapng } from '../../export/pcapng';
import { loadSample } from '../../testing/samples';
import { Simulation } from '../../simulation';
import type { BrowseResult } from './browser';

function browseAll(inputs: string[]): { sim: Simulation; results: BrowseResult[] } {
  const sim = new Simulation(loadSample('url-journey.lab.json'));
  const results: BrowseResult[] = [];
  inputs.forEach((input, i) => sim.net.scheduler.at(2_000_000 * (i + 1), 'test: browse', () => sim.browser('pc').browse(input, (r) => results.push(r))));
  sim.run({ until: 2_000_000 * (inputs.length + 2) });
  return { sim, results };
}

describe('browser failures', () => {
  it('a certificate for other names fails the TLS handshake with an alert; an unknown name and a search term fail at DNS', () => {
    const { sim, results } = browseAll(['https://origin.example.com/', 'nosuchname.example.com', 'hello world']);
    expect(results.map((r) => [r.ok, r.error])).toEqual([
      [false, 'connection to https://origin.example.com closed: TLS failed: NET::ERR_CERT_COMMON_NAME_INVALID: the certificate is for example.com, www.example.com, not origin.example.com'],
      [false, 'cannot resolve nosuchname.example.com: NXDOMAIN from 192.168.1.1: no nosuchname.example.com A'],
      [false, 'cannot resolve search.lab: NXDOMAIN from 192.168.1.1: no search.lab A'],
    ]);
    expect(sim.net.output.map((l) => l.text)).toContain('browser: hello world → https://search.lab/search?q=hello+world');
    // The journey tells the rejected certificate and the failed lookups.
    const story = sim.journeyRecord().story;
    expect(story.filter((e) => e.step === 'tls' && e.device === 'pc').map((e) => [e.facts.sni, e.facts.certificateOk, e.facts.certificate])).toEqual([
      ['origin.example.com', 'false', 'NET::ERR_CERT_COMMON_NAME_INVALID: the certificate is for example.com, www.example.com, not origin.example.com'],
    ]);
    expect(story.filter((e) => e.step === 'cache' && e.facts.kind === 'dns-failed').map((e) => e.facts.name)).toEqual(['nosuchname.example.com', 'search.lab']);
    expect(story.filter((e) => e.step === 'url').map((e) => e.facts.kind)).toEqual(['navigate', 'navigate', 'search']);
    expect(story.filter((e) => e.step === 'dns' && e.device === 'pc').map((e) => `${e.facts.name} ${e.facts.rcode}`)).toEqual(['origin.example.com NOERROR', 'nosuchname.example.com NXDOMAIN', 'search.lab NXDOMAIN']);
    const loads = sim.journeyRecord().loads;
    expect(loads.map((l) => [l.ok, l.render])).toEqual([[false, null], [false, null], [false, null]]);
    const tmp = mkdtempSync(path.join(tmpdir(), 'packetlab-browser-'));
    try {
      const file = path.join(tmp, 'pc.pcapng');
      writeFileSync(file, exportPcapng(sim.net.capture, { points: ['pc-eth0', 'home-router-lan'] }));
      const alerts = execFileSync('tshark', ['-r', file, '-Y', 'tls.alert_message', '-T', 'fields', '-e', 'ip.src', '-e', 'tls.alert_message.desc'], { encoding: 'utf8' }).trim().split('\n');
      // The client's alert after the failed certificate check: one frame from the PC (no alert from the server).
      expect(alerts).toHaveLength(1);
      expect(alerts[0].startsWith('192.168.1.100\t')).toBe(true);
      const bad = execFileSync('tshark', ['-r', file, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-Y', '_ws.malformed || tcp.checksum.status == "Bad" || ip.checksum.status == "Bad"'], { encoding: 'utf8' }).trim();
      expect(bad).toBe('');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('HSTS preload list', () => {
  it("the lab's preloaded www.example.com goes to https before any request, with no port-80 frame from the PC", () => {
    const sim = new Simulation(loadSample('url-journey.lab.json'));
    sim.net.scheduler.at(2_000_000, 'test: browse', () => sim.browser('pc').browse('www.example.com'));
    sim.run({ until: 4_000_000 });
    const story = sim.journeyRecord().story;
    expect(story.find((e) => e.step === 'url')).toMatchObject({ startUs: 2_000_000, facts: { kind: 'navigate', url: 'https://www.example.com/', hstsUpgrade: 'yes' } });
    expect(sim.net.log.entries.map((e) => e.message)).toContain('[url] HSTS: www.example.com is on the HSTS preload list, so http is upgraded to https://www.example.com/ before any request (internal redirect)');
    for (let no = 1; no <= sim.net.capture.count; no++) {
      const f = sim.net.capture.frame(no);
      if (f.fromInterface.device !== 'pc' || f.bytes.length < 38 || f.bytes[12] !== 0x08 || f.bytes[13] !== 0x00 || f.bytes[23] !== 6) continue;
      expect((f.bytes[36] << 8) | f.bytes[37], `frame ${no}`).not.toBe(80); // TCP destination port
    }
    expect(sim.journeyRecord().loads[0]).toMatchObject({ ok: true, url: 'https://www.example.com/' });
  });
});

describe('rendering record limits', () => {
  it('keeps an image up to 256 KiB with its bytes, lists a larger one without them, and cuts the HTML at 1 MiB', () => {
    const lab = loadSample('url-journey.lab.json');
    const files = (lab.devices.find((d) => d.name === 'origin')!.web!.sites['www.example.com'] as { files: Record<string, { base64?: string; body?: string[] }> }).files;
    const big = new Uint8Array(300 * 1024).map((_, i) => (i * 7) & 0xff);
    files['/logo.png'].base64 = Buffer.from(big).toString('base64');
    const filler = 'x'.repeat(1100 * 1024);
    files['/'].body = [...files['/'].body!.slice(0, -2), `<p>${filler}</p>`, '</body>', '</html>'];
    const sim = new Simulation(lab);
    sim.net.scheduler.at(2_000_000, 'test: browse', () => sim.browser('pc').browse('https://www.example.com/'));
    sim.run({ until: 30_000_000 });
    const load = sim.journeyRecord().loads[0];
    expect(load.ok).toBe(true);
    expect(load.render!.images).toEqual([{ url: 'https://www.example.com/logo.png', bytes: big.length, contentType: 'image/png', base64: '' }]);
    expect(load.render!.html.length).toBe(1024 * 1024);
    expect(load.render!.html.startsWith('<!doctype html>')).toBe(true);
    expect(load.requests.find((r) => r.url.endsWith('/'))!.bytes).toBeGreaterThan(1024 * 1024);
  }, 60_000);
});
