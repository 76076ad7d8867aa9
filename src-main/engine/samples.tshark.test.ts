// Every frame of every scenario of every sample lab, read by the real tshark with checksum
// verification on: no malformed packets, no bad checksums, no warnings. Fails if tshark is missing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSample, runScenario, sampleFiles } from './testing/samples';
import { exportPcapng } from './export/pcapng';

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'packetlab-samples-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const PREFS = ['-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE'];
const BAD = '_ws.malformed || ip.checksum.status == "Bad" || udp.checksum.status == "Bad" || tcp.checksum.status == "Bad" || icmp.checksum.status == "Bad"';
// Expert warnings are read per capture point: the whole capture holds every hop's copy of a
// packet, and Wireshark takes a DNS answer seen again one hop later for a retransmission.
const WARNING = '_ws.expert.severity >= "Warning"';

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// tshark reads each capture once per capture point (about 30 in the URL journey): slow on a busy machine.
const TSHARK_PER_POINT_TIMEOUT = 180_000;

describe('sample labs in tshark', () => {
  for (const file of sampleFiles) {
    for (const s of loadSample(file).scenarios ?? []) {
      it(`${file} / ${s.name}: 0 malformed, 0 bad checksums`, () => {
        const { sim, pcap } = runScenario(loadSample(file), s.name);
        const out = path.join(tmp, `${file}-${s.name}.pcapng`);
        writeFileSync(out, pcap);
        const frames = tshark(['-r', out, ...PREFS, '-T', 'fields', '-e', 'frame.number', '-e', 'frame.interface_name', '-e', 'ip.checksum.status']).trim().split('\n');
        expect(frames.length).toBe(sim.net.capture.count);
        // Interfaces are named <device>-<interface> after the sending side.
        const first = sim.net.capture.frame(1);
        expect(frames[0].split('\t')[1]).toBe(`${first.fromInterface.device}-${first.fromInterface.interface}`);
        // Checksums were verified (status 1 = good) on the IPv4 frames.
        expect(frames.some((l) => l.split('\t')[2]?.startsWith('1'))).toBe(true);
        expect(tshark(['-r', out, ...PREFS, '-Y', BAD]).trim()).toBe('');
        const points = new Set([...sim.net.capture.frames()].map((f) => `${f.fromInterface.device}-${f.fromInterface.interface}`));
        for (const point of points) {
          const one = path.join(tmp, `${file}-${s.name}-${point}.pcapng`);
          writeFileSync(one, exportPcapng(sim.net.capture, { points: [point] }));
          expect(tshark(['-r', one, ...PREFS, '-Y', WARNING]).trim(), point).toBe('');
        }
      }, TSHARK_PER_POINT_TIMEOUT);
    }
  }
});
