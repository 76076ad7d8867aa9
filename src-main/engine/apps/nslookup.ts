// `nslookup` on a host, as BIND 9.18's nslookup behaves: it takes the stub resolver's name servers
// (resolv.conf, or DHCP option 6) unless one is given, and asks them directly — no hosts file, no OS
// cache. One query with RD and no EDNS; 5 s per try, a fresh source port per try and the same ID:
// 3 tries of the first server, then one try of each next one (each lookup starts over at the first). Without a type it asks A, then AAAA for the end of the A answer's CNAME chain, and
// prints both under one header, as nslookup does. An IPv4 address is looked up as its PTR name
// (without the header unless a type was given, again as nslookup does). A truncated answer (TC) is
// asked again over TCP on the device's stack: ";; Truncated, retrying in TCP mode.", as nslookup does.
import { formatIpv4 } from '../../../src-shared/net/addr';
import { canonicalName, DnsRcode, DnsType, emitDns, fullRcode, parseDns, rcodeName, rdataToText, typeFromName, typeName, type DnsMessage, type DnsRecord } from '../../../src-shared/net/wire/dns';
import type { DeviceServices } from '../journey/device-services';
import { DnsTcpClient } from '../services/dns/tcp-transport';
import type { IpDevice } from '../stack/ip-device';

const NSLOOKUP_TIMEOUT = 5_000_000;
const NSLOOKUP_TRIES = 3;
const DNS_PORT = 53;

export interface NslookupOptions {
  name: string;
  /** `-type=…`; absent = nslookup's default lookups (A, then AAAA). */
  qtype?: string;
  /** `nslookup NAME SERVER` (that server only); default: the stub resolver's name servers, in order. */
  server?: number;
}

export interface NslookupResult {
  /** True when a lookup got an answer (rcode NOERROR with records). */
  ok: boolean;
  /** Rcode of the last reply, undefined when no server answered. */
  rcode?: number;
  answers: DnsRecord[];
  lines: string[];
}

/** What nslookup's `rtypetext` puts before the RDATA of a record printed on one line. */
const RTYPE_TEXT: Record<number, string> = {
  [DnsType.A]: 'internet address = ',
  [DnsType.NS]: 'nameserver = ',
  [DnsType.CNAME]: 'canonical name = ',
  [DnsType.PTR]: 'name = ',
  [DnsType.MX]: 'mail exchanger = ',
  [DnsType.TXT]: 'text = ',
  [DnsType.AAAA]: 'has AAAA address ',
  [DnsType.SRV]: 'service = ',
};

const bare = (n: string) => (n === '' ? '.' : n.endsWith('.') ? n.slice(0, -1) : n);

/**
 * nslookup's printing of replies (printmessage/printsection of bin/dig/nslookup.c), kept apart from
 * the I/O so tests can feed it the replies of a real named and compare with the real tool.
 */
export class NslookupPrinter {
  private aNoAnswer = false;

  /**
   * @param server the server as given (the `Server:` line)
   * @param address `address#port` (the `Address:` line)
   * @param defaultLookups no `-type`: A then AAAA, one header, "No answer" only when both are empty
   */
  constructor(
    public server: string,
    public address: string,
    readonly defaultLookups: boolean,
  ) {}

  /** The server that answers the next reply (nslookup moves to the next one when a server times out). */
  answeredBy(server: string, address: string): void {
    this.server = server;
    this.address = address;
  }

  /** Lines for one reply to a question of `type`; `next` is the AAAA follow-up of a default lookup. */
  reply(m: DnsMessage, name: string, type: number): { lines: string[]; next?: { name: string; type: number } } {
    const out: string[] = [];
    const isA = type === DnsType.A;
    if (!this.defaultLookups || isA) out.push(`Server:\t\t${this.server}`, `Address:\t${this.address}`, '');
    const rcode = fullRcode(m);
    if (rcode !== DnsRcode.NOERROR) {
      out.push(`** server can't find ${bare(name)}: ${rcodeName(rcode)}`);
      return { lines: out };
    }
    let next: { name: string; type: number } | undefined;
    if (this.defaultLookups && isA) next = { name: chaseCnames(m, canonicalName(name)), type: DnsType.AAAA };
    if (!m.aa && (!this.defaultLookups || isA)) out.push('Non-authoritative answer:');
    if (m.answers.length) printSection(out, m.answers, true);
    else if (this.defaultLookups && isA) this.aNoAnswer = true;
    else if (!this.defaultLookups || (type === DnsType.AAAA && this.aNoAnswer)) out.push(`*** Can't find ${bare(name)}: No answer`);
    if (!m.aa && !isA && type !== DnsType.AAAA) {
      out.push('', 'Authoritative answers can be found from:');
      printSection(out, m.authorities, false);
      printSection(out, m.additionals, false);
    }
    return next ? { lines: out, next } : { lines: out };
  }
}

function printSection(out: string[], records: DnsRecord[], answer: boolean): void {
  for (const r of records) {
    const name = bare(r.name);
    const d = r.data;
    if (answer && (d.kind === 'A' || d.kind === 'AAAA')) out.push(`Name:\t${name}`, `Address: ${rdataToText(d)}`);
    else if (d.kind === 'SOA') {
      out.push(name, `\torigin = ${bare(d.mname)}`, `\tmail addr = ${bare(d.rname)}`, `\tserial = ${d.serial}`, `\trefresh = ${d.refresh}`, `\tretry = ${d.retry}`, `\texpire = ${d.expire}`, `\tminimum = ${d.minimum}`);
    } else out.push(`${name}\t${RTYPE_TEXT[r.type] ?? `rdata_${r.type} = `}${rdataToText(d)}`);
  }
}

/** The end of the CNAME chain that starts at `name` inside the answer section (chase_cnamechain). */
function chaseCnames(m: DnsMessage, name: string): string {
  let n = name;
  for (let i = 0; i < 16; i++) {
    const c = m.answers.find((r) => r.data.kind === 'CNAME' && canonicalName(r.name) === n);
    if (!c || c.data.kind !== 'CNAME') break;
    n = canonicalName(c.data.target);
  }
  return n;
}

/** Runs nslookup on `dev`: prints as it goes (net.print) and reports the whole output at the end. */
export function startNslookup(dev: IpDevice, services: DeviceServices | undefined, opts: NslookupOptions, onDone?: (r: NslookupResult) => void): void {
  const net = dev.net;
  const lines: string[] = [];
  const print = (text: string) => {
    lines.push(text);
    net.print(dev.name, text);
  };
  const typeText = opts.qtype?.toUpperCase();
  const firstType = typeText !== undefined ? (typeFromName(typeText) ?? DnsType.A) : DnsType.A;
  const configured = (services?.stub.snapshot(net.now).servers ?? []).map(parseDotted).filter((a): a is number => a !== undefined);
  const servers = opts.server !== undefined ? [opts.server] : configured;
  const answers: DnsRecord[] = [];
  let lastRcode: number | undefined;
  const finish = (ok: boolean) => {
    print(''); // nslookup ends with a blank line
    onDone?.({ ok, rcode: lastRcode, answers, lines });
  };
  if (servers.length === 0) {
    print(';; no servers could be reached');
    return finish(false);
  }
  /** The server asked now (and that answered, when a reply comes). */
  let server = servers[0];
  let serverText = formatIpv4(server);
  const printer = new NslookupPrinter(serverText, `${serverText}#${DNS_PORT}`, typeText === undefined);
  const id = dev.rng.nextInt(0x10000);
  let anyAnswer = false;

  const ask = (name: string, type: number): void => {
    const query: DnsMessage = {
      id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: false, cd: false, rcode: 0,
      questions: [{ name, type, class: 1 }], answers: [], authorities: [], additionals: [],
    };
    const bytes = emitDns(query);
    // BIND's dighost: a lookup has `tries` chances; a timeout spends one on the same server until one
    // is left, then each next server gets that last one.
    let next = 0;
    let triesLeft = NSLOOKUP_TRIES;
    let tries = 0;
    const useNext = () => {
      server = servers[next++];
      serverText = formatIpv4(server);
      tries = 0;
    };
    useNext();
    let sport = 0;
    let timer: ReturnType<typeof net.scheduler.after> | null = null;
    const release = () => {
      if (sport) dev.udp.delete(sport);
      sport = 0;
    };
    const moveOn = (): void => {
      if (triesLeft > 1) {
        triesLeft--;
        return send();
      }
      if (next < servers.length) {
        useNext();
        return send();
      }
      release();
      print(';; no servers could be reached');
      finish(false);
    };
    const send = (): void => {
      release();
      tries++;
      const asked = server;
      sport = 32768 + dev.rng.nextInt(61000 - 32768);
      while (dev.udp.has(sport)) sport = sport === 60999 ? 32768 : sport + 1;
      dev.udp.set(sport, (d) => {
        if (d.src !== asked || d.srcPort !== DNS_PORT) return;
        const p = parseDns(d.payload);
        if (!p.ok || p.value.message.id !== id || !p.value.message.qr) return;
        const q = p.value.message.questions[0];
        if (!q || canonicalName(q.name) !== canonicalName(name) || q.type !== type) return;
        net.scheduler.cancel(timer);
        release();
        if (p.value.message.tc && services) return retryOverTcp(bytes, name, type);
        received(p.value.message, name, type);
      });
      const err = dev.sendUdp(server, sport, DNS_PORT, bytes, `nslookup on ${dev.name}: ${bare(name)} ${typeName(type)} asked of ${serverText}${tries > 1 ? ` (try ${tries})` : ''}`);
      if (err) {
        release();
        print(`;; communications error to ${serverText}#${DNS_PORT}: ${err.toLowerCase()}`);
        triesLeft = 1; // a server that cannot be reached is not tried again
        return moveOn();
      }
      timer = net.scheduler.after(NSLOOKUP_TIMEOUT, `${dev.name} nslookup timeout`, () => {
        print(`;; communications error to ${serverText}#${DNS_PORT}: timed out`);
        moveOn();
      });
    };
    send();
  };

  const retryOverTcp = (bytes: Uint8Array, name: string, type: number): void => {
    print(';; Truncated, retrying in TCP mode.');
    const tcp = new DnsTcpClient(services!.tcp, (_token, reply, failure) => {
      const p = reply ? parseDns(reply) : undefined;
      const m = p?.ok ? p.value.message : undefined;
      if (!m || !m.qr || m.id !== id) {
        print(`;; communications error to ${serverText}#${DNS_PORT}: ${m ? 'the reply does not match the query' : p && !p.ok ? 'malformed reply' : failure ?? 'end of file'}`);
        print(';; no servers could be reached');
        return finish(false);
      }
      received(m, name, type);
    });
    tcp.run({ token: 1, dst: server, dstPort: DNS_PORT, payload: bytes, cause: `nslookup on ${dev.name}: ${bare(name)} ${typeName(type)} asked of ${serverText} again over TCP (the UDP answer was truncated)` });
  };

  const received = (m: DnsMessage, name: string, type: number): void => {
    const rcode = fullRcode(m);
    lastRcode = rcode;
    if (rcode === DnsRcode.SERVFAIL) print(`;; Got SERVFAIL reply from ${serverText}`);
    printer.answeredBy(serverText, `${serverText}#${DNS_PORT}`);
    const r = printer.reply(m, name, type);
    for (const l of r.lines) print(l);
    answers.push(...m.answers);
    if (rcode === DnsRcode.NOERROR && m.answers.some((a) => a.type === type)) anyAnswer = true;
    if (r.next) return ask(r.next.name, r.next.type);
    finish(anyAnswer);
  };

  const reverse = reverseName(opts.name);
  ask(reverse ?? canonicalName(opts.name), reverse ? DnsType.PTR : firstType);
}

/** "192.0.2.10" → "10.2.0.192.in-addr.arpa" (nslookup's automatic reverse lookup); undefined for names. */
export function reverseName(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name.trim());
  if (!m || m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return `${Number(m[4])}.${Number(m[3])}.${Number(m[2])}.${Number(m[1])}.in-addr.arpa`;
}

function parseDotted(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  return m ? ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0 : undefined;
}
