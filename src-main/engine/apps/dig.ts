// Host DNS tools: `dig` (one query straight to a server, printed as dig 9.18 prints it) and a
// getaddrinfo-style lookup through the stub resolver (hosts file, OS cache, name servers). A truncated
// answer (TC) is asked again over TCP on the device's stack, as dig does (";; Truncated, retrying in
// TCP mode.", printed before dig's banner, and "(TCP)" on the SERVER line).
import { formatIpv4 } from '../../../src-shared/net/addr';
import { DnsRcode, emitDns, fullRcode, opcodeName, parseDns, rcodeName, recordToText, typeFromName, typeName, type DnsMessage, type DnsRecord } from '../../../src-shared/net/wire/dns';
import type { DeviceServices } from '../journey/device-services';
import { DnsTcpClient } from '../services/dns/tcp-transport';
import type { IpDevice } from '../stack/ip-device';

/** dig's defaults: +time=5 +tries=3 (the first plus two retries). */
const DIG_TIMEOUT = 5_000_000;
const DIG_TRIES = 3;
const DNS_PORT = 53;

export interface DigOptions {
  name: string;
  qtype?: string;
  /** Server address (dig @server); default: the device's first name server. */
  server?: number;
}

export interface DigResult {
  ok: boolean;
  rcode?: number;
  answers: DnsRecord[];
  lines: string[];
}

/** Sends one query and prints dig's output (header, sections, query time, server, size). */
export function startDig(dev: IpDevice, services: DeviceServices | undefined, opts: DigOptions, onDone?: (r: DigResult) => void): void {
  const net = dev.net;
  const qtypeName = (opts.qtype ?? 'A').toUpperCase();
  const qtype = typeFromName(qtypeName) ?? 1;
  const server = opts.server ?? services?.stub.snapshot(net.now).servers[0];
  const lines: string[] = [];
  const print = (text: string) => {
    lines.push(text);
    net.print(dev.name, text);
  };
  const finish = (r: Omit<DigResult, 'lines'>) => onDone?.({ ...r, lines });
  const serverAddress = typeof server === 'string' ? parseDotted(server) : server;
  // dig prints its banner with the first result, after a ";; Truncated" line.
  let bannerShown = false;
  const banner = () => {
    if (bannerShown) return;
    bannerShown = true;
    print(`; <<>> DiG 9.18 <<>> ${opts.server !== undefined ? `@${formatIpv4(opts.server)} ` : ''}${opts.name} ${qtypeName}`);
  };
  if (serverAddress === undefined) {
    banner();
    print(';; no servers could be reached (no name server configured)');
    return finish({ ok: false, answers: [] });
  }
  const fqdn = opts.name.endsWith('.') ? opts.name.slice(0, -1) : opts.name;
  const id = dev.rng.nextInt(0x10000);
  let sport = 32768 + dev.rng.nextInt(61000 - 32768);
  while (dev.udp.has(sport)) sport++;
  const query: DnsMessage = {
    id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: false, ad: true, cd: false, rcode: 0,
    questions: [{ name: fqdn, type: qtype, class: 1 }], answers: [], authorities: [], additionals: [],
    edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] },
  };
  const bytes = emitDns(query);
  let tries = 0;
  let sentAt = 0;
  let timer = net.scheduler.at(net.now, `${dev.name} dig`, () => send());
  const send = (): void => {
    tries++;
    sentAt = net.now;
    const err = dev.sendUdp(serverAddress, sport, DNS_PORT, bytes, `dig on ${dev.name}: ${fqdn} ${qtypeName} asked of ${formatIpv4(serverAddress)}${tries > 1 ? ` (try ${tries})` : ''}`);
    if (err) {
      dev.udp.delete(sport);
      banner();
      print(`;; UDP setup with ${formatIpv4(serverAddress)}#53(${formatIpv4(serverAddress)}) for ${fqdn} failed: ${err.toLowerCase()}.`);
      return finish({ ok: false, answers: [] });
    }
    timer = net.scheduler.after(DIG_TIMEOUT, `${dev.name} dig timeout`, () => {
      if (tries < DIG_TRIES) return send();
      dev.udp.delete(sport);
      banner();
      print(`;; communications error to ${formatIpv4(serverAddress)}#53: timed out`);
      print(';; no servers could be reached');
      finish({ ok: false, answers: [] });
    });
  };
  dev.udp.set(sport, (d) => {
    if (d.src !== serverAddress || d.srcPort !== DNS_PORT) return;
    const p = parseDns(d.payload);
    if (!p.ok || p.value.message.id !== id || !p.value.message.qr) return;
    net.scheduler.cancel(timer);
    dev.udp.delete(sport);
    const m = p.value.message;
    if (m.tc && services) return retryOverTcp();
    answered(m, 'UDP', d.payload.length);
  });
  const answered = (m: DnsMessage, transport: 'UDP' | 'TCP', size: number) => {
    banner();
    for (const l of formatDigAnswer(m, Math.round((net.now - sentAt) / 1000), serverAddress, size, transport)) print(l);
    finish({ ok: fullRcode(m) === DnsRcode.NOERROR, rcode: fullRcode(m), answers: m.answers });
  };
  const retryOverTcp = () => {
    print(';; Truncated, retrying in TCP mode.');
    print('');
    sentAt = net.now;
    const tcp = new DnsTcpClient(services!.tcp, (_token, reply, failure) => {
      const p = reply ? parseDns(reply) : undefined;
      const m = p?.ok ? p.value.message : undefined;
      if (!m || !m.qr || m.id !== id) {
        banner();
        print(`;; communications error to ${formatIpv4(serverAddress)}#53: ${m ? 'the reply does not match the query' : p && !p.ok ? 'malformed reply' : failure ?? 'end of file'}`);
        print(';; no servers could be reached');
        return finish({ ok: false, answers: [] });
      }
      answered(m, 'TCP', reply!.length);
    });
    tcp.run({ token: 1, dst: serverAddress, dstPort: DNS_PORT, payload: bytes, cause: `dig on ${dev.name}: ${fqdn} ${qtypeName} asked of ${formatIpv4(serverAddress)} again over TCP (the UDP answer was truncated)` });
  };
}

/** dig's answer block for message `m`. */
export function formatDigAnswer(m: DnsMessage, queryMs: number, server: number, size: number, transport: 'UDP' | 'TCP' = 'UDP'): string[] {
  const flags = [m.qr && 'qr', m.aa && 'aa', m.tc && 'tc', m.rd && 'rd', m.ra && 'ra', m.ad && 'ad', m.cd && 'cd'].filter(Boolean).join(' ');
  const out = [
    ';; Got answer:',
    `;; ->>HEADER<<- opcode: ${opcodeName(m.opcode)}, status: ${rcodeName(fullRcode(m))}, id: ${m.id}`,
    `;; flags: ${flags}; QUERY: ${m.questions.length}, ANSWER: ${m.answers.length}, AUTHORITY: ${m.authorities.length}, ADDITIONAL: ${m.additionals.length + (m.edns ? 1 : 0)}`,
  ];
  // dig asks with RD; a server that does not recurse says so by leaving RA clear.
  if (m.rd && !m.ra) out.push(';; WARNING: recursion requested but not available');
  out.push('');
  if (m.edns) out.push(';; OPT PSEUDOSECTION:', `; EDNS: version: ${m.edns.version}, flags:${m.edns.dnssecOk ? ' do' : ''}; udp: ${m.edns.udpSize}`);
  out.push(';; QUESTION SECTION:');
  for (const q of m.questions) out.push(columns([`;${q.name === '' ? '' : q.name}.`, 'IN', typeName(q.type)], QUESTION_COLUMNS));
  const section = (title: string, rs: DnsRecord[]) => {
    if (!rs.length) return;
    out.push('', `;; ${title} SECTION:`, ...rs.map(recordLine));
  };
  section('ANSWER', m.answers);
  section('AUTHORITY', m.authorities);
  section('ADDITIONAL', m.additionals);
  out.push('', `;; Query time: ${queryMs} msec`, `;; SERVER: ${formatIpv4(server)}#53(${formatIpv4(server)}) (${transport})`, `;; MSG SIZE  rcvd: ${size}`, '');
  return out;
}

// dig's master-file style: owner, TTL, class, type and RDATA start at columns 0, 24, 32, 40, 48
// (tab width 8); a field that runs past its column is followed by one space (masterdump.c indent()).
const RECORD_COLUMNS = [0, 24, 32, 40, 48];
const QUESTION_COLUMNS = [0, 32, 40];

function columns(fields: string[], at: number[]): string {
  let line = fields[0];
  let col = fields[0].length;
  for (let i = 1; i < fields.length; i++) {
    const to = Math.max(at[i], col + 1);
    const tabs = Math.floor(to / 8) - Math.floor(col / 8);
    line += tabs > 0 ? '\t'.repeat(tabs) + ' '.repeat(to % 8) : ' '.repeat(to - col);
    line += fields[i];
    col = to + fields[i].length;
  }
  return line;
}

/** One record as dig prints it: recordToText's tab-separated fields put in dig's columns. */
function recordLine(r: DnsRecord): string {
  const parts = recordToText(r).split('\t');
  return columns([...parts.slice(0, 4), parts.slice(4).join('\t')], RECORD_COLUMNS);
}

function parseDotted(s: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  return m ? ((+m[1] << 24) | (+m[2] << 16) | (+m[3] << 8) | +m[4]) >>> 0 : undefined;
}

/** getaddrinfo through the stub (hosts file → OS cache → name servers), printed like `getent ahostsv4`. */
export function startGetaddrinfo(dev: IpDevice, services: DeviceServices, name: string, qtype = 'A', onDone?: (addresses: number[], source: string | undefined) => void): void {
  const net = dev.net;
  const type = typeFromName(qtype.toUpperCase()) ?? 1;
  services.resolve(name, type, (e) => {
    if (e.kind === 'resolved') {
      for (const a of e.addresses) net.print(dev.name, `${formatIpv4(a)}\t${e.name}\t(${e.source}: ${e.cause})`);
      onDone?.(e.addresses, e.source);
    } else {
      net.print(dev.name, `getaddrinfo ${name}: ${e.rcode === DnsRcode.NXDOMAIN ? 'Name or service not known' : 'Temporary failure in name resolution'} (${e.cause})`);
      onDone?.([], undefined);
    }
  });
}
