// DHCP server, client and relay as scripts on virtual time ("at 0 the client sends DISCOVER;
// deliver it at 1 ms; expect an OFFER …"), and their messages compared with dnsmasq + dhclient in
// dhcp-arp-icmp.pcapng.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { ipv4, mac } from '../../../../src-shared/net/addr';
import { parseDhcpdConf } from '../../../../src-shared/lab/tables/dhcpd';
import { decodeDhcpOptions, DhcpMessageType, emitDhcp, parseDhcp, type DhcpOptionValues, type DhcpRepr } from '../../../../src-shared/net/wire/dhcp';
import { readPcapng, transportPayload } from '../../../../src-shared/net/wire/fixtures-app/pcapng-reader';
import { Rng } from '../../sim/rng';
import type { OutboundDatagram, ServiceStep } from '../types';
import { DhcpClient, type DhcpClientEvent } from './client';
import { DhcpRelayAgent } from './relay';
import { DhcpServer, type DhcpPool } from './server';

const SERVER = ipv4('192.0.2.1');
const PC_MAC = mac('02:00:5e:a0:00:99');
const S = 1_000_000;

const pool: DhcpPool = {
  name: 'lan', network: ipv4('192.0.2.0'), netmask: ipv4('255.255.255.0'),
  ranges: [{ start: ipv4('192.0.2.139'), end: ipv4('192.0.2.141') }],
  options: { routers: [SERVER], dnsServers: [SERVER], domainName: 'example.test', broadcast: ipv4('192.0.2.255') },
  defaultLeaseTime: 3600, maxLeaseTime: 7200,
};

const decode = (s: OutboundDatagram): { repr: DhcpRepr; v: DhcpOptionValues; codes: number[] } => {
  const p = parseDhcp(s.payload);
  if (!p.ok) throw new Error(p.error.message);
  const v = decodeDhcpOptions(p.value.repr.options);
  if (!v.ok) throw new Error(v.error.message);
  return { repr: p.value.repr, v: v.value, codes: p.value.repr.options.map((o) => o.code) };
};
const one = <E>(step: ServiceStep<E>): OutboundDatagram => {
  expect(step.sends).toHaveLength(1);
  return step.sends[0];
};
const toServer = (s: OutboundDatagram) => ({ src: s.src ?? 0, srcPort: s.srcPort, dst: s.dst, dstPort: s.dstPort, payload: s.payload });

function setup(extra: Partial<ConstructorParameters<typeof DhcpServer>[0]> = {}, clientMac = PC_MAC) {
  const server = new DhcpServer({ name: 'dnsmasq', serverId: SERVER, pools: [pool], ...extra });
  const client = new DhcpClient({ name: 'alpha-client', mac: clientMac, clientId: 'alpha-01' }, new Rng(5));
  return { server, client };
}

/** Runs DORA at the given times; returns the ACK datagram. */
function dora(server: DhcpServer, client: DhcpClient, t = 0) {
  const discover = one(client.start(t));
  const offer = one(server.receive(t + 1000, toServer(discover)));
  const request = one(client.receive(t + 5000, toServer(offer)));
  const ack = one(server.receive(t + 6000, toServer(request)));
  const bound = client.receive(t + 7000, toServer(ack));
  return { discover, offer, request, ack, bound };
}

describe('DHCP DORA script', () => {
  it('DISCOVER → OFFER → REQUEST → ACK with the options and addressing of RFC 2131 §4.1', () => {
    const { server, client } = setup();
    const { discover, offer, request, ack, bound } = dora(server, client);
    // at 0: DISCOVER broadcast from 0.0.0.0:68
    expect([discover.src, discover.srcPort, discover.dst, discover.dstPort]).toEqual([0, 68, 0xffffffff, 67]);
    expect(decode(discover).v.messageType).toBe(DhcpMessageType.DISCOVER);
    // at 1 ms: OFFER unicast to the offered address at the client's MAC (no ARP), broadcast flag clear
    expect(offer.dst).toBe(ipv4('192.0.2.139'));
    expect(offer.linkDst).toEqual(PC_MAC);
    expect(offer.cause).toContain('lease 192.0.2.139 offered to 02:00:5e:a0:00:99');
    const o = decode(offer);
    expect([o.repr.yiaddr, o.repr.siaddr, o.repr.broadcast, o.v.leaseTime, o.v.renewalTime, o.v.rebindingTime]).toEqual([ipv4('192.0.2.139'), SERVER, false, 3600, 1800, 3150]);
    // at 5 ms: REQUEST with requested-ip and server-id, still broadcast
    const r = decode(request);
    expect([r.v.messageType, r.v.requestedIp, r.v.serverId, request.dst, r.repr.xid]).toEqual([DhcpMessageType.REQUEST, ipv4('192.0.2.139'), SERVER, 0xffffffff, o.repr.xid]);
    expect(decode(ack).v.messageType).toBe(DhcpMessageType.ACK);
    // at 7 ms: BOUND, configuration event for the host
    const cfg = bound.events.find((e): e is Extract<DhcpClientEvent, { kind: 'configured' }> => e.kind === 'configured')!;
    expect(cfg.config).toMatchObject({ address: ipv4('192.0.2.139'), prefixLength: 24, routers: [SERVER], dnsServers: [SERVER], domainName: 'example.test', leaseTime: 3600, t1: 1800, t2: 3150 });
    expect(client.currentState).toBe('BOUND');
    expect(bound.nextPoll).toBe(7000 + 1800 * S);
    expect(server.snapshot(7000).leases).toEqual([{ address: '192.0.2.139', mac: '02:00:5e:a0:00:99', state: 'bound', expiresIn: 3600, hostname: 'alpha-client' }]);
  });

  it('renews at T1 by unicast, rebinds at T2 by broadcast, and loses the address at expiry', () => {
    const { server, client } = setup();
    dora(server, client);
    const t1 = 7000 + 1800 * S;
    const renew = one(client.poll(t1));
    const rv = decode(renew);
    expect([renew.src, renew.dst, rv.repr.ciaddr, rv.v.serverId, rv.v.requestedIp]).toEqual([ipv4('192.0.2.139'), SERVER, ipv4('192.0.2.139'), undefined, undefined]);
    expect(client.currentState).toBe('RENEWING');
    const ack = one(server.receive(t1 + 1000, toServer(renew)));
    expect(ack.dst).toBe(ipv4('192.0.2.139'));
    expect(ack.linkDst).toBeUndefined();
    const ev = client.receive(t1 + 2000, toServer(ack)).events.find((e) => e.kind === 'configured');
    expect(ev).toMatchObject({ renewed: true });
    // Now the server is gone. T1 again: renew; retransmit after max(60 s, (T2 − now)/2) = 675 s.
    const t1b = t1 + 2000 + 1800 * S;
    const step = client.poll(t1b);
    expect(step.sends).toHaveLength(1);
    expect(step.nextPoll).toBe(t1b + 675 * S);
    expect(one(client.poll(t1b + 675 * S)).cause).toContain('retransmission 1');
    // T2: rebinding, broadcast from the bound address.
    const t2 = t1 + 2000 + 3150 * S;
    let s = client.poll(t2 - 1);
    s = client.poll(s.nextPoll!);
    const rebind = one(s);
    expect(client.currentState).toBe('REBINDING');
    expect([rebind.src, rebind.dst, decode(rebind).repr.ciaddr]).toEqual([ipv4('192.0.2.139'), 0xffffffff, ipv4('192.0.2.139')]);
    // Expiry at 3600 s after the renewal: address removed, back to DISCOVER asking for the same address.
    const expiry = t1 + 2000 + 3600 * S;
    let last = client.poll(s.nextPoll!);
    while (last.nextPoll !== undefined && last.nextPoll < expiry) last = client.poll(last.nextPoll);
    expect(last.nextPoll).toBe(expiry);
    const end = client.poll(expiry);
    expect(end.events.map((e) => e.kind)).toEqual(['deconfigured', 'state']);
    expect(end.events[0].cause).toContain('lease of 192.0.2.139 expired without renewal');
    const d = decode(one(end));
    expect([d.v.messageType, d.v.requestedIp]).toEqual([DhcpMessageType.DISCOVER, ipv4('192.0.2.139')]);
  });

  it('retransmits DISCOVER after 4, 8, 16, 32, 64, 64 s, each ±1 s', () => {
    const { client } = setup();
    let step = client.start(0);
    const times = [0];
    for (let i = 0; i < 6; i++) {
      const at = step.nextPoll!;
      step = client.poll(at);
      expect(step.sends).toHaveLength(1);
      times.push(at);
    }
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / S);
    [4, 8, 16, 32, 64, 64].forEach((base, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(base - 1);
      expect(gaps[i]).toBeLessThanOrEqual(base + 1);
    });
    expect(new Set(gaps).size).toBeGreaterThan(1); // jitter really varies
    // secs counts from the first DISCOVER; xid stays the same.
    const d = decode(step.sends[0]);
    expect(d.repr.secs).toBe(Math.floor(times[6] / S));
  });

  it('release frees the address, which the client gets again; a reservation wins; DECLINE quarantines', () => {
    const { server, client } = setup();
    dora(server, client);
    const rel = one(client.release(10 * S));
    expect(rel.dst).toBe(SERVER);
    const rs = server.receive(10 * S + 1000, toServer(rel));
    expect(rs.events[0].cause).toBe('02:00:5e:a0:00:99 released 192.0.2.139');
    expect(client.currentState).toBe('STOPPED');
    // Another client now gets .140 (.139 is kept for its last owner while other addresses are free).
    const other = new DhcpClient({ name: 'beta', mac: mac('02:00:5e:a0:00:42') }, new Rng(9));
    const o2 = one(server.receive(11 * S, toServer(one(other.start(11 * S)))));
    expect(decode(o2).repr.yiaddr).toBe(ipv4('192.0.2.140'));
    const again = dora(server, client, 12 * S);
    expect(decode(again.ack).repr.yiaddr).toBe(ipv4('192.0.2.139'));
    // Reservation by MAC.
    const res = setup({ reservations: [{ mac: PC_MAC, address: ipv4('192.0.2.200') }] });
    expect(decode(dora(res.server, res.client).ack).repr.yiaddr).toBe(ipv4('192.0.2.200'));
    // DECLINE: the host found .139 in use; the next offer is .140 and .139 is quarantined.
    const declining = client.decline(20 * S);
    const dec = one(declining);
    expect(declining.nextPoll).toBe(30 * S);
    expect(decode(one(client.poll(30 * S))).v.messageType).toBe(DhcpMessageType.DISCOVER);
    expect(decode(dec).v).toMatchObject({ messageType: DhcpMessageType.DECLINE, requestedIp: ipv4('192.0.2.139'), serverId: SERVER });
    server.receive(20 * S + 1000, toServer(dec));
    const d2 = new DhcpClient({ name: 'gamma', mac: mac('02:00:5e:a0:00:43') }, new Rng(10));
    const offer = one(server.receive(21 * S, toServer(one(d2.start(21 * S)))));
    expect(decode(offer).repr.yiaddr).toBe(ipv4('192.0.2.141'));
    expect(server.snapshot(21 * S).leases.find((l) => l.address === '192.0.2.139')?.state).toBe('declined');
  });

  it('INIT-REBOOT: ACK for the client\'s own lease, NAK for a wrong network, silence without a record', () => {
    const { server, client } = setup();
    dora(server, client);
    const c2 = new DhcpClient({ name: 'alpha-client', mac: PC_MAC, clientId: 'alpha-01' }, new Rng(77));
    const req = one(c2.start(S, ipv4('192.0.2.139')));
    expect(decode(req).v).toMatchObject({ messageType: DhcpMessageType.REQUEST, requestedIp: ipv4('192.0.2.139') });
    expect(decode(req).v.serverId).toBeUndefined();
    const ack = one(server.receive(S + 1000, toServer(req)));
    expect(decode(ack).v.messageType).toBe(DhcpMessageType.ACK);
    // Moved to another network: NAK (broadcast), then the client starts over with DISCOVER.
    const moved = new DhcpClient({ name: 'laptop', mac: mac('02:00:5e:a0:00:55') }, new Rng(3));
    const nak = one(server.receive(2 * S, toServer(one(moved.start(2 * S, ipv4('10.0.0.7'))))));
    expect([decode(nak).v.messageType, nak.dst]).toEqual([DhcpMessageType.NAK, 0xffffffff]);
    const after = moved.receive(2 * S + 1000, toServer(nak));
    expect(decode(one(after)).v.messageType).toBe(DhcpMessageType.DISCOVER);
    // Right network, unknown client: RFC 2131 §4.3.2 — no answer.
    const stranger = new DhcpClient({ name: 'x', mac: mac('02:00:5e:a0:00:56') }, new Rng(4));
    const silent = server.receive(3 * S, toServer(one(stranger.start(3 * S, ipv4('192.0.2.141')))));
    expect(silent.sends).toEqual([]);
    expect(silent.events[0].cause).toContain('no record of this client, not answering');
  });

  it('SELECTING: a REQUEST naming another server withdraws our offer; a REQUEST for an address not offered is NAKed', () => {
    const { server, client } = setup();
    const discover = one(client.start(0));
    const offer = one(server.receive(1000, toServer(discover)));
    const request = decode(one(client.receive(2000, toServer(offer))));
    // The same REQUEST, but naming server 192.0.2.2.
    const other: DhcpRepr = { ...request.repr, options: request.repr.options.map((o) => (o.code === 54 ? { code: 54, data: Uint8Array.of(192, 0, 2, 2) } : o)) };
    const step = server.receive(3000, { src: 0, srcPort: 68, dst: 0xffffffff, dstPort: 67, payload: emitDhcp(other) });
    expect(step.sends).toEqual([]);
    expect(step.events[0].cause).toBe('02:00:5e:a0:00:99 chose server 192.0.2.2: our offer is withdrawn');
    expect(server.snapshot(3000).leases[0].state).toBe('released');
    // Asking us for .141, which we did not offer: NAK, broadcast.
    const wrong: DhcpRepr = { ...request.repr, options: request.repr.options.map((o) => (o.code === 50 ? { code: 50, data: Uint8Array.of(192, 0, 2, 141) } : o)) };
    const nak = one(server.receive(4000, { src: 0, srcPort: 68, dst: 0xffffffff, dstPort: 67, payload: emitDhcp(wrong) }));
    expect([decode(nak).v.messageType, nak.dst, decode(nak).v.message]).toEqual([DhcpMessageType.NAK, 0xffffffff, '02:00:5e:a0:00:99 requested 192.0.2.141, which was not offered to it']);
  });

  it('REBINDING reaches a second server that knows nothing of the lease: it stays silent, the first server ACKs', () => {
    const { server, client } = setup();
    dora(server, client);
    const stranger = new DhcpServer({ name: 'other', serverId: ipv4('192.0.2.2'), pools: [pool] });
    let step = client.poll(7000 + 1800 * S); // T1
    while (client.currentState !== 'REBINDING') step = client.poll(step.nextPoll!);
    const rebind = one(step);
    expect(stranger.receive(0, toServer(rebind)).sends).toEqual([]);
    const ack = one(server.receive(step.nextPoll! - 1, toServer(rebind)));
    expect(ack.dst).toBe(ipv4('192.0.2.139'));
    expect(client.receive(step.nextPoll! - 1, toServer(ack)).events.some((e) => e.kind === 'configured')).toBe(true);
    expect(client.currentState).toBe('BOUND');
  });

  it('INFORM gets the configuration without a lease, unicast to ciaddr', () => {
    const { server } = setup();
    const inform: DhcpRepr = {
      op: 1, htype: 1, hlen: 6, hops: 0, xid: 0x1234, secs: 0, broadcast: false, reservedFlags: 0, ciaddr: ipv4('192.0.2.50'), yiaddr: 0, siaddr: 0, giaddr: 0,
      chaddr: mac('02:00:5e:a0:00:77'), sname: '', file: '', dhcp: true, options: [{ code: 53, data: Uint8Array.of(8) }],
    };
    const ack = one(server.receive(0, { src: ipv4('192.0.2.50'), srcPort: 68, dst: SERVER, dstPort: 67, payload: emitDhcp(inform) }));
    const a = decode(ack);
    expect([ack.dst, a.repr.yiaddr, a.repr.ciaddr, a.v.leaseTime, a.v.messageType]).toEqual([ipv4('192.0.2.50'), 0, ipv4('192.0.2.50'), undefined, DhcpMessageType.ACK]);
    expect(a.v.routers).toEqual([SERVER]);
    expect(server.snapshot(0).leases).toEqual([]);
  });

  it('expires leases in virtual time and says so', () => {
    const { server, client } = setup();
    dora(server, client);
    const step = server.poll(6000 + 3600 * S);
    expect(step.events).toEqual([{ kind: 'lease', action: 'expired', address: ipv4('192.0.2.139'), mac: '02:00:5e:a0:00:99', cause: 'lease of 192.0.2.139 to 02:00:5e:a0:00:99 expired' }]);
  });

  it('probe hook: the server asks the engine before offering, and skips an address in use', () => {
    const { server, client } = setup({ probe: true });
    const step = server.receive(0, toServer(one(client.start(0))));
    expect(step.sends).toEqual([]);
    const probe = step.events[0] as { kind: 'probe'; token: number; address: number };
    expect(probe).toMatchObject({ kind: 'probe', address: ipv4('192.0.2.139') });
    const next = server.probeResult(3 * S, probe.token, true);
    const probe2 = next.events[0] as { kind: 'probe'; token: number; address: number };
    expect(probe2.address).toBe(ipv4('192.0.2.140'));
    const offer = one(server.probeResult(6 * S, probe2.token, false));
    expect(decode(offer).repr.yiaddr).toBe(ipv4('192.0.2.140'));
  });
});

describe('DHCP relay', () => {
  it('relays a client on another LAN to the server, which picks the pool by giaddr and answers the relay', () => {
    const lan2: DhcpPool = { ...pool, name: 'lan2', network: ipv4('198.51.100.0'), ranges: [{ start: ipv4('198.51.100.100'), end: ipv4('198.51.100.110') }], options: { routers: [ipv4('198.51.100.1')], dnsServers: [SERVER] } };
    const server = new DhcpServer({ name: 'central', serverId: SERVER, pools: [pool, lan2] });
    const relay = new DhcpRelayAgent({ name: 'r1', interfaces: [{ name: 'eth1', address: ipv4('198.51.100.1') }], servers: [SERVER] });
    const client = new DhcpClient({ name: 'pc2', mac: mac('02:00:5e:00:02:02') }, new Rng(11));
    const discover = one(client.start(0));
    const relayed = one(relay.receive(1000, toServer(discover), 'eth1'));
    expect([relayed.src, relayed.srcPort, relayed.dst, relayed.dstPort]).toEqual([ipv4('198.51.100.1'), 67, SERVER, 67]);
    const rd = decode(relayed).repr;
    expect([rd.giaddr, rd.hops]).toEqual([ipv4('198.51.100.1'), 1]);
    const offer = one(server.receive(2000, toServer(relayed)));
    expect([offer.dst, offer.dstPort, decode(offer).repr.yiaddr]).toEqual([ipv4('198.51.100.1'), 67, ipv4('198.51.100.100')]);
    const toClient = one(relay.receive(3000, toServer(offer), 'eth0'));
    expect([toClient.dst, toClient.dstPort, toClient.iface, toClient.linkDst]).toEqual([ipv4('198.51.100.100'), 68, 'eth1', mac('02:00:5e:00:02:02')]);
    const request = one(client.receive(4000, toServer(toClient)));
    const ack = one(server.receive(6000, toServer(one(relay.receive(5000, toServer(request), 'eth1')))));
    const done = client.receive(8000, toServer(one(relay.receive(7000, toServer(ack), 'eth0'))));
    expect(done.events.find((e) => e.kind === 'configured')).toMatchObject({ config: { address: ipv4('198.51.100.100'), routers: [ipv4('198.51.100.1')], server: SERVER } });
    // Loop guard.
    const tooFar = relay.receive(9000, { ...toServer(discover), payload: new Uint8Array([...discover.payload.subarray(0, 3), 4, ...discover.payload.subarray(4)]) }, 'eth1');
    expect(tooFar.sends).toEqual([]);
    expect(tooFar.events[0].cause).toContain('4 hops already');
  });
});

describe('DHCP from a dhcpd.conf', () => {
  it('uses the parsed subnets, options and host reservations', () => {
    const conf = parseDhcpdConf([
      'authoritative;', 'default-lease-time 600;', 'max-lease-time 7200;', 'option domain-name "home.lan";',
      'subnet 192.168.1.0 netmask 255.255.255.0 {', '  range 192.168.1.100 192.168.1.150;', '  option routers 192.168.1.1;', '  option domain-name-servers 192.168.1.1;', '}',
      'host printer { hardware ethernet 02:00:5e:00:00:10; fixed-address 192.168.1.10; }',
    ].join('\n'));
    if (!conf.ok) throw new Error(JSON.stringify(conf.errors));
    const server = DhcpServer.fromDhcpdConf(conf.value, 'home-router', ipv4('192.168.1.1'));
    const pc = new DhcpClient({ name: 'pc', mac: mac('02:00:5e:00:00:20') }, new Rng(1));
    const ack = decode(dora(server, pc).ack);
    expect([ack.repr.yiaddr, ack.v.leaseTime, ack.v.domainName, ack.v.subnetMask]).toEqual([ipv4('192.168.1.100'), 600, 'home.lan', ipv4('255.255.255.0')]);
    const printer = new DhcpClient({ name: 'printer', mac: mac('02:00:5e:00:00:10') }, new Rng(2));
    expect(decode(dora(server, printer).ack).repr.yiaddr).toBe(ipv4('192.168.1.10'));
  });
});

describe('DHCP messages vs dnsmasq + dhclient (dhcp-arp-icmp.pcapng)', () => {
  const frames = readPcapng(new Uint8Array(readFileSync(new URL('./fixtures/dhcp-arp-icmp.pcapng', import.meta.url))));
  const real = frames.flatMap((f) => {
    const s = transportPayload(f);
    if (!s || (s.dstPort !== 67 && s.dstPort !== 68)) return [];
    const p = parseDhcp(s.payload);
    if (!p.ok) throw new Error(p.error.message);
    return [{ dst: s.dst, repr: p.value.repr, codes: p.value.repr.options.map((o) => o.code) }];
  });

  it('same message sequence, option codes in the same order, same addressing and flags', () => {
    const { server, client } = setup();
    const { discover, offer, request, ack } = dora(server, client);
    const rel = one(client.release(2 * S));
    const ours = [discover, offer, request, ack, rel].map((s) => ({ dst: s.dst, ...decode(s) }));
    expect(ours.map((m) => m.v.messageType)).toEqual(real.map((m) => m.repr.options[0].data[0]));
    expect(ours.map((m) => m.codes)).toEqual(real.map((m) => m.codes));
    expect(ours.map((m) => m.repr.broadcast)).toEqual(real.map((m) => m.repr.broadcast));
    expect(ours.map((m) => [m.repr.ciaddr, m.repr.yiaddr, m.repr.siaddr, m.repr.giaddr])).toEqual(real.map((m) => [m.repr.ciaddr, m.repr.yiaddr, m.repr.siaddr, m.repr.giaddr]));
    expect(ours.map((m) => m.dst)).toEqual(real.map((m) => ipv4(m.dst)));
    // Option values the server sends, as dnsmasq sent them.
    const dv = decodeDhcpOptions(real[1].repr.options);
    if (!dv.ok) throw new Error('decode');
    const { messageType: _a, ...realOffer } = dv.value;
    const { messageType: _b, ...ourOffer } = ours[1].v;
    expect(ourOffer).toEqual(realOffer);
    // The client's request list and identifier, as dhclient sent them.
    const cv = decodeDhcpOptions(real[0].repr.options);
    if (!cv.ok) throw new Error('decode');
    expect([ours[0].v.parameterRequestList, ours[0].v.clientId, ours[0].v.hostname]).toEqual([cv.value.parameterRequestList, cv.value.clientId, cv.value.hostname]);
  });
});
