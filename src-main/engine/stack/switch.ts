// A learning Ethernet switch: learns source MACs per port (with aging), forwards known unicast,
// floods broadcast, multicast and unknown unicast. Switches run no spanning tree, so a loop makes a
// broadcast storm; the switch detects it (the same flooded frame seen again and again) and stops
// the simulation with a diagnostic instead of looping forever.
import { formatMac, isMulticastMac, macFromKey, macToKey } from '../../../src-shared/net/addr';
import { ETH_DST, ETH_HEADER_LENGTH, ETH_SRC, parseEthernet } from '../../../src-shared/net/wire/ethernet';
import { Device, type NetInterface } from '../model/node';
import type { Network } from '../model/network';
import { formatTime } from '../sim/time';

export const DEFAULT_MAC_AGING = 300_000_000;
/** A flooded frame seen this many times within STORM_WINDOW means the frame is circling a loop. */
export const STORM_REPEATS = 32;
export const STORM_WINDOW = 1_000_000;

interface MacEntry {
  port: NetInterface;
  expires: number;
  /** Cause of frames forwarded to this entry, built once (the switch's hot path). */
  cause: string;
}

export class Switch extends Device {
  private readonly table = new Map<number, MacEntry>();
  private floodSeen = new Map<number, number>();
  private windowStart = 0;
  private stormed = false;

  constructor(
    net: Network,
    name: string,
    readonly agingTime = DEFAULT_MAC_AGING,
  ) {
    super(net, name, 'switch');
  }

  macTable(): { mac: string; port: string; expires: number }[] {
    return [...this.table.entries()].map(([key, e]) => ({ mac: formatMac(macFromKey(key)), port: e.port.name, expires: e.expires }));
  }

  receive(inPort: NetInterface, frame: Uint8Array): void {
    if (this.stormed || frame.length < ETH_HEADER_LENGTH) return;
    const now = this.net.now;
    if (!isMulticastMac(frame, ETH_SRC)) {
      const key = macToKey(frame, ETH_SRC);
      const e = this.table.get(key);
      if (!e || e.port !== inPort || e.expires - now < this.agingTime / 2) {
        // Refresh the aging timer at most every half period so steady traffic does not flood the state log.
        const mac = formatMac(frame, ETH_SRC);
        this.table.set(key, { port: inPort, expires: now + this.agingTime, cause: `${this.name} forwards to ${inPort.name}: ${mac} was learned there` });
        this.net.state.set(this.name, 'mac', mac, { mac, port: inPort.name, expires: now + this.agingTime });
      }
    }
    const multicast = isMulticastMac(frame, ETH_DST);
    if (!multicast) {
      const e = this.table.get(macToKey(frame, ETH_DST));
      if (e && e.expires > now) {
        if (e.port === inPort) return; // destination is on the port it came from: filter
        if (e.port.up) e.port.send(frame, e.cause);
        return;
      }
    }
    if (this.detectStorm(frame, inPort)) return;
    const cause = multicast ? `${this.name} floods a ${frame[ETH_DST] === 0xff ? 'broadcast' : 'multicast'} frame from ${inPort.name}` : `${this.name} floods: ${formatMac(frame, ETH_DST)} is not in its MAC table`;
    for (const port of this.interfaces) if (port !== inPort && port.up) port.send(frame, cause);
  }

  private detectStorm(frame: Uint8Array, inPort: NetInterface): boolean {
    const now = this.net.now;
    if (now - this.windowStart >= STORM_WINDOW) {
      this.windowStart = now;
      this.floodSeen = new Map();
    }
    const h = hashFrame(frame);
    const n = (this.floodSeen.get(h) ?? 0) + 1;
    this.floodSeen.set(h, n);
    if (n < STORM_REPEATS) return false;
    this.stormed = true;
    const eth = parseEthernet(frame);
    const what = eth.ok ? `${formatMac(eth.repr.src)} → ${formatMac(eth.repr.dst)} type 0x${eth.repr.ethertype.toString(16).padStart(4, '0')}` : 'a frame';
    const message =
      `broadcast storm: switch ${this.name} flooded the same frame (${what}) ${n} times within ${STORM_WINDOW / 1000} ms, last on ${inPort.name} at t=${formatTime(now)} s. ` +
      'The switches form a loop and PacketLab switches run no spanning tree: remove one of the redundant links.';
    this.net.log.add(now, 'error', this.name, message);
    this.net.stop(message);
    return true;
  }

  override linkChanged(port: NetInterface): void {
    if (port.up) return;
    for (const [key, e] of this.table) {
      if (e.port === port) {
        this.table.delete(key);
        this.net.state.delete(this.name, 'mac', formatMac(macFromKey(key)));
      }
    }
  }
}

/** FNV-1a over the frame bytes: identifies "the same frame again". */
function hashFrame(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}
