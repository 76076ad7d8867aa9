// The "Request sent" phase of the browser's request timings, as a network panel measures it: from
// the request's first byte written to its last byte handed to TCP (or TLS), in virtual time. On the
// URL journey every GET fits the socket's send buffer at once, so the phase is exactly 0 and each
// request leaves the PC the moment it is written; with a send buffer smaller than the request, the
// last bytes wait for ACKs and the phase ends exactly when the last of them goes on the wire.
import { describe, it, expect } from 'vitest';
import { loadLabText } from '../../../src-shared/lab';
import { parseIpv4 as parseAddress } from '../../../src-shared/net/addr';
import { EtherType, parseEthernet } from '../../../src-shared/net/wire/ethernet';
import { emitHttpResponse, HttpStreamParser } from '../../../src-shared/net/wire/http';
import { parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import { parseTcp } from '../../../src-shared/net/wire/tcp';
import { parseUrl } from '../../../src-shared/web';
import type { CapturedFrame } from '../model/capture';
import { HttpClient, type ClientTiming, type HttpResponse } from '../services/http/client';
import { Simulation } from '../simulation';
import { loadSample } from '../testing/samples';

/** The TCP header of a frame (flags, ports), or undefined. */
function tcpOf(f: CapturedFrame) {
  const eth = parseEthernet(f.bytes);
  if (!eth.ok || eth.repr.ethertype !== EtherType.IPv4) return undefined;
  const ip = parseIpv4(f.bytes, eth.payloadOffset, eth.payloadLength);
  if (!ip.ok || ip.repr.protocol !== 6) return undefined;
  const t = parseTcp(f.bytes, ip.payloadOffset, ip.payloadLength);
  return t.ok ? t.repr : undefined;
}

/** When a captured frame reached the other end of its link: on the wire, serialized, then the latency. */
const arrival = (sim: Simulation, f: CapturedFrame) => {
  const link = sim.net.links.get(f.linkId)!;
  return f.time + link.serialization(f.bytes.length) + link.latency;
};

const SYN = 0x02;
const ACK = 0x10;
/** The SYN-ACK of the connection to port `port` that reached `point`'s device over its link. */
function synAckTo(sim: Simulation, point: string, port: number): CapturedFrame {
  const all = frames(sim);
  const linkId = all.find((f) => `${f.fromInterface.device}-${f.fromInterface.interface}` === point)!.linkId;
  return all.find((f) => f.linkId === linkId && `${f.fromInterface.device}-${f.fromInterface.interface}` !== point && tcpOf(f)?.srcPort === port && (tcpOf(f)!.flags & (SYN | ACK)) === (SYN | ACK))!;
}

/** TCP payload bytes of a frame sent from `point` to port `dport`, or undefined. */
function tcpPayload(f: CapturedFrame, point: string, dport: number): { seq: number; length: number } | undefined {
  if (`${f.fromInterface.device}-${f.fromInterface.interface}` !== point) return undefined;
  const eth = parseEthernet(f.bytes);
  if (!eth.ok || eth.repr.ethertype !== EtherType.IPv4) return undefined;
  const ip = parseIpv4(f.bytes, eth.payloadOffset, eth.payloadLength);
  if (!ip.ok || ip.repr.protocol !== 6) return undefined;
  const t = parseTcp(f.bytes, ip.payloadOffset, ip.payloadLength);
  if (!t.ok || t.repr.dstPort !== dport) return undefined;
  const length = ip.payloadLength - (t.payloadOffset - ip.payloadOffset);
  return length > 0 ? { seq: t.repr.seq, length } : undefined;
}

const frames = (sim: Simulation) => Array.from({ length: sim.net.capture.count }, (_, i) => sim.net.capture.frame(i + 1));

describe('request timing: "Request sent"', () => {
  it('on the URL journey each GET is handed to TCP/TLS at once: 0 ms, and it leaves the PC when written', () => {
    const lab = loadSample('url-journey.lab.json');
    const sim = new Simulation(lab);
    sim.startScenario(lab.scenarios![0].name);
    sim.run({ until: sim.scenarioEnd });
    const requests = sim.browser('pc').history.flatMap((h) => h.requests);
    expect(requests.map((r) => [r.url, r.source, r.request])).toEqual([
      ['http://example.com/', 'network', 0],
      ['https://example.com/', 'network', 0],
      ['https://www.example.com/', 'network', 0],
      ['https://www.example.com/style.css', 'network', 0],
      ['https://www.example.com/logo.png', 'network', 0],
    ]);
    // The plain-HTTP GET was written (and handed to TCP) the moment the SYN-ACK reached the PC: the
    // phases before it add up to exactly that time.
    const first = requests[0];
    expect(frames(sim).filter((f) => tcpPayload(f, 'pc-eth0', 80))).toHaveLength(1);
    expect(first.startUs + Math.round((first.dns + first.connect + first.tls + first.request) * 1000)).toBe(arrival(sim, synAckTo(sim, 'pc-eth0', 80)));
  });

  it('a request larger than the send buffer: the phase lasts until its last byte is handed over (on the wire at once)', () => {
    const loaded = loadLabText(JSON.stringify({
      version: 2,
      devices: [
        { name: 'pc', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.10/24' }] },
        { name: 'origin', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.90/24' }] },
      ],
      links: [{ a: { device: 'pc', interface: 'eth0' }, b: { device: 'origin', interface: 'eth0' }, latencyMs: 5 }],
    }));
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
    const sim = new Simulation(loaded.lab);
    sim.tcp('origin').listen(80, () => {
      const parser = new HttpStreamParser('request');
      return { onData: (c, data) => { for (const _ of parser.push(data).messages) c.send(emitHttpResponse({ status: 200, headers: [{ name: 'Content-Type', value: 'text/plain' }], body: new TextEncoder().encode('ok\n'), framing: 'length' })); } };
    });
    // 20 KB of header fields through a 2 KB send buffer.
    const client = new HttpClient(sim.ipDevice('pc'), sim.tcp('pc'), sim.pki, () => {}, 'PacketLab/1.0', { sendBufferSize: 2048 });
    const url = parseUrl('http://www.example.com/');
    const origin = parseAddress('10.0.0.90');
    if (!url.ok || !origin.ok) throw new Error('setup');
    const extra = Array.from({ length: 20 }, (_, i) => ({ name: `X-Filler-${i}`, value: 'x'.repeat(1000) }));
    let got: { r: HttpResponse | string; t: ClientTiming } | undefined;
    client.request(url.value, origin.value, extra, { connect: 0, tls: 0, request: 0, ttfb: 0, download: 0, reused: false }, (r, t) => (got = { r, t }));
    sim.run({ until: 5_000_000 });
    expect(got && typeof got.r !== 'string' && got.r.status).toBe(200);
    const data = frames(sim).filter((f) => tcpPayload(f, 'pc-eth0', 80));
    const bytes = data.reduce((n, f) => n + tcpPayload(f, 'pc-eth0', 80)!.length, 0);
    expect(bytes).toBeGreaterThan(20_000);
    // Written when the SYN-ACK arrived; each ACK from the origin frees send space, and the last bytes
    // were handed over when the last ACK before the final data segment arrived.
    const written = arrival(sim, synAckTo(sim, 'pc-eth0', 80));
    const lastData = data[data.length - 1].time;
    const acks = frames(sim).filter((f) => f.fromInterface.device === 'origin' && tcpOf(f)?.srcPort === 80).map((f) => arrival(sim, f)).filter((t) => t <= lastData);
    const handedOver = Math.max(...acks);
    expect(handedOver - written).toBeGreaterThan(10_000); // several 10 ms round trips
    expect(got!.t.request).toBe((handedOver - written) / 1000);
  });
});
