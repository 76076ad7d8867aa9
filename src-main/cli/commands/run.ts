// `packetlab run LAB`: runs a lab headless in virtual time, prints the packet list as `dissect`
// does (plus the apps' terminal output) and optionally writes the capture as pcapng.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatIssue, loadLabText } from '../../../src-shared/lab';
import { createPacket, createSession } from '../../../src-shared/net/dissect';
import { summaryLine } from '../../../src-shared/net/dissect/summary';
import { APP_NAME, APP_VERSION } from '../../../src-shared/app-info';
import { Simulation, DEFAULT_EVENT_BUDGET } from '../../engine/simulation';
import { exportPcapng } from '../../engine/export/pcapng';
import { VIRTUAL_EPOCH_SECONDS, formatTime } from '../../engine/sim/time';
import { intOption, parseArgs } from '../args';
import { UsageError, type CliCommand } from '../command';
import { readLabFile } from './validate';

const usage = `Usage: packetlab run LAB [--scenario NAME] [--until SECONDS] [--seed N] [--pcap OUT.pcapng]
                     [--budget EVENTS] [--log] [--quiet]

Runs the lab in virtual time and prints every frame on every link, one summary line each (as
\`packetlab dissect\` prints), then what the apps printed (ping, traceroute, …).

Options:
  --scenario NAME   scenario to run (default: the lab's first)
  --until SECONDS   stop at this virtual time (default: when the scenario is done and the network idle)
  --seed N          PRNG seed (default: the lab's seed); same lab and seed give the same capture
  --pcap FILE       write the capture as pcapng, one interface per capture point (<device>-<interface>)
  --budget EVENTS   stop after this many events (default ${DEFAULT_EVENT_BUDGET})
  --log             also print the event log (drops, NAT mappings, routing, diagnostics) to stderr
  --quiet           do not print the packet list`;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run a lab headless; print the packet list, write pcapng',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, { scenario: { value: true }, until: { value: true }, seed: { value: true }, pcap: { value: true }, budget: { value: true }, log: {}, quiet: {} });
    if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length ? `unexpected argument ${parsed.positionals[1]}` : 'missing LAB');
    const file = parsed.positionals[0];
    const untilText = parsed.options.get('until')?.[0];
    let until: number | undefined;
    if (untilText !== undefined) {
      const s = Number(untilText);
      if (!Number.isFinite(s) || s < 0 || s > 1e7) throw new UsageError(`--until needs a number of seconds, got "${untilText}"`);
      until = Math.round(s * 1_000_000);
    }
    const seed = intOption(parsed, 'seed', 0, 0xffffffff);
    const budget = intOption(parsed, 'budget', 1, Number.MAX_SAFE_INTEGER);

    const text = readLabFile(file, io, 'run');
    if (text === null) return 1;
    const loaded = loadLabText(text);
    if (!loaded.ok) {
      io.err(loaded.errors.map((e) => formatIssue(file, e) + '\n').join(''));
      return 1;
    }
    const sim = new Simulation(loaded.lab, { seed });
    const scenarioName = parsed.options.get('scenario')?.[0];
    if (scenarioName !== undefined || (loaded.lab.scenarios ?? []).length > 0) {
      try {
        sim.startScenario(scenarioName);
      } catch (e) {
        io.err(`packetlab run: ${(e as Error).message}\n`);
        return 1;
      }
    }
    const result = sim.run({ until, budget });
    const capture = sim.net.capture;

    if (!parsed.options.has('quiet')) {
      const packet = createPacket({ tree: false, columns: true, wanted: null });
      const session = createSession({});
      const lines: string[] = [];
      for (let no = 1; no <= capture.count; no++) {
        const t = capture.timeOf(no);
        const bytes = capture.bytesOf(no);
        session.dissect(packet, bytes, no, bytes.length, VIRTUAL_EPOCH_SECONDS + Math.floor(t / 1_000_000), (t % 1_000_000) * 1000, 1);
        lines.push(summaryLine(packet, 6));
        if (lines.length === 4096) {
          io.out(lines.join('\n') + '\n');
          lines.length = 0;
        }
      }
      if (lines.length) io.out(lines.join('\n') + '\n');
    }
    if (sim.net.output.length) {
      io.out('\n' + sim.net.output.map((l) => `[${l.device}] ${l.text}\n`).join(''));
    }
    const pcap = parsed.options.get('pcap')?.[0];
    if (pcap !== undefined) {
      const bytes = exportPcapng(capture, { application: `${APP_NAME} ${APP_VERSION}`, comment: loaded.lab.name });
      try {
        writeFileSync(path.resolve(io.cwd, pcap), bytes);
      } catch (e) {
        io.err(`packetlab run: cannot write ${pcap}: ${(e as Error).message}\n`);
        return 1;
      }
    }
    if (parsed.options.has('log')) {
      io.err(sim.net.log.entries.map((e) => `${formatTime(e.time)} ${e.level.padEnd(5)} ${e.source}: ${e.message}\n`).join(''));
    }
    io.err(`${capture.count} frames, ${result.processed} events, ended at t=${formatTime(result.now)} s (${result.reason})\n`);
    if (result.reason === 'budget' || result.reason === 'stopped') {
      io.err(`packetlab run: ${result.diagnostic}\n`);
      return 1;
    }
    return 0;
  },
};
