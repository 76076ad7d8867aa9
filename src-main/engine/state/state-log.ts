// Device tables as they were at any frame: every change to an ARP cache, MAC table, routing table
// or NAT table is appended here with the number of frames captured before it. State at frame N
// is the replay of the changes made before frame N went on the wire.
import type { Micros } from '../sim/time';

export type TableName = 'arp' | 'mac' | 'routes' | 'nat' | 'tcp';

export interface ArpRow {
  address: number;
  dev: string;
  /** Absent while INCOMPLETE or FAILED. */
  mac?: string;
  state: 'PERMANENT' | 'REACHABLE' | 'INCOMPLETE' | 'FAILED';
  /** When a REACHABLE entry expires (it is then gone from the cache). */
  expires?: Micros;
}

export interface MacRow {
  mac: string;
  port: string;
  /** Learned entries age out at this time. */
  expires: Micros;
}

export interface RouteRow {
  type: 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';
  dst: number;
  prefixLength: number;
  via?: number;
  dev?: string;
  proto?: 'kernel' | 'static' | 'boot' | 'linkstate' | 'dhcp' | 'redirect';
  scope?: 'global' | 'link' | 'host';
  src?: number;
  metric?: number;
  /** For link-state routes: how SPF derived it, one line per step. */
  derivation?: string[];
}

export interface NatRow {
  protocol: 'icmp' | 'udp' | 'tcp';
  insideAddress: number;
  insidePort: number;
  outsideAddress: number;
  outsidePort: number;
  remoteAddress: number;
  remotePort: number;
  created: Micros;
  /** Idle timeout: the mapping is gone after this time unless traffic refreshes it. */
  expires: Micros;
}

/** A TCP connection as `ss -tan` shows it (listeners are not recorded). */
export interface TcpRow {
  local: number;
  localPort: number;
  remote: number;
  remotePort: number;
  state: string;
  /** Why it entered this state. */
  cause: string;
}

export interface TableRows {
  arp: ArpRow;
  mac: MacRow;
  routes: RouteRow;
  nat: NatRow;
  tcp: TcpRow;
}

export interface TableChange {
  /** Frames captured before this change. */
  afterFrame: number;
  time: Micros;
  device: string;
  table: TableName;
  key: string;
  /** New row, or null when the entry was removed. */
  row: TableRows[TableName] | null;
}

export interface DeviceState {
  device: string;
  /** Time of the frame the state belongs to (expired entries are left out). */
  time: Micros;
  arp: ArpRow[];
  mac: MacRow[];
  routes: RouteRow[];
  nat: NatRow[];
  /** TCP connections (absent in states recorded before TCP existed). */
  tcp?: TcpRow[];
}

export class StateLog {
  private readonly byDevice = new Map<string, TableChange[]>();

  constructor(
    private readonly frameCount: () => number,
    private readonly now: () => Micros,
  ) {}

  set<T extends TableName>(device: string, table: T, key: string, row: TableRows[T]): void {
    this.push({ afterFrame: this.frameCount(), time: this.now(), device, table, key, row });
  }

  delete(device: string, table: TableName, key: string): void {
    this.push({ afterFrame: this.frameCount(), time: this.now(), device, table, key, row: null });
  }

  changes(device: string): readonly TableChange[] {
    return this.byDevice.get(device) ?? [];
  }

  /**
   * Tables of `device` as they were when frame `frameNo` crossed the wire, at `time` (the frame's
   * time). Frame 0 gives the state before the first frame, like frame 1.
   */
  stateAt(device: string, frameNo: number, time: Micros): DeviceState {
    const tables: { [K in TableName]: Map<string, TableRows[K]> } = { arp: new Map(), mac: new Map(), routes: new Map(), nat: new Map(), tcp: new Map() };
    const limit = Math.max(frameNo, 1);
    for (const c of this.changes(device)) {
      if (c.afterFrame >= limit) break;
      const t = tables[c.table] as Map<string, unknown>;
      if (c.row === null) t.delete(c.key);
      else t.set(c.key, c.row);
    }
    const live = <R extends { expires?: Micros }>(rows: Iterable<R>): R[] => [...rows].filter((r) => r.expires === undefined || r.expires > time);
    return {
      device,
      time,
      arp: live(tables.arp.values()),
      mac: live(tables.mac.values()),
      routes: [...tables.routes.values()],
      nat: live(tables.nat.values()),
      tcp: [...tables.tcp.values()],
    };
  }

  private push(change: TableChange): void {
    let list = this.byDevice.get(change.device);
    if (!list) this.byDevice.set(change.device, (list = []));
    list.push(change);
  }
}
