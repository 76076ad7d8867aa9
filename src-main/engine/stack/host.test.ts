// Host behaviour as scripts on virtual time: a scripted peer plays the network.
import { describe, it, expect } from 'vitest';
import { ipv4, mac, MAC_ZERO } from '../../../src-shared/net/addr';
import { parseIcmp } from '../../../src-shared/net/wire/icmp';
import { parseIpv4 } from '../../../src-shared/net/wire/ipv4';
import { startPing } from '../apps/ping';
import { arpFrame, host, icmpFrame, ipFrame, makeLab, outputOf, PEER_MAC, runTo, tcpSynFrame, udpFrame, withPeer } from '../testing/harness';
import { formatArpRows } from '../state/format';

const PC_MAC = mac('02:00:00:00:00:0a');

function pcLab() {
  return makeLab([host('pc1', '192.0.2.10/24', '02:00:00:00:00:0a', { tables: { routes: ['default via 192.0.2.1 dev eth0'] }, services: ['udp-echo'] })], []);
}

describe('host', () => {
  it('resolves the gateway with ARP, then sends the echo request (script)', () => {
    const { sim, peer } = withPeer(pcLab(), 'pc1:eth0');
    sim.net.scheduler.at(10_000, 'test: ping', () => startPing(sim.ipDevice('pc1'), { to: '192.0.2.1', count: 1 }));

    runTo(sim, 11);
    expect(peer.take()).toEqual([]); // still on the 1 ms link
    // At 10 ms + 7 µs serialization + 1 ms latency: the ARP request.
    runTo(sim, 11.007);
    expect(peer.take().map((f) => [f.time, f.text])).toEqual([[11_007, 'ARP who-has 192.0.2.1 tell 192.0.2.10']]);

    peer.inject('p0', arpFrame('reply', PEER_MAC, '192.0.2.1', PC_MAC, '192.0.2.10'));
    // The reply reaches pc1 at 12.014 ms; the queued echo request (98 bytes, 10 µs) arrives at 13.024 ms.
    runTo(sim, 13.024);
    const [req] = peer.take();
    expect(req.time).toBe(13_024);
    expect(req.text).toMatch(/^192\.0\.2\.10 > 192\.0\.2\.1 ttl 64 ICMP echo request id \d+ seq 1$/);
    const ip = parseIpv4(req.bytes, 14);
    expect(ip.ok && ip.repr.dontFragment && ip.repr.checksumValid).toBe(true);

    const echo = parseIcmp(req.bytes, 34);
    if (!echo.ok || echo.repr.kind !== 'echoRequest') throw new Error('not an echo request');
    expect(echo.repr.data.length).toBe(56);
    peer.inject('p0', icmpFrame(PEER_MAC, PC_MAC, '192.0.2.1', '192.0.2.10', { kind: 'echoReply', identifier: echo.repr.identifier, sequence: 1, data: echo.repr.data }, 63));
    sim.run();
    expect(outputOf(sim, 'pc1')).toEqual([
      'PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.',
      '64 bytes from 192.0.2.1: icmp_seq=1 ttl=63 time=4.034 ms',
      '--- 192.0.2.1 ping statistics ---',
      '1 packets transmitted, 1 received, 0% packet loss, time 4ms',
      'rtt min/avg/max/mdev = 4.034/4.034/4.034/0.000 ms',
    ]);
    // The ARP cache as it was when the echo request crossed the wire.
    const state = sim.stateAt('pc1', sim.net.capture.count);
    expect(formatArpRows(state.arp)).toBe('192.0.2.1 dev eth0 lladdr 02:00:00:00:ee:01 REACHABLE\n');
    expect(sim.stateAt('pc1', 1).arp.map((r) => r.state)).toEqual(['INCOMPLETE']);
  });

  it('retries ARP three times, one second apart, then reports the host unreachable', () => {
    const { sim, peer } = withPeer(pcLab(), 'pc1:eth0');
    startPing(sim.ipDevice('pc1'), { to: '192.0.2.1', count: 1 });
    sim.run();
    expect(peer.take().map((f) => [f.time, f.text])).toEqual([
      [1_007, 'ARP who-has 192.0.2.1 tell 192.0.2.10'],
      [1_001_007, 'ARP who-has 192.0.2.1 tell 192.0.2.10'],
      [2_001_007, 'ARP who-has 192.0.2.1 tell 192.0.2.10'],
    ]);
    expect(outputOf(sim, 'pc1')).toContain('From 192.0.2.10 icmp_seq=1 Destination Host Unreachable');
    expect(sim.stateAt('pc1', sim.net.capture.count + 1).arp).toEqual([]);
  });

  it('answers ARP and ping, echoes UDP on port 7, rejects closed UDP and TCP ports', () => {
    const { sim, peer } = withPeer(pcLab(), 'pc1:eth0');
    peer.inject('p0', arpFrame('request', PEER_MAC, '192.0.2.99', MAC_ZERO, '192.0.2.10'));
    runTo(sim, 5);
    expect(peer.take().map((f) => f.text)).toEqual(['ARP 192.0.2.10 is-at 02:00:00:00:00:0a']);
    // pc1 learned the asker from its request, so it can answer at once.
    peer.inject('p0', icmpFrame(PEER_MAC, PC_MAC, '192.0.2.99', '192.0.2.10', { kind: 'echoRequest', identifier: 7, sequence: 3, data: new Uint8Array(8) }));
    peer.inject('p0', udpFrame(PEER_MAC, PC_MAC, '192.0.2.99', '192.0.2.10', 40000, 7, new TextEncoder().encode('hi')));
    peer.inject('p0', udpFrame(PEER_MAC, PC_MAC, '192.0.2.99', '192.0.2.10', 40001, 9999, new Uint8Array(4)));
    peer.inject('p0', tcpSynFrame(PEER_MAC, PC_MAC, '192.0.2.99', '192.0.2.10', 50000, 80, 1000));
    peer.inject('p0', ipFrameUnknownProto());
    sim.run();
    expect(peer.take().map((f) => f.text)).toEqual([
      '192.0.2.10 > 192.0.2.99 ttl 64 ICMP echo reply id 7 seq 3',
      '192.0.2.10 > 192.0.2.99 ttl 64 UDP 7 > 40000 len 2',
      '192.0.2.10 > 192.0.2.99 ttl 64 ICMP unreachable code 3',
      '192.0.2.10 > 192.0.2.99 ttl 64 TCP 80 > 50000 [RST, ACK]',
      '192.0.2.10 > 192.0.2.99 ttl 64 ICMP unreachable code 2',
    ]);
  });

  it('forgets a neighbour after the reachable time and asks again', () => {
    const { sim, peer } = withPeer(pcLab(), 'pc1:eth0');
    const pc = sim.ipDevice('pc1');
    const answer = (): void => {
      for (const f of peer.take()) {
        if (f.text.startsWith('ARP who-has')) peer.inject('p0', arpFrame('reply', PEER_MAC, '192.0.2.1', PC_MAC, '192.0.2.10'));
      }
    };
    pc.sendUdp(ipv4('198.51.100.1'), 40000, 9, new Uint8Array(1), 'test');
    runTo(sim, 1.1);
    answer();
    runTo(sim, 10);
    expect(peer.take().map((f) => f.text)).toEqual(['192.0.2.10 > 198.51.100.1 ttl 64 UDP 40000 > 9 len 1']);
    sim.net.scheduler.at(20_000_000, 'test: send again', () => pc.sendUdp(ipv4('198.51.100.1'), 40000, 9, new Uint8Array(1), 'test'));
    sim.net.scheduler.at(40_000_000, 'test: send after expiry', () => pc.sendUdp(ipv4('198.51.100.1'), 40000, 9, new Uint8Array(1), 'test'));
    runTo(sim, 40_002);
    expect(peer.take().map((f) => [Math.floor(f.time / 1_000_000), f.text])).toEqual([
      [20, '192.0.2.10 > 198.51.100.1 ttl 64 UDP 40000 > 9 len 1'],
      [40, 'ARP who-has 192.0.2.1 tell 192.0.2.10'],
    ]);
  });
});

function ipFrameUnknownProto(): Uint8Array {
  // IP protocol 253 (RFC 3692 experimentation) that nothing on the host handles.
  return ipFrameRaw(253);
}

function ipFrameRaw(protocol: number): Uint8Array {
  return ipFrame(PEER_MAC, PC_MAC, { src: '192.0.2.99', dst: '192.0.2.10', protocol }, new Uint8Array([1, 2, 3, 4]));
}

describe('host loopback', () => {
  it('answers pings to its own address and 127.0.0.1 without touching the wire', () => {
    const { sim, peer } = withPeer(pcLab(), 'pc1:eth0');
    startPing(sim.ipDevice('pc1'), { to: '192.0.2.10', count: 1 });
    sim.net.scheduler.at(5_000, 'test: ping localhost', () => startPing(sim.ipDevice('pc1'), { to: '127.0.0.1', count: 1 }));
    sim.run();
    expect(outputOf(sim, 'pc1').filter((l) => l.startsWith('64 bytes'))).toEqual(['64 bytes from 192.0.2.10: icmp_seq=1 ttl=64 time=0.000 ms', '64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.000 ms']);
    expect(sim.net.capture.count).toBe(0);
    expect(peer.received).toEqual([]);
  });
});

describe('host TCP hook', () => {
  it('hands segments to the transport layer, which can answer through sendTcp', () => {
    const { sim, peer } = withPeer(pcLab(), 'pc1:eth0');
    const pc = sim.ipDevice('pc1');
    pc.tcpInput = (seg, ip) => {
      if (seg.dstPort !== 80) return false;
      pc.sendTcp(ip.src, { srcPort: 80, dstPort: seg.srcPort, seq: 5000, ack: (seg.seq + 1) >>> 0, flags: 0x12, window: 65535, mss: 1460 }, new Uint8Array(0), 'test server: SYN-ACK');
      return true;
    };
    peer.inject('p0', arpFrame('request', PEER_MAC, '192.0.2.99', MAC_ZERO, '192.0.2.10'));
    peer.inject('p0', tcpSynFrame(PEER_MAC, PC_MAC, '192.0.2.99', '192.0.2.10', 50000, 80, 1000));
    peer.inject('p0', tcpSynFrame(PEER_MAC, PC_MAC, '192.0.2.99', '192.0.2.10', 50001, 81, 1000));
    sim.run();
    expect(peer.take().map((f) => f.text)).toEqual([
      'ARP 192.0.2.10 is-at 02:00:00:00:00:0a',
      '192.0.2.10 > 192.0.2.99 ttl 64 TCP 80 > 50000 [SYN, ACK]',
      '192.0.2.10 > 192.0.2.99 ttl 64 TCP 81 > 50001 [RST, ACK]',
    ]);
  });
});
