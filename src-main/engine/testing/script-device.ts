// A scripted peer for behaviour tests: records every frame it receives (with the time) and
// injects frames the test builds, like the fake interfaces smoltcp's tests drive devices with.
import { Device, NetInterface } from '../model/node';
import type { Network } from '../model/network';
import { describeFrame } from './frames';

export interface ReceivedFrame {
  time: number;
  port: string;
  bytes: Uint8Array;
  text: string;
}

export class ScriptDevice extends Device {
  readonly received: ReceivedFrame[] = [];

  constructor(net: Network, name: string) {
    super(net, name, 'host');
  }

  addPort(name: string, mac: Uint8Array): NetInterface {
    const iface = new NetInterface(this, name, mac, null, 1500);
    this.addInterface(iface);
    return iface;
  }

  receive(iface: NetInterface, frame: Uint8Array): void {
    this.received.push({ time: this.net.now, port: iface.name, bytes: frame, text: describeFrame(frame) });
  }

  /** Frames received since the last call. */
  take(): ReceivedFrame[] {
    return this.received.splice(0, this.received.length);
  }

  inject(port: string, frame: Uint8Array, cause = `${this.name} (test script)`): void {
    const iface = this.iface(port);
    if (!iface) throw new Error(`${this.name} has no port ${port}`);
    iface.send(frame, cause);
  }
}
