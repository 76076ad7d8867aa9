// Helpers for behaviour tests: small labs written inline, a scripted peer attached to a device,
// and frame builders that use the shared codecs.
import { ipv4, mac, type MacAddress } from '../../../src-shared/net/addr';
import { ArpOperation, emitArp } from '../../../src-shared/net/wire/arp';
import { EtherType, emitEthernet } from '../../../src-shared/net/wire/ethernet';
import { emitIcmp, type IcmpRepr } from '../../../src-shared/net/wire/icmp';
import { emitIpv4, IpProtocol } from '../../../src-shared/net/wire/ipv4';
import { emitTcp } from '../../../src-shared/net/wire/tcp';
import { emitUdp } from '../../../src-shared/net/wire/udp';
import { LabSchema, type Lab, type LabDevice, type LabLink } from '../../../src-shared/lab';
import { validateLabDocument } from '../../../src-shared/lab';
import { Simulation } from '../simulation';
import { ScriptDevice } from './script-device';

export function host(name: string, ip: string, macText: string, extra: Partial<LabDevice> = {}): LabDevice {
  return { name, type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', mac: macText, ipv4: ip }], ...extra };
}

export function link(a: string, b: string, extra: Partial<LabLink> = {}): LabLink {
  const [ad, ai] = a.split(':');
  const [bd, bi] = b.split(':');
  return { a: { device: ad, interface: ai }, b: { device: bd, interface: bi }, ...extra };
}

/** Validates (so tests exercise the same path as files) and returns the lab. */
export function makeLab(devices: LabDevice[], links: LabLink[], extra: Partial<Lab> = {}): Lab {
  const doc = LabSchema.parse({ version: 2, devices, links, ...extra });
  const r = validateLabDocument(doc);
  if (!r.ok) throw new Error('test lab is invalid: ' + r.errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; '));
  return r.lab;
}

export const PEER_MAC = mac('02:00:00:00:ee:01');

/** A simulation with a scripted peer named "peer" on port p0, wired to `to`. */
export function withPeer(lab: Lab, to: string, latencyMs = 1): { sim: Simulation; peer: ScriptDevice } {
  const sim = new Simulation(lab);
  const peer = new ScriptDevice(sim.net, 'peer');
  peer.addPort('p0', PEER_MAC);
  const [device, iface] = to.split(':');
  sim.attach(peer, 'p0', { device, interface: iface }, { id: 'peer-link', latency: latencyMs * 1000 });
  return { sim, peer };
}

export function arpFrame(op: 'request' | 'reply', senderMac: MacAddress, senderIp: string, targetMac: MacAddress, targetIp: string, dst?: MacAddress): Uint8Array {
  const arp = emitArp({ operation: op === 'request' ? ArpOperation.Request : ArpOperation.Reply, senderMac, senderIp: ipv4(senderIp), targetMac, targetIp: ipv4(targetIp) });
  return emitEthernet({ dst: dst ?? (op === 'request' ? mac('ff:ff:ff:ff:ff:ff') : targetMac), src: senderMac, ethertype: EtherType.ARP }, arp);
}

export function ipFrame(srcMac: MacAddress, dstMac: MacAddress, fields: { src: string; dst: string; ttl?: number; protocol: number; identification?: number; dontFragment?: boolean }, payload: Uint8Array): Uint8Array {
  const ip = emitIpv4({ ...fields, src: ipv4(fields.src), dst: ipv4(fields.dst) }, payload);
  return emitEthernet({ dst: dstMac, src: srcMac, ethertype: EtherType.IPv4 }, ip);
}

export function icmpFrame(srcMac: MacAddress, dstMac: MacAddress, src: string, dst: string, repr: IcmpRepr, ttl = 64): Uint8Array {
  return ipFrame(srcMac, dstMac, { src, dst, ttl, protocol: IpProtocol.ICMP }, emitIcmp(repr));
}

export function udpFrame(srcMac: MacAddress, dstMac: MacAddress, src: string, dst: string, sport: number, dport: number, data: Uint8Array, ttl = 64): Uint8Array {
  return ipFrame(srcMac, dstMac, { src, dst, ttl, protocol: IpProtocol.UDP }, emitUdp({ srcPort: sport, dstPort: dport }, data, { src: ipv4(src), dst: ipv4(dst) }));
}

export function tcpSynFrame(srcMac: MacAddress, dstMac: MacAddress, src: string, dst: string, sport: number, dport: number, seq: number): Uint8Array {
  const seg = emitTcp({ srcPort: sport, dstPort: dport, seq, flags: 0x02, window: 64240, mss: 1460 }, new Uint8Array(0), { src: ipv4(src), dst: ipv4(dst) });
  return ipFrame(srcMac, dstMac, { src, dst, protocol: IpProtocol.TCP, dontFragment: true }, seg);
}

/** Run until the given virtual time in milliseconds. */
export function runTo(sim: Simulation, msTime: number): void {
  sim.run({ until: Math.round(msTime * 1000) });
}

export function outputOf(sim: Simulation, device?: string): string[] {
  return sim.net.output.filter((l) => device === undefined || l.device === device).map((l) => l.text);
}
