// The home router's forwarding cache against dnsmasq 2.90 forwarding to BIND
// (dns-dnsmasq-forwarder.pcapng): the client's queries from the capture go to our forwarder, which
// forwards to our authoritative server loaded with the same zones. The replies must have the
// content dnsmasq sent: the upstream answer relayed on a miss (AA kept, RA set), a cache hit with
// only the answer, NXDOMAIN relayed with the SOA, a local host-record answered authoritatively and
// a name outside every forwarded domain REFUSED.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { ipv4 } from '../../../../src-shared/net/addr';
import { DnsType, emitDns, parseDns, recordToText, type DnsMessage, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { readPcapng, transportPayload } from '../../../../src-shared/net/wire/fixtures-app/pcapng-reader';
import { Rng } from '../../sim/rng';
import { DnsAuthoritativeServer } from './authoritative';
import { DnsResolver } from './resolver';
import { fixture, loadZone, TestNet } from './test-net';

const UPSTREAM = ipv4('192.0.2.53');
const ROUTER = ipv4('192.168.1.1');
const PC = ipv4('192.168.1.10');
const section = (rs: DnsRecord[]) => rs.map(recordToText).sort();

interface Exchange {
  query: DnsMessage;
  reply: DnsMessage;
  upstream: boolean;
}

/** Client ↔ dnsmasq exchanges (port 15354), with whether dnsmasq asked BIND (port 15353) for it. */
function exchanges(): Exchange[] {
  const frames = readPcapng(new Uint8Array(readFileSync(fixture('dns-dnsmasq-forwarder.pcapng'))));
  const out: Exchange[] = [];
  const open = new Map<number, Exchange>();
  for (const f of frames) {
    const s = transportPayload(f);
    if (!s) continue;
    const p = parseDns(s.payload);
    if (!p.ok) throw new Error(p.error.message);
    const m = p.value.message;
    if (s.dstPort === 15354) open.set(m.id, { query: m, reply: m, upstream: false });
    else if (s.dstPort === 15353) [...open.values()].at(-1)!.upstream = true;
    else if (s.srcPort === 15354) {
      const e = open.get(m.id)!;
      e.reply = m;
      out.push(e);
      open.delete(m.id);
    }
  }
  return out;
}

describe('forwarding cache vs dnsmasq (dns-dnsmasq-forwarder.pcapng)', () => {
  const net = new TestNet(100);
  net.add(UPSTREAM, new DnsAuthoritativeServer({ name: 'bind', zones: [loadZone('example.test.zone', 'example.test'), loadZone('192.0.2.rev.zone', '2.0.192.in-addr.arpa')] }));
  // dnsmasq --no-resolv --server=/example.test/… --server=/2.0.192.in-addr.arpa/… --host-record=gateway.example.test,192.0.2.1
  const router = new DnsResolver({
    name: 'home-router', mode: 'forwarding', address: ROUTER,
    domainForwarders: [{ domain: 'example.test', servers: [UPSTREAM] }, { domain: '2.0.192.in-addr.arpa', servers: [UPSTREAM] }],
    localRecords: [{ name: 'gateway.example.test', type: DnsType.A, class: 1, ttl: 0, data: { kind: 'A', address: ipv4('192.0.2.1') } }],
  }, new Rng(7));
  net.add(ROUTER, router);
  let last: DnsMessage | undefined;
  net.add(PC, { receive: (_n, d) => { const p = parseDns(d.payload); if (p.ok) last = p.value.message; return { sends: [], events: [], nextPoll: undefined }; } });
  const cases = exchanges();

  it('has the seven exchanges: forwarded, from the cache, local, refused', () => {
    expect(cases.map((c) => `${c.query.questions[0].name} ${c.upstream ? 'forwarded' : 'local'}`)).toEqual([
      'www.example.test forwarded', 'www.example.test local', 'shop.example.test forwarded', 'gateway.example.test local',
      '25.2.0.192.in-addr.arpa forwarded', 'missing.example.test forwarded', 'www.unrouted.test local',
    ]);
  });

  it.each(cases.map((c, i) => [i, c.query.questions[0].name, c] as const))('exchange %i (%s) has dnsmasq\'s content', (_i, _n, c) => {
    const mark = net.log.length;
    last = undefined;
    net.apply(PC, { sends: [{ src: PC, srcPort: 40000, dst: ROUTER, dstPort: 53, payload: emitDns(c.query), cause: 'dig' }], events: [], nextPoll: undefined });
    net.run();
    expect(net.log.slice(mark).some((l) => l.to === UPSTREAM)).toBe(c.upstream);
    const r = last!;
    expect(r.id).toBe(c.reply.id);
    expect([r.rcode, r.aa, r.ra, r.rd, r.tc]).toEqual([c.reply.rcode, c.reply.aa, c.reply.ra, c.reply.rd, c.reply.tc]);
    expect(section(r.answers)).toEqual(section(c.reply.answers));
    expect(section(r.authorities)).toEqual(section(c.reply.authorities));
    expect(section(r.additionals)).toEqual(section(c.reply.additionals));
    const up = net.log.slice(mark).find((l) => l.to === UPSTREAM);
    if (up) {
      expect(up.message!.rd).toBe(true);
      expect(up.send.cause).toContain('forwarding to 192.0.2.53');
    }
  });

  it('the cache holds what was forwarded, with the negative entry', () => {
    const snap = router.snapshot(net.now).cache.map((e) => `${e.name} ${e.type} ${e.kind}`);
    expect(snap).toEqual([
      '25.2.0.192.in-addr.arpa PTR positive',
      'cdn.example.test CNAME positive',
      'missing.example.test * nxdomain',
      'shop.example.test CNAME positive',
      'store.example.test CNAME positive',
      'www.example.test A positive',
    ]);
  });

  it('tries the next forwarder after a timeout', () => {
    const second = ipv4('192.0.2.54');
    const n2 = new TestNet(100);
    n2.add(second, new DnsAuthoritativeServer({ name: 'bind2', zones: [loadZone('example.test.zone', 'example.test')] }));
    const fwd = new DnsResolver({ name: 'home-router', mode: 'forwarding', forwarders: [UPSTREAM, second], address: ROUTER, timeout: 2_000_000 }, new Rng(7));
    n2.add(ROUTER, fwd);
    n2.apply(ROUTER, fwd.lookup(0, 'www.example.test', DnsType.A, 'x'));
    n2.run();
    expect(n2.queries(0, ROUTER)).toEqual(['A www.example.test → 192.0.2.53', 'A www.example.test → 192.0.2.54']);
    expect(n2.events).toMatchObject([{ kind: 'answered', rcode: 0, tag: 'x' }]);
    expect(n2.log[1].send.cause).toContain('no answer from 192.0.2.53 (192.0.2.53) within 2000 ms');
  });
});
