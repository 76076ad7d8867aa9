// The server's lease database driven by DHCP messages, with the home router's dhcpd.conf of the
// URL-journey lab: which address a client gets (reservation, its previous address, the one it asks
// for, else the lowest free), lease-time caps, T1/T2, expiry and reuse in virtual time, NAKs only
// when authoritative, release, decline, exhaustion, and dhcpd.leases read back by `dhcpd -T`.
// Fails (does not skip) without dhcpd.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipv4, mac, type Ipv4Address } from '../../../../src-shared/net/addr';
import { parseDhcpdConf } from '../../../../src-shared/lab/tables/dhcpd';
import { BootpOp, decodeDhcpOptions, DhcpMessageType, emitDhcp, encodeDhcpOptions, parseDhcp, type DhcpOptionValues } from '../../../../src-shared/net/wire/dhcp';
import { VIRTUAL_EPOCH_SECONDS } from '../../sim/time';
import type { ServiceStep } from '../types';
import { bootp } from './common';
import { DhcpServer, type DhcpServerEvent } from './server';

const S = 1_000_000;
const ROUTER = ipv4('192.168.1.1');
const confText = readFileSync(new URL('./fixtures/home-router.conf', import.meta.url), 'utf8');
const pc = mac('02:00:00:00:00:0a');
const laptop = mac('02:00:00:00:00:0b');
const printer = mac('02:00:00:00:01:50');

function server(text = confText): DhcpServer {
  const r = parseDhcpdConf(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return DhcpServer.fromDhcpdConf(r.value, 'home-router', ROUTER);
}

let xid = 1;
/** A client message as dhclient would send it (broadcast unless it has ciaddr). */
function send(s: DhcpServer, now: number, hw: Uint8Array, type: number, o: { ciaddr?: Ipv4Address; requestedIp?: Ipv4Address; serverId?: Ipv4Address; leaseTime?: number; hostname?: string } = {}) {
  const r = bootp(BootpOp.REQUEST, xid++, hw);
  r.ciaddr = o.ciaddr ?? 0;
  const v: DhcpOptionValues = { messageType: type, requestedIp: o.requestedIp, serverId: o.serverId, leaseTime: o.leaseTime, hostname: o.hostname };
  r.options = encodeDhcpOptions(v);
  return reply(s.receive(now, { src: r.ciaddr, srcPort: 68, dst: r.ciaddr ? ROUTER : 0xffffffff, dstPort: 67, payload: emitDhcp(r) }));
}

/** The reply's type, yiaddr and options (or none), and the step's lease events. */
function reply(step: ServiceStep<DhcpServerEvent>) {
  const out = step.sends[0];
  const events = step.events.map((e) => e.cause);
  if (!out) return { type: 'none' as const, events, cause: '' };
  const p = parseDhcp(out.payload);
  if (!p.ok) throw new Error(p.error.message);
  const v = decodeDhcpOptions(p.value.repr.options);
  if (!v.ok) throw new Error(v.error.message);
  const names: Record<number, string> = { [DhcpMessageType.OFFER]: 'OFFER', [DhcpMessageType.ACK]: 'ACK', [DhcpMessageType.NAK]: 'NAK' };
  return { type: names[v.value.messageType ?? 0], yiaddr: p.value.repr.yiaddr, v: v.value, events, cause: out.cause };
}

/** DISCOVER then REQUEST (selecting); returns the ACK. */
function dora(s: DhcpServer, now: number, hw: Uint8Array, hostname?: string) {
  const offer = send(s, now, hw, DhcpMessageType.DISCOVER, { hostname });
  if (offer.type !== 'OFFER') throw new Error(`no offer: ${offer.events.join('; ')}`);
  return send(s, now, hw, DhcpMessageType.REQUEST, { requestedIp: offer.yiaddr, serverId: ROUTER, hostname });
}

const stateOf = (s: DhcpServer, a: string, now: number) => s.snapshot(now).leases.find((l) => l.address === a);

describe('DHCP server leases (home router dhcpd.conf)', () => {
  it('the home router config passes dhcpd -t', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packetlab-leases-'));
    try {
      writeFileSync(join(dir, 'home.conf'), confText);
      const r = spawnSync('dhcpd', ['-t', '-q', '-cf', join(dir, 'home.conf'), '-lf', '/dev/null'], { encoding: 'utf8' });
      if (r.error) throw r.error;
      expect(r.status, r.stdout + r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs DORA, renews, expires and reuses addresses in virtual time', () => {
    const s = server();
    const offer = send(s, 0, pc, DhcpMessageType.DISCOVER, { hostname: 'pc1' });
    expect([offer.type, offer.yiaddr, offer.v?.leaseTime, offer.v?.renewalTime, offer.v?.rebindingTime]).toEqual(['OFFER', ipv4('192.168.1.100'), 3600, 1800, 3150]);
    expect(offer.v).toMatchObject({ domainName: 'home.lab', routers: [ROUTER], dnsServers: [ROUTER], broadcast: ipv4('192.168.1.255'), subnetMask: ipv4('255.255.255.0') });
    expect(offer.cause).toContain('DISCOVER from 02:00:00:00:00:0a (lowest free address in the pool) — lease 192.168.1.100 offered');
    // The offer is held: a second client gets the next address.
    expect(send(s, S, laptop, DhcpMessageType.DISCOVER).yiaddr).toBe(ipv4('192.168.1.101'));
    const ack = send(s, 2 * S, pc, DhcpMessageType.REQUEST, { requestedIp: ipv4('192.168.1.100'), serverId: ROUTER, hostname: 'pc1' });
    expect([ack.type, ack.yiaddr]).toEqual(['ACK', ipv4('192.168.1.100')]);
    // Renewal at T1 (unicast, ciaddr) extends the lease; the host name is kept.
    const renew = send(s, 1802 * S, pc, DhcpMessageType.REQUEST, { ciaddr: ipv4('192.168.1.100') });
    expect([renew.type, renew.events]).toEqual(['ACK', ['lease 192.168.1.100 renewed for 02:00:00:00:00:0a for 3600 s']]);
    expect(stateOf(s, '192.168.1.100', 1802 * S)).toEqual({ address: '192.168.1.100', mac: '02:00:00:00:00:0a', state: 'bound', expiresIn: 3600, hostname: 'pc1' });
    // The laptop never sent its REQUEST: its offer lapsed after a minute.
    expect(stateOf(s, '192.168.1.101', 1802 * S)?.state).toBe('released');
    // After the lease runs out the same client gets the same address back.
    expect(s.poll(6000 * S).events.map((e) => e.cause)).toEqual(['lease of 192.168.1.100 to 02:00:00:00:00:0a expired']);
    const again = send(s, 7000 * S, pc, DhcpMessageType.DISCOVER);
    expect([again.yiaddr, again.cause.includes('(02:00:00:00:00:0a had 192.168.1.100 before)')]).toEqual([ipv4('192.168.1.100'), true]);
  });

  it('honours reservations, requested addresses and lease-time caps; NAKs wrong requests when authoritative', () => {
    const s = server();
    const res = send(s, 0, printer, DhcpMessageType.DISCOVER);
    expect([res.yiaddr, res.cause.includes('(host reservation for 02:00:00:00:01:50)')]).toEqual([ipv4('192.168.1.50'), true]);
    const asked = send(s, 0, pc, DhcpMessageType.DISCOVER, { requestedIp: ipv4('192.168.1.102'), leaseTime: 999999 });
    expect([asked.yiaddr, asked.v?.leaseTime]).toEqual([ipv4('192.168.1.102'), 86400]);
    expect(asked.cause).toMatch(/asked for 192\.168\.1\.102 and it is free.*for 86400 s \(asked 999999 s, capped by max-lease-time\)/);
    expect(send(s, 0, pc, DhcpMessageType.REQUEST, { requestedIp: ipv4('192.168.1.102'), serverId: ROUTER }).type).toBe('ACK');
    // INIT-REBOOT from another network, or for an address leased to someone else: NAK.
    expect(send(s, 0, laptop, DhcpMessageType.REQUEST, { requestedIp: ipv4('10.0.0.7') })).toMatchObject({ type: 'NAK', events: ['02:00:00:00:00:0b asked for 10.0.0.7, which is wrong for this network (INIT-REBOOT)'] });
    expect(send(s, 0, laptop, DhcpMessageType.REQUEST, { requestedIp: ipv4('192.168.1.102') })).toMatchObject({ type: 'NAK', events: [expect.stringMatching(/leased to 02:00:00:00:00:0a/)] });
    // The printer's reserved address (offered to it): NAK for anyone else.
    expect(send(s, 0, laptop, DhcpMessageType.REQUEST, { requestedIp: ipv4('192.168.1.50') })).toMatchObject({ type: 'NAK', events: [expect.stringMatching(/192\.168\.1\.50 is leased to 02:00:00:00:01:50/)] });
    // A free address asked for by a client the server has no record of: silent (RFC 2131 §4.3.2).
    expect(send(s, 0, laptop, DhcpMessageType.REQUEST, { requestedIp: ipv4('192.168.1.103') })).toMatchObject({ type: 'none', events: [expect.stringMatching(/no record of this client, not answering/)] });
  });

  it('sends no DHCPNAK without "authoritative;" (ISC dhcpd default)', () => {
    const s = server(confText.replace('authoritative;', ''));
    expect(send(s, 0, laptop, DhcpMessageType.REQUEST, { requestedIp: ipv4('10.0.0.7') })).toMatchObject({
      type: 'none', events: ['02:00:00:00:00:0b asked for 10.0.0.7, which is wrong for this network (INIT-REBOOT) (not authoritative: no DHCPNAK sent)'],
    });
    // A subnet of its own can still be authoritative.
    const sub = server(confText.replace('authoritative;', '').replace('range 192.168.1.100', 'authoritative;\n  range 192.168.1.100'));
    dora(sub, 0, pc);
    expect(send(sub, 0, laptop, DhcpMessageType.REQUEST, { requestedIp: ipv4('192.168.1.100') }).type).toBe('NAK');
  });

  it('releases, declines and runs out of addresses', () => {
    const s = server();
    const clients = [0, 1, 2, 3, 4].map((i) => mac(`02:00:00:00:00:2${i}`));
    expect(clients.slice(0, 4).map((c) => dora(s, 0, c).yiaddr)).toEqual(['100', '101', '102', '103'].map((n) => ipv4(`192.168.1.${n}`)));
    expect(send(s, 0, clients[4], DhcpMessageType.DISCOVER)).toMatchObject({ type: 'none', events: ['no free address in 192.168.1.0/24 for 02:00:00:00:00:24 (pool exhausted): DISCOVER ignored'] });
    // A RELEASE from another client is ignored; the owner's frees the address for the next client.
    send(s, S, clients[1], DhcpMessageType.RELEASE, { ciaddr: ipv4('192.168.1.100'), serverId: ROUTER });
    expect(stateOf(s, '192.168.1.100', S)?.state).toBe('bound');
    send(s, S, clients[0], DhcpMessageType.RELEASE, { ciaddr: ipv4('192.168.1.100'), serverId: ROUTER });
    expect(stateOf(s, '192.168.1.100', S)?.state).toBe('released');
    expect(send(s, 2 * S, clients[4], DhcpMessageType.DISCOVER).yiaddr).toBe(ipv4('192.168.1.100'));
    // DECLINE (an ARP conflict): the address is quarantined for an hour.
    send(s, 3 * S, clients[1], DhcpMessageType.DECLINE, { requestedIp: ipv4('192.168.1.101'), serverId: ROUTER });
    expect(stateOf(s, '192.168.1.101', 3 * S)).toMatchObject({ state: 'declined', expiresIn: 3600 });
  });

  it('writes a dhcpd.leases file that dhcpd -T reads without errors', () => {
    const s = server();
    for (const [i, c] of [pc, laptop].entries()) dora(s, i * S, c, `host-${i}`);
    send(s, 5 * S, laptop, DhcpMessageType.DECLINE, { requestedIp: ipv4('192.168.1.101'), serverId: ROUTER });
    const text = s.leasesFile((v) => VIRTUAL_EPOCH_SECONDS * S + v);
    // Virtual time 0 is 2026-01-01 00:00:00 UTC, a Thursday (4).
    expect(text.split('\n')).toEqual([
      'lease 192.168.1.100 {', '  starts 4 2026/01/01 00:00:00;', '  ends 4 2026/01/01 01:00:00;', '  cltt 4 2026/01/01 00:00:00;',
      '  binding state active;', '  next binding state free;', '  hardware ethernet 02:00:00:00:00:0a;', '  client-hostname "host-0";', '}',
      'lease 192.168.1.101 {', '  starts 4 2026/01/01 00:00:05;', '  ends 4 2026/01/01 01:00:05;', '  cltt 4 2026/01/01 00:00:05;',
      '  binding state abandoned;', '  next binding state free;', '  hardware ethernet 02:00:00:00:00:0b;', '}', '',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'packetlab-leases-'));
    try {
      writeFileSync(join(dir, 'home.conf'), confText);
      writeFileSync(join(dir, 'dhcpd.leases'), text);
      const r = spawnSync('dhcpd', ['-T', '-cf', join(dir, 'home.conf'), '-lf', join(dir, 'dhcpd.leases')], { encoding: 'utf8' });
      if (r.error) throw r.error;
      const out = r.stdout + r.stderr;
      expect(r.status, out).toBe(0);
      expect(out).not.toMatch(/line \d+:/);
      expect(out).toContain('Wrote 2 leases to leases file.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
