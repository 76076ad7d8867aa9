// Devices and their interfaces. A device receives frames from its interfaces and sends through
// them; what it does in between is its stack (see ../stack).
import { macToKey, type MacAddress } from '../../../src-shared/net/addr';
import type { Link } from './link';
import type { CapturePoint } from './capture';
import type { Network } from './network';

export interface Ipv4Assignment {
  address: number;
  prefixLength: number;
}

export class NetInterface {
  readonly macKey: number;
  link: Link | null = null;
  /** Which end of `link` this interface is (0 = a, 1 = b). */
  side: 0 | 1 = 0;
  capturePoint: CapturePoint | null = null;

  constructor(
    readonly device: Device,
    readonly name: string,
    readonly mac: MacAddress,
    public ipv4: Ipv4Assignment | null,
    readonly mtu: number,
  ) {
    this.macKey = macToKey(mac);
  }

  /** "pc1 eth0" */
  get label(): string {
    return `${this.device.name} ${this.name}`;
  }

  /** Carrier: connected to a link that is up. */
  get up(): boolean {
    return this.link !== null && this.link.up;
  }

  /** Puts a frame on the wire. Returns false when there is no carrier. */
  send(frame: Uint8Array, cause: string): boolean {
    if (!this.link) {
      this.device.net.log.add(this.device.net.now, 'warn', this.device.name, `${this.name} is not connected; frame dropped (${cause})`);
      return false;
    }
    return this.link.transmit(this, frame, cause);
  }
}

export abstract class Device {
  readonly interfaces: NetInterface[] = [];
  private readonly byName = new Map<string, NetInterface>();

  constructor(
    readonly net: Network,
    readonly name: string,
    readonly type: 'host' | 'router' | 'switch',
  ) {}

  addInterface(iface: NetInterface): void {
    this.interfaces.push(iface);
    this.byName.set(iface.name, iface);
  }

  iface(name: string): NetInterface | undefined {
    return this.byName.get(name);
  }

  /** A frame arrived on `iface`. `frame` is shared with the capture: never modify it. */
  abstract receive(iface: NetInterface, frame: Uint8Array): void;

  /** Called when a link attached to this device goes up or down. */
  linkChanged(_iface: NetInterface): void {}
}
