// TCP sequence analysis (and ICMP echo matching) on multi-point captures: PacketLab exports one interface per capture
// point, so one segment appears once per link it crosses, microseconds to milliseconds apart.
// Wireshark labels those copies by packet-tcp.c's rules (retransmission, out-of-order, spurious,
// dup ACK, keep-alive, …) and ACKs them (acks_frame, ack_rtt, iRTT, bytes in flight, RTO); our
// summary lines and tcp.analysis.* fields must equal tshark's on every frame of every sample lab
// scenario. A missing tshark fails.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dissectLines, tsharkLines } from '../../../src-main/cli/testing/dissect-vs-tshark';
import { exportPcapng } from '../../../src-main/engine/export/pcapng';
import { loadSample, runScenario, sampleFiles } from '../../../src-main/engine/testing/samples';

const FIELDS = ['frame.number', 'frame.protocols', 'echo.data', 'echo.request', 'echo.response', 'tcp.stream', 'tcp.analysis.flags', 'tcp.analysis.retransmission', 'tcp.analysis.out_of_order', 'tcp.analysis.duplicate_ack', 'tcp.analysis.spurious_retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame', 'tcp.analysis.keep_alive', 'tcp.analysis.window_update', 'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis', 'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent', 'tcp.analysis.rto', 'tcp.analysis.rto_frame'].flatMap((f) => ['-e', f]);

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'packetlab-tcpmp-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tshark = (args: string[]): string[] => tsharkLines(args);
const ours = (args: string[]): Promise<string[]> => dissectLines(args, tmp);

const labs = sampleFiles.map((file) => ({ file, scenarios: (loadSample(file).scenarios ?? []).map((s) => s.name) }));

describe('TCP analysis on multi-point engine captures equals tshark', () => {
  for (const { file, scenarios } of labs) {
    for (const scenario of scenarios) {
      it(`${file}: ${scenario}`, async () => {
        const { sim } = runScenario(loadSample(file), scenario);
        const name = path.join(tmp, `${file}-${scenario}.pcapng`.replace(/[^\w.-]+/g, '_'));
        writeFileSync(name, exportPcapng(sim.net.capture, { secrets: sim.keyLogText() }));
        // Summary lines and analysis fields of every frame (ICMP echo matching across capture
        // points included: a reply copy already answered says nothing, as in tshark).
        const lines = tshark(['-r', name]);
        expect(await ours([name])).toEqual(lines);
        expect(await ours([name, '-T', 'fields', ...FIELDS])).toEqual(tshark(['-r', name, '-T', 'fields', ...FIELDS]));
        if (file === 'url-journey.lab.json' && scenario !== 'dig the hierarchy') {
          // the journey really shows the same segments at several points
          expect(lines.some((l) => l.includes('[TCP Retransmission]'))).toBe(true);
          expect(lines.some((l) => l.includes('[TCP Dup ACK'))).toBe(true);
        }
      }, 120_000);
    }
  }
});
