// The story of the URL journey: the capture and the recorded events told as a list of entries in
// time order. Frames of one conversation with the same step form one entry while nothing of
// another step happens on that conversation (other conversations may interleave: a DNS query's
// entry stays open while the resolver asks the root, the TLD and the authoritative servers).
// Bare TCP ACKs belong to the entry they acknowledge. TCP frames of an HTTP exchange the browser
// recorded (request written … response complete) form an `http` entry, even inside TLS. Steps
// without frames (url, cache, render) are the recorder's events. Built on demand: recording costs
// nothing per frame.
import { formatIpv4, formatMac } from '../../../src-shared/net/addr';
import { canonicalName, DnsType, parseDns, rcodeName, rdataToText, typeName, type DnsMessage } from '../../../src-shared/net/wire/dns';
import { decodeDhcpOptions, dhcpMessageTypeName, parseDhcp } from '../../../src-shared/net/wire/dhcp';
import { cipherSuiteName, decodeExtension, HandshakeType, parseClientHello, parseServerHello, TlsContentType } from '../../../src-shared/net/wire/tls';
import type { Capture } from '../model/capture';
import type { Micros } from '../sim/time';
import type { HttpExchange, JourneyEvent, JourneyRecorder } from './record';
import { journeyStep, type JourneyStep } from './steps';

/** A journey step, or `story` for the entry that says the story was cut. */
export type StoryStep = JourneyStep | 'story';

export interface StoryEntry {
  step: StoryStep;
  device: string;
  startUs: Micros;
  endUs: Micros;
  firstFrame: number | null;
  lastFrame: number | null;
  frameCount: number;
  summary: string;
  causes: string[];
  facts: Record<string, string>;
}

export interface StoryContext {
  capture: Capture;
  recorder: JourneyRecorder;
  /** Zones an authoritative server answers for (by address), to name the tier that answered. */
  zonesAt: (address: number) => readonly string[] | undefined;
  /** At most this many entries (default MAX_STORY_ENTRIES), the last one saying what was left out. */
  maxEntries?: number;
}

/**
 * The story of a huge capture is cut here: the first entries (by time) are kept, and the last one
 * says how many entries and frames were left out (step 'story', facts.kind 'truncated').
 */
export const MAX_STORY_ENTRIES = 20_000;

const MAX_CAUSES = 12;
/** Packets remembered per conversation to recognise their copies on later hops. */
const RECENT_PACKETS = 64;
const ETH_ARP = 0x0806;
const ETH_IPV4 = 0x0800;
const TCP_SYN = 0x02;
const TCP_FIN = 0x01;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;

/** What one frame is, read straight from its bytes (no allocation beyond the key). */
interface FrameFacts {
  step: JourneyStep;
  key: string;
  proto: number;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  /** Server side of a UDP/TCP conversation. */
  server: number;
  serverPort: number;
  tcpFlags: number;
  payloadOffset: number;
  payloadLength: number;
  /** Names the packet on every hop (routers change TTL, MACs and NAT addresses, not these). */
  packet: string;
}

const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const WELL_KNOWN = new Set([53, 67, 68, 80, 443, 8080, 8443]);

function frameFacts(bytes: Uint8Array): FrameFacts {
  const step = journeyStep(bytes);
  const f: FrameFacts = { step, key: '', proto: 0, src: 0, dst: 0, sport: 0, dport: 0, server: 0, serverPort: 0, tcpFlags: 0, payloadOffset: 0, payloadLength: 0, packet: '' };
  if (bytes.length < 14) return { ...f, key: 'short' };
  const type = u16(bytes, 12);
  if (type === ETH_ARP && bytes.length >= 42) {
    const a = u32(bytes, 28);
    const b = u32(bytes, 38);
    f.key = `arp:${Math.min(a, b)}-${Math.max(a, b)}`;
    return f;
  }
  if (type !== ETH_IPV4 || bytes.length < 34) {
    f.key = `eth:${type}`;
    return f;
  }
  const ihl = (bytes[14] & 0x0f) * 4;
  const total = u16(bytes, 16);
  f.proto = bytes[23];
  f.src = u32(bytes, 26);
  f.dst = u32(bytes, 30);
  const l4 = 14 + ihl;
  const end = Math.min(bytes.length, 14 + total);
  if ((f.proto === 6 || f.proto === 17) && end >= l4 + 8) {
    f.sport = u16(bytes, l4);
    f.dport = u16(bytes, l4 + 2);
    const srcServes = WELL_KNOWN.has(f.sport) && !WELL_KNOWN.has(f.dport) ? true : WELL_KNOWN.has(f.dport) ? false : f.sport < f.dport;
    f.server = srcServes ? f.src : f.dst;
    f.serverPort = srcServes ? f.sport : f.dport;
    const clientPort = srcServes ? f.dport : f.sport;
    if (f.proto === 17) {
      f.payloadOffset = l4 + 8;
      f.payloadLength = Math.max(0, end - f.payloadOffset);
      f.packet = `${u16(bytes, 18)}:${f.payloadLength}`; // IP identification and size
      // DHCP: one transaction (xid) across the broadcast and unicast addresses and the relay.
      if (step === 'dhcp' && f.payloadLength >= 8) f.key = `dhcp:${u32(bytes, f.payloadOffset + 4)}`;
      else f.key = `udp:${f.server}:${f.serverPort}:${clientPort}`;
    } else if (end >= l4 + 20) {
      f.tcpFlags = bytes[l4 + 13];
      f.payloadOffset = l4 + (bytes[l4 + 12] >> 4) * 4;
      f.payloadLength = Math.max(0, end - f.payloadOffset);
      f.packet = `${u32(bytes, l4 + 4)}:${u32(bytes, l4 + 8)}:${f.tcpFlags}:${f.payloadLength}`; // seq, ack, flags, size
      f.key = `tcp:${f.server}:${f.serverPort}:${clientPort}`;
    } else f.key = `tcp:${f.server}:${f.serverPort}:${clientPort}`;
    return f;
  }
  f.key = `ip:${f.proto}:${Math.min(f.src, f.dst)}-${Math.max(f.src, f.dst)}`;
  return f;
}

/** A growing entry made of frames. */
interface Run {
  entry: StoryEntry;
  label: string;
  key: string;
  causeSet: Set<string>;
  /** Step-specific notes gathered from the bytes. */
  notes: Record<string, string>;
  exchange?: HttpExchange;
  dnsQuery?: DnsMessage;
  dnsAnswer?: DnsMessage;
  dhcpTypes: string[];
  tcpFlags: string[];
  /** Position among entries and events (frame number; events sit between frames). */
  order: number;
}

/** Builds the story of everything captured and recorded so far. */
export function buildStory(ctx: StoryContext): StoryEntry[] {
  const { capture, recorder } = ctx;
  // Exchanges by connection, named like the frames' conversations.
  const exchangesByKey = new Map<string, HttpExchange[]>();
  for (const x of recorder.exchanges) {
    const k = `tcp:${x.server}:${x.port}:${x.clientPort}`;
    let list = exchangesByKey.get(k);
    if (!list) exchangesByKey.set(k, (list = []));
    list.push(x);
  }
  const open = new Map<string, Run>();
  /** The runs of the latest packets of each conversation: a packet's copies on later hops join its run. */
  const packets = new Map<string, Map<string, Run>>();
  const runs: Run[] = [];

  for (let no = 1; no <= capture.count; no++) {
    const bytes = capture.bytesOf(no);
    const f = frameFacts(bytes);
    const frame = capture.frame(no);
    const device = frame.fromInterface.device;
    const time = frame.time;
    let recent = f.packet ? packets.get(f.key) : undefined;
    let run = recent?.get(f.packet);
    if (!run) {
      const bare = f.proto === 6 && f.payloadLength === 0 && (f.tcpFlags & (TCP_SYN | TCP_FIN | TCP_RST)) === 0;
      let label: string = f.step;
      let exchange: HttpExchange | undefined;
      const list = f.proto === 6 ? exchangesByKey.get(f.key) : undefined;
      // The latest exchange that covers the frame: a request written the instant the previous response completed belongs to the new one.
      if (list) for (const x of list) if (x.sentUs <= time && time <= x.doneUs) exchange = x;
      if (exchange) label = `http#${recorder.exchanges.indexOf(exchange)}`;
      run = open.get(f.key);
      if (!run || !(bare || run.label === label)) {
        if (bare) label = 'tcp';
        const step: JourneyStep = exchange ? 'http' : bare ? 'tcp' : f.step;
        run = {
          entry: { step, device: exchange ? exchange.device : device, startUs: time, endUs: time, firstFrame: no, lastFrame: no, frameCount: 0, summary: '', causes: [], facts: {} },
          label, key: f.key, causeSet: new Set(), notes: {}, exchange, dhcpTypes: [], tcpFlags: [], order: no,
        };
        open.set(f.key, run);
        runs.push(run);
      }
      if (f.packet) {
        if (!recent) packets.set(f.key, (recent = new Map()));
        recent.set(f.packet, run);
        if (recent.size > RECENT_PACKETS) recent.delete(recent.keys().next().value!);
      }
    }
    const e = run.entry;
    e.lastFrame = Math.max(e.lastFrame ?? no, no);
    e.endUs = Math.max(e.endUs, time);
    e.frameCount++;
    if (run.causeSet.size < MAX_CAUSES && !run.causeSet.has(frame.cause)) {
      run.causeSet.add(frame.cause);
      e.causes.push(frame.cause);
    }
    observe(run, f, bytes, device);
  }

  // Sorted before the sentences are made, so a cut story only finishes the entries it keeps.
  const slots: { startUs: Micros; order: number; seq: number; run?: Run; event?: JourneyEvent }[] = runs.map((run, i) => ({ startUs: run.entry.startUs, order: run.order, seq: i, run }));
  recorder.events.forEach((event, i) => slots.push({ startUs: event.time, order: event.afterFrame + 0.5, seq: runs.length + i, event }));
  slots.sort((a, b) => a.startUs - b.startUs || a.order - b.order || a.seq - b.seq);
  const make = (x: (typeof slots)[number]) => (x.run ? finish(x.run, ctx) : eventEntry(x.event!));
  const max = Math.max(1, ctx.maxEntries ?? MAX_STORY_ENTRIES);
  if (slots.length <= max) return slots.map(make);
  const kept = slots.slice(0, max - 1).map(make);
  kept.push(leftOut(slots.slice(max - 1).map((x) => x.run?.entry ?? eventEntry(x.event!)), slots.length));
  return kept;
}

/** The last entry of a cut story: how many entries and frames are not told, and where they start. */
function leftOut(rest: StoryEntry[], total: number): StoryEntry {
  const first = rest[0];
  let frames = 0;
  let firstFrame: number | null = null;
  let lastFrame: number | null = null;
  let endUs = first.startUs;
  for (const e of rest) {
    frames += e.frameCount;
    endUs = Math.max(endUs, e.endUs);
    if (e.firstFrame !== null && (firstFrame === null || e.firstFrame < firstFrame)) firstFrame = e.firstFrame;
    if (e.lastFrame !== null && (lastFrame === null || e.lastFrame > lastFrame)) lastFrame = e.lastFrame;
  }
  return {
    step: 'story', device: first.device, startUs: first.startUs, endUs, firstFrame, lastFrame, frameCount: frames,
    summary: `${rest.length} more entries (${frames} frames) are not told: the story keeps its first ${total - rest.length} of ${total} entries`,
    causes: [],
    facts: { kind: 'truncated', omittedEntries: String(rest.length), omittedFrames: String(frames), totalEntries: String(total) },
  };
}

function eventEntry(ev: JourneyEvent): StoryEntry {
  return { step: ev.step, device: ev.device, startUs: ev.time, endUs: ev.time, firstFrame: null, lastFrame: null, frameCount: 0, summary: ev.summary, causes: ev.causes.slice(0, MAX_CAUSES), facts: { ...ev.facts } };
}

/** Reads what the entry's sentence needs from one more frame (only the frames that tell something new). */
function observe(run: Run, f: FrameFacts, bytes: Uint8Array, device: string): void {
  const n = run.notes;
  const payload = () => bytes.subarray(f.payloadOffset, f.payloadOffset + f.payloadLength);
  switch (run.entry.step) {
    case 'arp': {
      if (bytes.length < 42) return;
      const op = u16(bytes, 20);
      if (op === 1 && n.target === undefined) {
        n.asker = device;
        n.askerAddress = formatIpv4(u32(bytes, 28));
        n.target = formatIpv4(u32(bytes, 38));
      } else if (op === 2 && n.mac === undefined) {
        n.mac = formatMac(bytes.subarray(22, 28));
        n.answeredBy = device;
        n.target ??= formatIpv4(u32(bytes, 28));
      }
      return;
    }
    case 'dhcp': {
      const d = parseDhcp(payload());
      if (!d.ok) return;
      const repr = d.value.repr;
      const o = decodeDhcpOptions(repr.options);
      const type = o.ok && o.value.messageType !== undefined ? dhcpMessageTypeName(o.value.messageType).toUpperCase() : 'BOOTP';
      if (run.dhcpTypes[run.dhcpTypes.length - 1] !== type) run.dhcpTypes.push(type);
      n.client ??= formatMac(repr.chaddr.subarray(0, 6));
      if (type === 'DISCOVER' || type === 'REQUEST' || type === 'RELEASE' || type === 'INFORM' || type === 'DECLINE') n.clientDevice ??= device;
      if ((type === 'OFFER' || type === 'ACK') && repr.yiaddr) n.address = formatIpv4(repr.yiaddr);
      if (type === 'RELEASE' || (type === 'REQUEST' && repr.ciaddr)) n.address ??= formatIpv4(repr.ciaddr);
      if (o.ok && o.value.serverId !== undefined) n.server = formatIpv4(o.value.serverId);
      if (o.ok && o.value.leaseTime !== undefined && type === 'ACK') n.leaseTime = String(o.value.leaseTime);
      if (repr.giaddr) n.relay = formatIpv4(repr.giaddr);
      return;
    }
    case 'dns': {
      if (run.dnsQuery && run.dnsAnswer) return;
      const data = f.proto === 6 ? payload().subarray(2) : payload();
      if (data.length < 12) return;
      const isResponse = (data[2] & 0x80) !== 0;
      if (isResponse ? run.dnsAnswer : run.dnsQuery) return;
      const m = parseDns(data);
      if (!m.ok) return;
      if (isResponse) {
        run.dnsAnswer = m.value.message;
        n.answeredBy = device;
      } else {
        run.dnsQuery = m.value.message;
        n.client = formatIpv4(f.src);
        n.server = formatIpv4(f.dst);
        n.serverAddress = String(f.dst);
      }
      return;
    }
    case 'tcp': {
      if (f.proto !== 6) return;
      const flags = f.tcpFlags;
      const name = flags & TCP_RST ? 'RST' : flags & TCP_SYN ? (flags & TCP_ACK ? 'SYN-ACK' : 'SYN') : flags & TCP_FIN ? 'FIN' : '';
      if (name && run.tcpFlags[run.tcpFlags.length - 1] !== name) run.tcpFlags.push(name);
      if (n.client === undefined) {
        const fromClient = f.dst === f.server && f.dport === f.serverPort;
        n.client = fromClient ? `${formatIpv4(f.src)}:${f.sport}` : `${formatIpv4(f.dst)}:${f.dport}`;
        n.server = `${formatIpv4(f.server)}:${f.serverPort}`;
        n.serverAddress = String(f.server);
        n.port = String(f.serverPort);
      }
      return;
    }
    case 'tls': {
      if (n.server === undefined) {
        const fromClient = f.dst === f.server && f.dport === f.serverPort;
        n.client = fromClient ? `${formatIpv4(f.src)}:${f.sport}` : `${formatIpv4(f.dst)}:${f.dport}`;
        n.server = `${formatIpv4(f.server)}:${f.serverPort}`;
      }
      if (f.payloadLength < 9 || bytes[f.payloadOffset] !== TlsContentType.HANDSHAKE) return;
      const hs = bytes[f.payloadOffset + 5];
      const len = (bytes[f.payloadOffset + 6] << 16) | (bytes[f.payloadOffset + 7] << 8) | bytes[f.payloadOffset + 8];
      const body = bytes.subarray(f.payloadOffset + 9, Math.min(f.payloadOffset + 9 + len, f.payloadOffset + f.payloadLength));
      if (hs === HandshakeType.CLIENT_HELLO && n.sni === undefined) {
        const ch = parseClientHello(body);
        const sni = ch.ok ? ch.value.extensions.find((x) => x.type === 0) : undefined;
        const v = sni ? decodeExtension(sni, 'client_hello') : undefined;
        n.sni = v && v.ok && v.value.kind === 'server_name' ? (v.value.names[0]?.name ?? '') : '';
      } else if (hs === HandshakeType.SERVER_HELLO && n.cipher === undefined) {
        const sh = parseServerHello(body);
        if (sh.ok) n.cipher = cipherSuiteName(sh.value.cipherSuite).replace(/ \(0x[0-9a-f]+\)$/i, '');
      }
      return;
    }
    case 'http': {
      if (f.payloadLength === 0 || run.exchange || (n.method !== undefined && n.status !== undefined)) return;
      // Plain HTTP: the request and status lines are readable.
      const line = new TextDecoder().decode(bytes.subarray(f.payloadOffset, f.payloadOffset + Math.min(f.payloadLength, 256))).split('\r\n')[0];
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(line);
      const request = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(line);
      if (request && n.method === undefined) {
        n.method = request[1];
        n.target = request[2];
        n.client = formatIpv4(f.src);
        n.server = formatIpv4(f.dst);
      } else if (status && n.status === undefined) n.status = status[1];
      return;
    }
    default:
      if (n.between === undefined) n.between = `${formatIpv4(f.src)} and ${formatIpv4(f.dst)}`;
  }
}

/** Facts and the English sentence of a finished run. */
function finish(run: Run, ctx: StoryContext): StoryEntry {
  const e = run.entry;
  const n = run.notes;
  switch (e.step) {
    case 'arp': {
      e.facts = pick({ asker: n.asker ?? e.device, askerAddress: n.askerAddress, target: n.target, mac: n.mac, answeredBy: n.answeredBy });
      e.summary = n.mac ? `${n.asker ?? e.device} asked who has ${n.target}: ${n.answeredBy ?? n.target} is at ${n.mac} (ARP)` : `${n.asker ?? e.device} asked who has ${n.target ?? '?'}: no answer (ARP)`;
      break;
    }
    case 'dhcp': {
      const who = n.clientDevice ?? e.device;
      const msgs = run.dhcpTypes.join(', ');
      e.facts = pick({ client: who, mac: n.client, address: n.address, server: n.server, relay: n.relay, leaseTime: n.leaseTime, messages: msgs });
      const last = run.dhcpTypes[run.dhcpTypes.length - 1];
      const dora = run.dhcpTypes.includes('DISCOVER');
      e.facts.kind = last === 'ACK' ? (dora ? 'bound' : 'renewed') : last === 'NAK' ? 'refused' : last === 'RELEASE' ? 'released' : 'pending';
      e.summary =
        last === 'ACK'
          ? `${who} ${dora ? 'got' : 'renewed'} ${n.address ?? '?'} from ${n.server ?? '?'}${n.leaseTime ? ` for ${n.leaseTime} s` : ''} (DHCP ${msgs})`
          : last === 'NAK'
            ? `${n.server ?? 'the server'} refused ${who}'s request (DHCP ${msgs})`
            : last === 'RELEASE'
              ? `${who} released ${n.address ?? 'its address'} to ${n.server ?? 'the server'} (DHCP RELEASE)`
              : `${who}: DHCP ${msgs}${n.address ? ` (${n.address} offered by ${n.server ?? '?'})` : ', no answer yet'}`;
      break;
    }
    case 'dns':
      dnsFacts(run, ctx);
      break;
    case 'tcp': {
      e.facts = pick({ client: n.client, server: n.server, flags: run.tcpFlags.join(', ') });
      const flags = run.tcpFlags;
      const kind = flags.includes('RST') ? 'reset' : flags.includes('SYN') ? 'open' : flags.includes('FIN') ? 'close' : 'data';
      e.facts.kind = kind;
      e.summary =
        kind === 'open'
          ? `${e.device} opened a TCP connection ${n.client} → ${n.server} (${flags.join(', ')}${flags.includes('SYN-ACK') ? ', ACK' : ''})`
          : kind === 'close'
            ? `TCP connection ${n.client} ↔ ${n.server} closed (${flags.join(', ')})`
            : kind === 'reset'
              ? `TCP connection ${n.client} ↔ ${n.server} reset (${flags.join(', ')})`
              : `TCP segments between ${n.client} and ${n.server}`;
      break;
    }
    case 'tls': {
      // The client's certificate check belongs to the handshake on its connection.
      const check = n.sni !== undefined ? ctx.recorder.tlsChecks.find((c) => `tcp:${c.server}:${c.port}:${c.clientPort}` === run.key && c.time >= e.startUs) : undefined;
      e.facts = pick({ client: n.client, server: n.server, sni: n.sni, cipher: n.cipher, certificate: check?.result, certificateOk: check ? String(check.ok) : undefined });
      const parts = [n.sni !== undefined ? `TLS 1.3 handshake with ${n.server} for ${n.sni || '(no SNI)'}` : `encrypted TLS records between ${n.client} and ${n.server}`];
      if (n.cipher) parts.push(n.cipher);
      if (check) parts.push(`certificate ${check.result}`);
      e.summary = `${e.device}: ${parts.join('; ')}`;
      break;
    }
    case 'http': {
      const x = run.exchange;
      if (x) {
        const cache = x.cacheStatus ? x.cacheStatus.split(',')[0].trim() : '';
        e.facts = pick({ method: x.method, url: x.url, status: x.status ? String(x.status) : undefined, cacheStatus: cache || undefined, source: x.source, server: `${formatIpv4(x.server)}:${x.port}`, encrypted: String(x.url.startsWith('https:')) });
        e.summary = `${x.device}: ${x.method} ${x.url} → ${x.status || 'no response'}${x.source === 'revalidated' ? ' (304: cached copy still valid)' : ''}${cache ? ` (Cache-Status: ${cache})` : ''}${x.url.startsWith('https:') ? ', inside TLS' : ''}`;
      } else {
        e.facts = pick({ method: n.method, url: n.target, status: n.status, client: n.client, server: n.server, encrypted: 'false' });
        e.summary = n.method ? `${e.device}: ${n.method} ${n.target} to ${n.server} → ${n.status ?? 'no response yet'}` : `${e.device}: HTTP data`;
      }
      break;
    }
    default:
      e.facts = pick({ between: n.between });
      e.summary = `${e.device}: ${e.frameCount} IP frame(s) between ${n.between ?? '?'}`;
  }
  return e;
}

function dnsFacts(run: Run, ctx: StoryContext): void {
  const e = run.entry;
  const n = run.notes;
  const q = run.dnsQuery ?? run.dnsAnswer;
  const question = q?.questions[0];
  const name = question ? (question.name === '' ? '.' : canonicalName(question.name)) : '?';
  const qtype = question ? typeName(question.type) : '?';
  const a = run.dnsAnswer;
  const server = n.server ?? '?';
  const tier = a ? dnsTier(a, ctx.zonesAt(Number(n.serverAddress)), name) : 'unknown';
  const facts: Record<string, string | undefined> = { name, qtype, client: n.client, server, tier, clientDevice: e.device, serverDevice: n.answeredBy };
  let outcome = 'no answer';
  if (a) {
    const rcode = rcodeName(a.rcode);
    facts.rcode = rcode;
    const answers = a.answers.map((r) => `${r.name === '' ? '.' : canonicalName(r.name)} ${typeName(r.type)} ${rdataToText(r.data)}`);
    if (answers.length) facts.answer = answers.join('; ');
    const finalA = [...a.answers].reverse().find((r) => r.type === question?.type);
    if (finalA) facts.address = rdataToText(finalA.data);
    const ns = a.authorities.find((r) => r.type === DnsType.NS);
    if (a.rcode !== 0) outcome = rcode;
    else if (answers.length) outcome = answers.length === 1 ? answers[0] : `${answers.length} records, ${answers[answers.length - 1]}`;
    else if (ns) {
      facts.referral = ns.name === '' ? '.' : canonicalName(ns.name);
      outcome = `referral to the ${facts.referral} servers (${a.authorities.filter((r) => r.type === DnsType.NS).map((r) => rdataToText(r.data)).join(', ')})`;
    } else outcome = 'no such data (NODATA)';
  }
  const tierWords: Record<string, string> = { root: 'the root server', TLD: 'the TLD server', authoritative: 'the authoritative server', resolver: 'the resolver', unknown: 'the server' };
  e.facts = pick(facts);
  e.summary = `${e.device} asked ${tierWords[tier]} ${server} for ${name} ${qtype}: ${outcome}`;
}

/** Which tier of the hierarchy answered: by the zones the server holds, else by the answer's shape. */
export function dnsTier(m: DnsMessage, zones: readonly string[] | undefined, qname: string): 'root' | 'TLD' | 'authoritative' | 'resolver' {
  if (zones && zones.length) {
    let best: string | undefined;
    for (const z of zones) {
      const zone = z === '.' ? '' : canonicalName(z);
      const under = zone === '' || qname === zone || qname.endsWith('.' + zone);
      if (under && (best === undefined || zone.length > best.length)) best = zone;
    }
    if (best !== undefined) return best === '' ? 'root' : best.includes('.') ? 'authoritative' : 'TLD';
  }
  if (m.aa) return 'authoritative';
  const ns = m.authorities.find((r) => r.type === DnsType.NS);
  if (!m.answers.length && ns) {
    const owner = ns.name === '' ? '' : canonicalName(ns.name);
    const depth = owner === '' ? 0 : owner.split('.').length;
    return depth <= 1 ? 'root' : depth === 2 ? 'TLD' : 'authoritative';
  }
  return 'resolver';
}

function pick(facts: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(facts)) if (v !== undefined) out[k] = v;
  return out;
}
