// Writes a LinkHarness exchange as pcapng, as a capture on side A's interface would see it: what
// A sent (lost or not) when it left, what reached A when it arrived. Ethernet / IPv4 / TCP bytes
// from the shared emitters, the cause of each segment as its frame comment.
import { PcapngWriter } from '../../../../src-shared/capture';
import { LINKTYPE_ETHERNET } from '../../../../src-shared/capture/linktypes';
import { emitEthernet, EtherType } from '../../../../src-shared/net/wire/ethernet';
import { emitIpv4, IpProtocol } from '../../../../src-shared/net/wire/ipv4';
import { emitTcp } from '../../../../src-shared/net/wire/tcp';
import { VIRTUAL_EPOCH_SECONDS, type Micros } from '../../sim/time';
import type { WireRecord } from './link-harness';

export interface CapturedFrame {
  time: Micros;
  bytes: Uint8Array;
  record: WireRecord;
}

/** Frames seen on A's side, in time order (IPv4 only). */
export function framesAtA(log: readonly WireRecord[], macA: Uint8Array, macB: Uint8Array): CapturedFrame[] {
  let ident = 1;
  const frames: CapturedFrame[] = [];
  for (const record of log) {
    const fromA = record.from === 'a';
    if (!fromA && record.arrives === undefined) continue;
    const seg = record.segment;
    const tcp = emitTcp(seg.repr, seg.payload, seg.ip);
    const ip = emitIpv4({ src: seg.ip.src as number, dst: seg.ip.dst as number, protocol: IpProtocol.TCP, ttl: 64, identification: ident++ & 0xffff, dontFragment: true }, tcp);
    const bytes = emitEthernet({ src: fromA ? macA : macB, dst: fromA ? macB : macA, ethertype: EtherType.IPv4 }, ip);
    frames.push({ time: fromA ? record.time : record.arrives!, bytes, record });
  }
  // Stable: frames at the same instant keep the order they were produced in.
  return frames.map((f, i) => ({ f, i })).sort((x, y) => x.f.time - y.f.time || x.i - y.i).map((x) => x.f);
}

export function framesToPcapng(frames: readonly CapturedFrame[], interfaceName = 'a-eth0'): Uint8Array {
  const w = new PcapngWriter({ userAppl: 'PacketLab TCP link harness' });
  const id = w.addInterface({ linkType: LINKTYPE_ETHERNET, name: interfaceName, tsresol: 6 });
  for (const f of frames) {
    w.addPacket({
      interfaceId: id,
      timestamp: { seconds: VIRTUAL_EPOCH_SECONDS + Math.floor(f.time / 1e6), nanoseconds: (f.time % 1e6) * 1000 },
      data: f.bytes,
      comment: f.record.segment.cause,
    });
  }
  return w.toBytes();
}
