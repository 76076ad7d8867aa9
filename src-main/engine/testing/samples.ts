// Loading and running the sample labs in topologies/ (shared by the sample tests).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadLabText, type Lab } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { exportPcapng } from '../export/pcapng';
import type { RunResult } from '../sim/scheduler';

const dir = fileURLToPath(new URL('../../../topologies', import.meta.url));
export const sampleFiles = readdirSync(dir).filter((f) => f.endsWith('.lab.json')).sort();

export function loadSample(file: string): Lab {
  const r = loadLabText(readFileSync(path.join(dir, file), 'utf8'));
  if (!r.ok) throw new Error(`${file}: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.lab;
}

export function runScenario(lab: Lab, scenario: string, seed?: number): { sim: Simulation; pcap: Uint8Array; result: RunResult } {
  const sim = new Simulation(lab, { seed });
  sim.startScenario(scenario);
  const result = sim.run({ until: sim.scenarioEnd });
  return { sim, result, pcap: exportPcapng(sim.net.capture, { application: 'PacketLab test' }) };
}

