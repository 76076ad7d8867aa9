// The current simulation frame drawn over the topology canvas: a dot travelling from the sending
// device to the other end of its link (a lost frame fades out halfway), the link lit up and both
// devices ringed. Positions come from the Cytoscape instance, so panning and zooming keep up.
import { onBeforeUnmount, onMounted, ref, watch } from 'vue';
import type { Core } from 'cytoscape';
import { BASE_FRAME_MS, useSimulationStore } from '../../stores/simulation';
import { useLabStore } from '../../stores/lab';

export interface Point {
  x: number;
  y: number;
}

export interface FrameOverlay {
  from: Point;
  to: Point;
  /** Node radius on screen, to keep rings and the lit link clear of the icons. */
  radius: number;
  dot: Point;
  dotOpacity: number;
  lost: boolean;
  /** 0…1: how far the animation has gone. */
  progress: number;
  label: string;
}

/** Share of the step time the dot spends travelling (the rest it rests at the receiver). */
const TRAVEL_SHARE = 0.8;
const NODE_SIZE = 48;

/** Where the dot is and how visible, `progress` of the way along a frame's trip. */
export function dotAt(from: Point, to: Point, progress: number, lost: boolean): { dot: Point; opacity: number } {
  const p = Math.max(0, Math.min(1, progress));
  // A lost frame travels half the link, then fades there.
  const along = lost ? Math.min(p, 0.5) : p;
  const opacity = lost && p > 0.5 ? Math.max(0, 1 - (p - 0.5) * 2.5) : 1;
  return { dot: { x: from.x + (to.x - from.x) * along, y: from.y + (to.y - from.y) * along }, opacity };
}

/** The segment from `a` to `b` without `radius` at either end (or the midpoint when too short). */
export function trimmed(a: Point, b: Point, radius: number): [Point, Point] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  if (len <= 2 * radius) {
    const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
    return [mid, mid];
  }
  const ux = (dx / len) * radius;
  const uy = (dy / len) * radius;
  return [{ x: a.x + ux, y: a.y + uy }, { x: b.x - ux, y: b.y - uy }];
}

export function useFrameAnimation(getCy: () => Core | null) {
  const sim = useSimulationStore();
  const lab = useLabStore();
  const overlay = ref<FrameOverlay | null>(null);
  let startedAt = 0;
  let duration = 1;
  let raf = 0;
  let boundCy: Core | null = null;

  function nodePoint(cy: Core, deviceName: string): Point | null {
    const id = lab.devices.find((d) => d.name === deviceName)?.id;
    if (!id) return null;
    const node = cy.getElementById(id);
    if (node.empty()) return null;
    const p = node.renderedPosition();
    return { x: p.x, y: p.y };
  }

  function compute(): void {
    const cy = getCy();
    const f = sim.current;
    const to = sim.receiver;
    if (!cy || !f || !to) {
      overlay.value = null;
      return;
    }
    bind(cy);
    const a = nodePoint(cy, f.device);
    const b = nodePoint(cy, to.device);
    if (!a || !b) {
      overlay.value = null;
      return;
    }
    const progress = Math.min(1, (performance.now() - startedAt) / duration);
    const radius = (NODE_SIZE / 2) * cy.zoom() + 6;
    // The dot runs between the two rings, so it never hides a device icon.
    const [start, end] = trimmed(a, b, radius);
    const { dot, opacity } = dotAt(start, end, progress, f.lost);
    overlay.value = { from: a, to: b, radius, dot, dotOpacity: opacity, lost: f.lost, progress, label: String(f.no) };
  }

  function frameLoop(): void {
    raf = 0;
    compute();
    if (overlay.value && overlay.value.progress < 1) raf = requestAnimationFrame(frameLoop);
  }

  function restart(): void {
    startedAt = performance.now();
    duration = (BASE_FRAME_MS * TRAVEL_SHARE) / sim.speed;
    if (raf) cancelAnimationFrame(raf);
    raf = requestAnimationFrame(frameLoop);
  }

  /** Redraw on pan, zoom, resize and node moves when no animation is running. */
  const onView = () => {
    if (!raf) compute();
  };
  function bind(cy: Core): void {
    if (boundCy === cy) return;
    if (boundCy && !boundCy.destroyed()) boundCy.off('viewport resize position', onView);
    boundCy = cy;
    cy.on('viewport resize position', onView);
  }

  watch(() => [sim.current?.no, sim.result?.sessionId], restart);
  watch(() => lab.revision, onView);

  onMounted(() => {
    if (sim.current) restart();
  });
  onBeforeUnmount(() => {
    if (raf) cancelAnimationFrame(raf);
    if (boundCy && !boundCy.destroyed()) boundCy.off('viewport resize position', onView);
    boundCy = null;
  });

  return { overlay };
}
