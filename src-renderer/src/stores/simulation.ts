// Simulation mode, as in Packet Tracer: the engine runs a whole scenario at once (deterministic),
// then the UI replays the recorded frames one at a time. The capture goes to the inspector as
// pcapng (same frame numbers); this store keeps each frame's metadata (why it exists, which link,
// who sent it, whether it was lost), the playback cursor, the capture point and the state of the
// device being looked at, as it was at the current frame.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { Result } from '../../../src-shared/ipc/contract';
import { host } from '../host';
import { useCaptureStore } from './capture';
import { useLabStore } from './lab';

export type RunResult = Extract<Result<'sim.run'>, { ok: true }>;
export type RunError = Extract<Result<'sim.run'>, { ok: false }>['errors'][number];
export type DeviceState = Result<'sim.stateAt'>;
export type SimLink = RunResult['links'][number];

/** A captured frame without its bytes (the inspector has those). */
export interface FrameMeta {
  no: number;
  timeUs: number;
  arrivalUs: number;
  linkId: string;
  device: string;
  iface: string;
  cause: string;
  lost: boolean;
}

export type CapturePoint = { kind: 'all' } | { kind: 'link'; linkId: string } | { kind: 'iface'; device: string; iface: string };

export type SimStatus = 'idle' | 'running' | 'ready' | 'error';

/** Playback speeds offered (multiples of the normal pace). */
export const SPEEDS = [0.25, 0.5, 1, 2, 4, 16] as const;
/** Real milliseconds one frame takes to cross the canvas at speed 1. */
export const BASE_FRAME_MS = 700;
/** Real milliseconds per virtual millisecond of idle time between frames at speed 1 … */
export const IDLE_MS_PER_VIRTUAL_MS = 1;
/** … but a quiet spell in the capture never holds playback longer than this (speed 1). */
export const MAX_IDLE_MS = 1500;
const FRAME_BATCH = 5000;

/** Real milliseconds from showing `cur` until showing `next`, at `speed`. */
export function playbackDelay(cur: FrameMeta | undefined, next: FrameMeta, speed: number): number {
  const idleVirtualMs = cur ? Math.max(0, next.timeUs - cur.arrivalUs) / 1000 : 0;
  const idle = Math.min(MAX_IDLE_MS, idleVirtualMs * IDLE_MS_PER_VIRTUAL_MS);
  return (BASE_FRAME_MS + idle) / speed;
}

/** Whether a frame was seen at a capture point (a link sees both directions; an interface, what it sent or received). */
export function frameMatches(frame: FrameMeta, point: CapturePoint, links: readonly SimLink[]): boolean {
  if (point.kind === 'all') return true;
  if (point.kind === 'link') return frame.linkId === point.linkId;
  if (frame.device === point.device && frame.iface === point.iface) return true;
  const link = links.find((l) => l.id === frame.linkId);
  if (!link) return false;
  const other = link.a.device === frame.device && link.a.interface === frame.iface ? link.b : link.a;
  return other.device === point.device && other.interface === point.iface;
}

/** `frame.number in {1..3 7 9..12}`: a display filter selecting exactly these frame numbers (ascending). */
export function frameNumberFilter(numbers: readonly number[]): string {
  if (numbers.length === 0) return 'frame.number == 0';
  const parts: string[] = [];
  let start = numbers[0];
  let prev = start;
  const flush = () => parts.push(start === prev ? `${start}` : `${start}..${prev}`);
  for (let i = 1; i < numbers.length; i++) {
    const n = numbers[i];
    if (n === prev + 1) {
      prev = n;
      continue;
    }
    flush();
    start = prev = n;
  }
  flush();
  return `frame.number in {${parts.join(' ')}}`;
}

/** Index in `frames` (ascending frame numbers) of frame number `no`, or -1. */
export function indexOfFrame(frames: readonly FrameMeta[], no: number): number {
  let lo = 0;
  let hi = frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = frames[mid].no;
    if (v === no) return mid;
    if (v < no) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The receiving end of a frame: the other end of its link from the sender. */
export function receiverOf(frame: FrameMeta, links: readonly SimLink[]): { device: string; interface: string } | null {
  const link = links.find((l) => l.id === frame.linkId);
  if (!link) return null;
  return link.a.device === frame.device && link.a.interface === frame.iface ? link.b : link.a;
}

function base64ToArrayBuffer(base64: string): ArrayBuffer {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** One action run on its own (Packet Tracer's "add simple PDU"), as in the lab format's scenarios. */
export type QuickAction =
  | { type: 'ping'; from: string; to: string; count?: number }
  | { type: 'traceroute'; from: string; to: string }
  | { type: 'lookup'; from: string; name: string }
  | { type: 'nslookup'; from: string; name: string }
  | { type: 'dhcp'; from: string; action: 'renew' }
  | { type: 'flush'; from: string; cache: 'all' }
  | { type: 'browse'; from: string; url: string };

/** Name of the scenario a quick action runs as (added to the text sent to the engine only). */
export const QUICK_SCENARIO = 'quick action';

/** The lab text with one more scenario holding `action` at time 0. */
export function withQuickScenario(labText: string, action: QuickAction, description: string): string {
  const doc = JSON.parse(labText) as { scenarios?: unknown[] };
  doc.scenarios = [...(Array.isArray(doc.scenarios) ? doc.scenarios : []), { name: QUICK_SCENARIO, description, actions: [{ ...action, atMs: 0 }] }];
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Scenario names and descriptions as written in the lab document. */
export interface ScenarioInfo {
  name: string;
  description: string;
}

export const useSimulationStore = defineStore('simulation', () => {
  const lab = useLabStore();
  const capture = useCaptureStore();

  const scenarios = computed<ScenarioInfo[]>(() => {
    const list = lab.meta?.extra?.scenarios;
    if (!Array.isArray(list)) return [];
    return list
      .filter((s): s is { name: string; description?: unknown } => typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string')
      .map((s) => ({ name: s.name, description: typeof s.description === 'string' ? s.description : '' }));
  });
  const chosenScenario = ref<string | null>(null);
  /** A quick action replacing the scenario for the next runs, with how to describe it. */
  const quickAction = shallowRef<{ action: QuickAction; label: string } | null>(null);
  /** The scenario Run uses: the one picked, else the lab's first. */
  const scenario = computed(() => {
    const names = scenarios.value.map((s) => s.name);
    return chosenScenario.value && names.includes(chosenScenario.value) ? chosenScenario.value : (names[0] ?? null);
  });

  const status = ref<SimStatus>('idle');
  const errors = ref<RunError[]>([]);
  const result = shallowRef<RunResult | null>(null);
  const frames = shallowRef<FrameMeta[]>([]);
  /** The lab revision the result was computed from: edits after it make the run stale. */
  const runRevision = ref(-1);
  const stale = computed(() => result.value !== null && runRevision.value !== lab.revision);

  const capturePoint = ref<CapturePoint>({ kind: 'all' });
  const speed = ref<number>(1);
  const playing = ref(false);
  /** Index into `visible` of the frame shown now; -1: before the first frame. */
  const cursor = ref(-1);

  const visible = computed<FrameMeta[]>(() => {
    const links = result.value?.links ?? [];
    const point = capturePoint.value;
    return point.kind === 'all' ? frames.value : frames.value.filter((f) => frameMatches(f, point, links));
  });
  const current = computed<FrameMeta | null>(() => visible.value[cursor.value] ?? null);
  const atEnd = computed(() => cursor.value >= visible.value.length - 1);
  /** Virtual time now: the current frame's send time (0 before the first). */
  const nowUs = computed(() => current.value?.timeUs ?? 0);
  const currentLink = computed(() => (current.value ? (result.value?.links.find((l) => l.id === current.value!.linkId) ?? null) : null));
  const receiver = computed(() => (current.value && result.value ? receiverOf(current.value, result.value.links) : null));

  /** Apps' output and the event log up to the current time. */
  const outputSoFar = computed(() => (result.value?.output ?? []).filter((o) => o.timeUs <= nowUs.value || (cursor.value >= 0 && atEnd.value)));
  const logSoFar = computed(() => (result.value?.log ?? []).filter((e) => e.timeUs <= nowUs.value || (cursor.value >= 0 && atEnd.value)));

  // Device state at the current frame.
  const pickedDevice = ref<string | null>(null);
  const deviceState = shallowRef<DeviceState | null>(null);
  const deviceStateError = ref<string | null>(null);
  let stateToken = 0;

  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The inspector's capture this run loaded (the user may open another file meanwhile). */
  let ownCapture: unknown = null;
  const inspectorShowsRun = () => capture.status === 'ready' && capture.info !== null && capture.info === ownCapture;
  /** Filter text this store put in the inspector for the capture point (cleared when it goes back to all). */
  let ownFilter: string | null = null;

  /**
   * Whether a display filter the user applied decides where stepping goes (the capture point's own
   * filter shows exactly `visible`): then stepping and playback skip the frames it hides, asking the
   * capture worker for the next displayed frame, as Wireshark's next/previous packet does.
   */
  const filterSteps = ref(false);
  /** Where stepping goes from `cursor` under that filter (indexes into `visible`, -1: nowhere), once found. */
  const filterTargets = shallowRef<{ frames: FrameMeta[]; cursor: number; version: number; back: number; forward: number } | null>(null);

  function syncFilter(): void {
    filterSteps.value = inspectorShowsRun() && capture.appliedFilter !== '' && capture.appliedFilter !== ownFilter;
  }

  /** Index in `visible` of the next displayed frame from `cursor`, asked of the worker (-1: none). */
  async function findTarget(dir: 1 | -1): Promise<number> {
    const frames = visible.value;
    const from = cursor.value;
    if (frames.length === 0) return -1;
    let no = from >= 0 ? frames[from].no : dir === 1 ? 0 : -1;
    if (no < 0) return -1;
    // The filter may show frames of other capture points: go on to the next one this point shows.
    const last = frames[frames.length - 1].no;
    for (;;) {
      const next = await capture.nextDisplayedFrame(no, dir);
      if (next === null || (dir === 1 && next > last) || (dir === -1 && next < frames[0].no)) return -1;
      const i = indexOfFrame(frames, next);
      if (i >= 0) return i;
      no = next;
    }
  }

  /** Finds both step targets for the cursor and filter as they are now (dropped if they change meanwhile). */
  async function refreshTargets(): Promise<void> {
    syncFilter();
    if (!filterSteps.value) return;
    const frames = visible.value;
    const at = cursor.value;
    const version = capture.displayVersion;
    let back = -1;
    let forward = -1;
    try {
      [back, forward] = [await findTarget(-1), await findTarget(1)];
    } catch {
      return; // the capture closed or changed meanwhile: the next refresh sees what is there now
    }
    if (frames === visible.value && at === cursor.value && version === capture.displayVersion) filterTargets.value = { frames, cursor: at, version, back, forward };
  }
  watch(
    () => capture.displayVersion,
    () => void refreshTargets(),
  );

  /** The step target if known now: without a filter it is the neighbour in `visible`. */
  function knownTarget(dir: 1 | -1): number | undefined {
    if (!filterSteps.value) {
      const i = cursor.value + dir;
      return i >= 0 && i < visible.value.length ? i : -1;
    }
    const t = filterTargets.value;
    if (t && t.frames === visible.value && t.cursor === cursor.value && t.version === capture.displayVersion) return dir === 1 ? t.forward : t.back;
    return undefined;
  }

  /** Index in `visible` of the next (1) or previous (-1) frame stepping goes to, or -1. */
  async function stepTarget(dir: 1 | -1): Promise<number> {
    syncFilter();
    const known = knownTarget(dir);
    if (known !== undefined) return known;
    await refreshTargets();
    return knownTarget(dir) ?? -1;
  }
  // Until the worker has answered, stepping is offered (a step that finds nothing stays put).
  const canStepForward = computed(() => (knownTarget(1) ?? 0) >= 0);
  const canStepBack = computed(() => (knownTarget(-1) ?? 0) >= 0);

  function stopTimer(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  async function closeSession(): Promise<void> {
    const id = result.value?.sessionId;
    result.value = null;
    frames.value = [];
    if (id) await host().call('sim.close', { sessionId: id }).catch(() => undefined);
  }

  /** Runs the chosen scenario on the lab as it is now; loads its capture into the inspector. */
  async function run(): Promise<boolean> {
    stopTimer();
    playing.value = false;
    status.value = 'running';
    errors.value = [];
    await closeSession();
    cursor.value = -1;
    deviceState.value = null;
    const revision = lab.revision;
    try {
      const text = lab.serialize();
      const quick = quickAction.value;
      if (quick) {
        // Problems of the lab itself are reported against the text the user has, not the one with
        // the added scenario.
        lab.validateNow();
        const problems = lab.liveProblems.filter((p) => p.severity === 'error');
        if (problems.length) {
          errors.value = problems.map((p) => ({ message: p.message, line: p.line, col: p.col }));
          status.value = 'error';
          return false;
        }
      }
      const r = quick
        ? await host().call('sim.run', { labText: withQuickScenario(text, quick.action, quick.label), scenario: QUICK_SCENARIO })
        : await host().call('sim.run', { labText: text, ...(scenario.value ? { scenario: scenario.value } : {}) });
      if (!r.ok) {
        // Positions in the added scenario would point at text the user never sees.
        errors.value = quick ? r.errors.map((e) => ({ message: e.message })) : r.errors;
        status.value = 'error';
        return false;
      }
      const metas: FrameMeta[] = [];
      for (let start = 1; start <= r.frameCount; start += FRAME_BATCH) {
        const batch = await host().call('sim.frames', { sessionId: r.sessionId, start, count: Math.min(FRAME_BATCH, r.frameCount - start + 1) });
        for (const f of batch) metas.push({ no: f.no, timeUs: f.timeUs, arrivalUs: f.arrivalUs, linkId: f.linkId, device: f.device, iface: f.iface, cause: f.cause, lost: f.lost });
      }
      const pcap = await host().call('sim.pcapng', { sessionId: r.sessionId });
      // The run's TLS secrets, so the inspector shows TLS decrypted (a host without them: none).
      const keyLog = await host()
        .call('sim.secrets', { sessionId: r.sessionId })
        .then((s) => s.keyLog)
        .catch(() => '');
      result.value = r;
      frames.value = metas;
      runRevision.value = revision;
      // Capture points name links and interfaces of this run; keep the choice only if it still exists.
      if (!capturePointExists(capturePoint.value, r.links)) capturePoint.value = { kind: 'all' };
      ownFilter = null;
      await capture.open(base64ToArrayBuffer(pcap.base64), `${quick ? quick.action.type : (r.scenario ?? 'simulation')}.pcapng`, { keyLog });
      ownCapture = capture.info;
      await applyCapturePointFilter();
      status.value = 'ready';
      void refreshState();
      return true;
    } catch (e) {
      errors.value = [{ message: (e as Error).message }];
      status.value = 'error';
      return false;
    }
  }

  function capturePointExists(point: CapturePoint, links: readonly SimLink[]): boolean {
    if (point.kind === 'all') return true;
    if (point.kind === 'link') return links.some((l) => l.id === point.linkId);
    return links.some((l) => [l.a, l.b].some((e) => e.device === point.device && e.interface === point.iface));
  }

  /** Shows only the capture point's frames in the packet list (a display filter on frame numbers). */
  async function applyCapturePointFilter(): Promise<void> {
    if (!inspectorShowsRun()) return;
    if (capturePoint.value.kind === 'all') {
      if (ownFilter !== null && capture.appliedFilter === ownFilter) await capture.clearFilter();
      ownFilter = null;
      return;
    }
    const text = frameNumberFilter(visible.value.map((f) => f.no));
    ownFilter = text;
    await capture.applyFilter(text);
  }

  async function setCapturePoint(point: CapturePoint): Promise<void> {
    const keep = current.value?.no;
    capturePoint.value = point;
    // Stay on the same frame when the new point saw it, else on the last one before it.
    if (keep !== undefined) {
      let i = visible.value.findIndex((f) => f.no >= keep);
      if (i < 0) i = visible.value.length;
      cursor.value = visible.value[i]?.no === keep ? i : i - 1;
    }
    await applyCapturePointFilter();
    await showCurrent();
  }

  /** Selects the current frame in the packet list and refreshes the device state. */
  async function showCurrent(): Promise<void> {
    const f = current.value;
    const tasks: Promise<unknown>[] = [refreshState(), refreshTargets()];
    if (f && inspectorShowsRun()) tasks.push(capture.selectFrame(f.no - 1));
    await Promise.all(tasks);
  }

  async function ensureRun(): Promise<boolean> {
    if (result.value && !stale.value) return true;
    return run();
  }

  async function goTo(index: number): Promise<void> {
    cursor.value = Math.max(-1, Math.min(visible.value.length - 1, index));
    await showCurrent();
  }

  async function stepForward(): Promise<void> {
    pause();
    if (!(await ensureRun())) return;
    const i = await stepTarget(1);
    if (i >= 0) await goTo(i);
  }

  async function stepBack(): Promise<void> {
    pause();
    const i = await stepTarget(-1);
    if (i >= 0) await goTo(i);
  }

  /** Plays from the current frame (running the scenario first if needed). */
  async function play(): Promise<void> {
    if (playing.value) return;
    if (!(await ensureRun())) return;
    if ((await stepTarget(1)) < 0) cursor.value = -1;
    playing.value = true;
    await tick();
  }

  async function tick(): Promise<void> {
    if (!playing.value) return;
    const target = await stepTarget(1);
    if (target < 0) {
      playing.value = false;
      return;
    }
    const prev = current.value ?? undefined;
    await goTo(target);
    if (!playing.value) return;
    const next = visible.value[await stepTarget(1)];
    if (!next) {
      playing.value = false;
      return;
    }
    timer = setTimeout(() => void tick(), playbackDelay(current.value ?? prev, next, speed.value));
  }

  function pause(): void {
    stopTimer();
    playing.value = false;
  }

  async function reset(): Promise<void> {
    pause();
    await goTo(-1);
  }

  /** Leaves simulation mode: closes the session and empties the inspector. */
  async function exit(): Promise<void> {
    pause();
    const mine = inspectorShowsRun();
    if (mine && ownFilter !== null && capture.appliedFilter === ownFilter) capture.filterText = '';
    ownFilter = null;
    ownCapture = null;
    await closeSession();
    cursor.value = -1;
    status.value = 'idle';
    errors.value = [];
    deviceState.value = null;
    if (mine) await capture.close();
  }

  function setSpeed(s: number): void {
    speed.value = s;
  }

  function chooseScenario(name: string): void {
    chosenScenario.value = name;
    quickAction.value = null;
  }

  /** Runs one action on its own from the start of a fresh network, then plays it. */
  async function runAction(action: QuickAction, label: string): Promise<boolean> {
    quickAction.value = { action, label };
    if (!(await run())) return false;
    await play();
    return true;
  }

  /** The device whose state is shown: the one picked, else the current frame's sender. */
  const stateDevice = computed(() => pickedDevice.value ?? current.value?.device ?? null);

  function pickDevice(name: string | null): void {
    pickedDevice.value = name;
  }

  async function refreshState(): Promise<void> {
    const r = result.value;
    const device = stateDevice.value;
    const token = ++stateToken;
    if (!r || !device) {
      deviceState.value = null;
      return;
    }
    try {
      const s = await host().call('sim.stateAt', { sessionId: r.sessionId, device, frame: current.value?.no ?? 0 });
      if (token !== stateToken) return;
      deviceState.value = s;
      deviceStateError.value = null;
    } catch (e) {
      if (token !== stateToken) return;
      deviceState.value = null;
      deviceStateError.value = (e as Error).message;
    }
  }
  watch(stateDevice, () => void refreshState());

  // Errors describe the lab as it was run; an edit (a fix, or an undo) makes them out of date.
  watch(
    () => lab.revision,
    () => {
      if (status.value !== 'error') return;
      errors.value = [];
      status.value = 'idle';
    },
  );

  // A frame picked in the packet list becomes the current frame (the canvas animates it).
  watch(
    () => capture.selectedFrame,
    (frame) => {
      if (!result.value || !inspectorShowsRun() || frame < 0 || current.value?.no === frame + 1) return;
      const i = visible.value.findIndex((f) => f.no === frame + 1);
      if (i < 0) return;
      pause();
      cursor.value = i;
      void refreshState();
    },
  );

  return {
    scenarios,
    scenario,
    quickAction,
    status,
    errors,
    result,
    frames,
    stale,
    capturePoint,
    speed,
    playing,
    cursor,
    visible,
    current,
    currentLink,
    receiver,
    atEnd,
    canStepForward,
    canStepBack,
    nowUs,
    outputSoFar,
    logSoFar,
    stateDevice,
    pickedDevice,
    deviceState,
    deviceStateError,
    run,
    play,
    pause,
    stepForward,
    stepBack,
    reset,
    exit,
    goTo,
    setSpeed,
    setCapturePoint,
    chooseScenario,
    runAction,
    pickDevice,
    refreshState,
  };
});
