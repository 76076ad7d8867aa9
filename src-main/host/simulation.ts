// Simulation sessions for the renderer: run a scenario of a lab in the engine, then serve its frames,
// device state at any frame and the pcapng export. Runs are deterministic (same lab + seed ⇒ same
// bytes), so a session is just a finished run kept in memory until closed or evicted.
import { APP_NAME, APP_VERSION } from '../../src-shared/app-info';
import { HostError } from '../../src-shared/ipc/client';
import type { Params, Result } from '../../src-shared/ipc/contract';
import { loadLabText } from '../../src-shared/lab';
import { formatRoute } from '../../src-shared/lab/tables';
import { exportPcapng } from '../engine/export/pcapng';
import { DEFAULT_EVENT_BUDGET, Simulation } from '../engine/simulation';
import { formatArpRows, formatMacRows, formatNatRows, formatRouteRows } from '../engine/state/format';
import type { TcpRow } from '../engine/state/state-log';
import { formatIpv4 } from '../../src-shared/net/addr';

/** Finished runs kept at once; the oldest is dropped first. */
const MAX_SESSIONS = 4;
const MAX_LOG_LINES = 10_000;

interface Session {
  sim: Simulation;
  name: string;
}

/** TCP connections in the shape of `ss -tan` (state, local, peer), plus why each is in its state. */
function formatTcpRows(rows: readonly TcpRow[]): string {
  return rows
    .map((r) => `${r.state.padEnd(11)} ${`${formatIpv4(r.local)}:${r.localPort}`.padEnd(21)} ${`${formatIpv4(r.remote)}:${r.remotePort}`.padEnd(21)} # ${r.cause}\n`)
    .join('');
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export function createSimulationServices() {
  const sessions = new Map<string, Session>();
  let nextId = 1;

  function session(id: string): Session {
    const s = sessions.get(id);
    if (!s) throw new HostError('not-found', `no simulation session ${id} (it was closed or replaced by newer runs)`);
    return s;
  }

  return {
    async 'sim.run'({ labText, scenario, seed, untilMs }: Params<'sim.run'>): Promise<Result<'sim.run'>> {
      const loaded = loadLabText(labText);
      if (!loaded.ok) return { ok: false, errors: loaded.errors.map((e) => ({ message: e.message, line: e.line, col: e.col })) };
      const lab = loaded.lab;
      const sim = new Simulation(lab, { seed });
      let started: string | null = null;
      if (scenario !== undefined || (lab.scenarios ?? []).length > 0) {
        try {
          started = sim.startScenario(scenario).name;
        } catch (error) {
          return { ok: false, errors: [{ message: (error as Error).message }] };
        }
      }
      const result = sim.run({ until: untilMs === undefined ? undefined : Math.round(untilMs * 1000), budget: DEFAULT_EVENT_BUDGET });
      const sessionId = `s${nextId++}`;
      sessions.set(sessionId, { sim, name: lab.name ?? 'lab' });
      while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      return {
        ok: true,
        sessionId,
        scenario: started,
        frameCount: sim.net.capture.count,
        endedAtUs: result.now,
        reason: result.reason,
        diagnostic: result.diagnostic ?? null,
        links: lab.links.map((l, i) => ({ id: l.id ?? `L${i + 1}`, a: l.a, b: l.b })),
        output: sim.net.output.map((o) => ({ timeUs: o.time, device: o.device, text: o.text })),
        log: sim.net.log.entries.slice(0, MAX_LOG_LINES).map((e) => ({ timeUs: e.time, level: e.level, source: e.source, message: e.message })),
      };
    },

    async 'sim.frames'({ sessionId, start, count }: Params<'sim.frames'>): Promise<Result<'sim.frames'>> {
      const { sim } = session(sessionId);
      const capture = sim.net.capture;
      const frames: Result<'sim.frames'> = [];
      for (let no = start; no < start + count && no <= capture.count; no++) {
        const f = capture.frame(no);
        frames.push({
          no,
          timeUs: f.time,
          arrivalUs: f.arrival,
          linkId: f.linkId,
          device: f.fromInterface.device,
          iface: f.fromInterface.interface,
          cause: f.cause,
          lost: f.lost,
          step: sim.frameStep(no),
          base64: toBase64(f.bytes),
        });
      }
      return frames;
    },

    async 'sim.stateAt'({ sessionId, device, frame }: Params<'sim.stateAt'>): Promise<Result<'sim.stateAt'>> {
      const { sim } = session(sessionId);
      if (!sim.device(device)) throw new HostError('not-found', `the lab has no device ${device}`);
      const state = sim.stateAt(device, Math.min(frame, sim.net.capture.count));
      return {
        device,
        timeUs: state.time,
        routes: formatRouteRows(state.routes),
        arp: formatArpRows(state.arp),
        mac: formatMacRows(state.mac, state.time),
        nat: formatNatRows(state.nat, state.time),
        tcp: formatTcpRows(state.tcp ?? []),
        // Replayed to the frame (the engine keeps the replay for the next steps forward).
        services: sim.servicesAt(device, Math.min(frame, sim.net.capture.count)),
        derivations: state.routes.filter((r) => r.derivation?.length).map((r) => ({ route: formatRoute(r), steps: r.derivation! })),
      };
    },

    async 'sim.pcapng'({ sessionId }: Params<'sim.pcapng'>): Promise<Result<'sim.pcapng'>> {
      const { sim, name } = session(sessionId);
      // The TLS key log goes into a Decryption Secrets Block: Wireshark decrypts with no extra file.
      const bytes = exportPcapng(sim.net.capture, { application: `${APP_NAME} ${APP_VERSION}`, comment: name, secrets: sim.keyLogText() || undefined });
      return { base64: toBase64(bytes), frames: sim.net.capture.count };
    },

    async 'sim.journey'({ sessionId }: Params<'sim.journey'>): Promise<Result<'sim.journey'>> {
      return session(sessionId).sim.journeyRecord();
    },

    async 'sim.secrets'({ sessionId }: Params<'sim.secrets'>): Promise<Result<'sim.secrets'>> {
      return { keyLog: session(sessionId).sim.keyLogText() };
    },

    async 'sim.close'({ sessionId }: Params<'sim.close'>): Promise<Result<'sim.close'>> {
      return { closed: sessions.delete(sessionId) };
    },
  };
}
