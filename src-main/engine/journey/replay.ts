// Services at any frame by replay: the engine is deterministic, so a second simulation of the
// same lab, seed and scenarios captures the same frames. It runs until frame N is captured and,
// at that very moment (inside the capture hook, before the rest of the event runs), snapshots
// the services of every device. It is kept for later frames (stepped forward) and rebuilt only
// when an earlier frame is asked for. Snapshots of the frames visited stay (the most recent
// MAX_KEPT_FRAMES), so stepping back over them needs no replay.
import type { Lab } from '../../../src-shared/lab';
import type { ServicesState } from '../../../src-shared/ipc/contract';
import type { Capture } from '../model/capture';
import { DEFAULT_EVENT_BUDGET, Simulation } from '../simulation';
import type { Micros } from '../sim/time';

/** Frames whose snapshots are kept for stepping back. */
const MAX_KEPT_FRAMES = 256;

export class ServicesReplay {
  private sim: Simulation | null = null;
  /** The frame the replay runs to. */
  private target = 0;
  /** Snapshots of every device at the frames visited (the target and the frames its event sent after it). */
  private byFrame = new Map<number, Map<string, ServicesState>>();
  /** Replays built so far (1 + restarts), for tests and diagnostics. */
  builds = 0;

  constructor(
    private readonly lab: Lab,
    private readonly seed: number,
    private readonly scenarios: readonly { name: string; offset: Micros }[],
    /** The live run's capture: each replayed target frame must be the same frame. */
    private readonly live: Capture,
  ) {}

  /** Services of `device` when frame `frameNo` was captured (0: a fresh build); `until` bounds the replay (the live run's end). */
  at(device: string, frameNo: number, until: Micros): ServicesState {
    if (frameNo < 1) return new Simulation(this.lab, { seed: this.seed }).servicesNow(device);
    const kept = this.byFrame.get(frameNo)?.get(device);
    if (kept) return kept;
    this.target = frameNo;
    if (!this.sim || frameNo <= this.sim.net.capture.count) this.start();
    const sim = this.sim!;
    if (!this.byFrame.has(frameNo)) {
      const result = sim.runUntilFrame(frameNo, { until, budget: DEFAULT_EVENT_BUDGET });
      if (!this.byFrame.has(frameNo)) {
        throw new Error(`replay ended (${result.reason}${result.diagnostic ? `: ${result.diagnostic}` : ''}) with ${sim.net.capture.count} frames before frame ${frameNo}: the run is not reproducible from its lab, seed and scenarios`);
      }
    }
    if (!sameFrame(sim.net.capture, this.live, frameNo)) {
      this.sim = null;
      this.byFrame = new Map();
      throw new Error(`replayed frame ${frameNo} differs from the run's: the run was driven by more than its lab, seed and scenarios, so its services cannot be replayed`);
    }
    const s = this.byFrame.get(frameNo)!.get(device);
    if (!s) throw new Error(`no services snapshot of ${device} at frame ${frameNo}`);
    return s;
  }

  /** A new simulation of the run, with the hook that snapshots from the target frame on. */
  private start(): void {
    this.builds++;
    const sim = new Simulation(this.lab, {
      seed: this.seed,
      onFrame: (s, no) => {
        if (no < this.target || this.byFrame.has(no)) return;
        this.byFrame.set(no, new Map(s.lab.devices.map((d) => [d.name, s.servicesNow(d.name)])));
        if (this.byFrame.size > MAX_KEPT_FRAMES) this.byFrame.delete(this.byFrame.keys().next().value!);
      },
    });
    this.sim = sim;
    for (const sc of this.scenarios) sim.startScenario(sc.name, sc.offset);
  }
}

function sameFrame(a: Capture, b: Capture, no: number): boolean {
  if (no > a.count || no > b.count || a.timeOf(no) !== b.timeOf(no)) return false;
  const x = a.bytesOf(no);
  const y = b.bytesOf(no);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
