// Every frame put on every link, in order: the single source of truth for the packet list, the
// canvas animation, device state at frame N and pcapng export. Stored in columns (typed arrays
// plus one array of byte views) because a lab can produce millions of frames.
import type { Micros } from '../sim/time';

/** A capture point: one connected interface, exported as one pcapng interface `<device>-<iface>`. */
export interface CapturePoint {
  id: number;
  device: string;
  interface: string;
  linkId: string;
}

export interface CapturedFrame {
  /** 1-based, as Wireshark numbers frames. */
  no: number;
  /** Virtual time the frame started onto the wire. */
  time: Micros;
  linkId: string;
  /** Capture point of the sending interface. */
  fromInterface: CapturePoint;
  bytes: Uint8Array;
  /** The event or step that produced the frame, in words. */
  cause: string;
  /** Set when the link's random loss dropped it (it was sent, never delivered). */
  lost: boolean;
  /** When the last bit reaches the far end (serialization + latency): for the canvas animation. */
  arrival: Micros;
}

export class Capture {
  readonly points: CapturePoint[] = [];
  private times = new Float64Array(1024);
  private arrivals = new Float64Array(1024);
  private pointIds = new Int32Array(1024);
  private causeIds = new Int32Array(1024);
  private flags = new Uint8Array(1024);
  private data: Uint8Array[] = [];
  private causes: string[] = [];
  private causeIndex = new Map<string, number>();
  private _count = 0;

  get count(): number {
    return this._count;
  }

  addPoint(device: string, iface: string, linkId: string): CapturePoint {
    const p = { id: this.points.length, device, interface: iface, linkId };
    this.points.push(p);
    return p;
  }

  /** Records a frame; returns its number. `bytes` must not be modified afterwards. */
  record(time: Micros, point: CapturePoint, bytes: Uint8Array, cause: string, lost: boolean, arrival: Micros = time): number {
    const i = this._count;
    if (i === this.times.length) this.grow();
    let c = this.causeIndex.get(cause);
    if (c === undefined) {
      c = this.causes.length;
      this.causes.push(cause);
      this.causeIndex.set(cause, c);
    }
    this.times[i] = time;
    this.arrivals[i] = arrival;
    this.pointIds[i] = point.id;
    this.causeIds[i] = c;
    this.flags[i] = lost ? 1 : 0;
    this.data.push(bytes);
    this._count = i + 1;
    return i + 1;
  }

  /** Frame `no` (1-based) as a record. */
  frame(no: number): CapturedFrame {
    if (!Number.isInteger(no) || no < 1 || no > this._count) throw new RangeError(`no frame ${no} (capture has ${this._count})`);
    const i = no - 1;
    const point = this.points[this.pointIds[i]];
    return { no, time: this.times[i], linkId: point.linkId, fromInterface: point, bytes: this.data[i], cause: this.causes[this.causeIds[i]], lost: this.flags[i] === 1, arrival: this.arrivals[i] };
  }

  timeOf(no: number): Micros {
    return this.times[no - 1];
  }

  bytesOf(no: number): Uint8Array {
    return this.data[no - 1];
  }

  *frames(): IterableIterator<CapturedFrame> {
    for (let no = 1; no <= this._count; no++) yield this.frame(no);
  }

  private grow(): void {
    const n = this.times.length * 2;
    const t = new Float64Array(n);
    t.set(this.times);
    this.times = t;
    const a = new Float64Array(n);
    a.set(this.arrivals);
    this.arrivals = a;
    const p = new Int32Array(n);
    p.set(this.pointIds);
    this.pointIds = p;
    const c = new Int32Array(n);
    c.set(this.causeIds);
    this.causeIds = c;
    const f = new Uint8Array(n);
    f.set(this.flags);
    this.flags = f;
  }
}
