// An authoritative DNS server (root, TLD and domain servers are all this, with delegations in
// their zones). Answer content comes from the zone model's lookup (`answerQuery`); this service adds
// what a BIND server puts around it with `minimal-responses no` — the zone's NS RRset in the
// authority section of positive answers and their addresses in the additional section — and the
// transport rules: UDP answers over 512 bytes (or the client's EDNS size) lose the additional
// section first and are then truncated with TC set so the client retries over TCP (RFC 1035 §4.2.1,
// RFC 6891 §7); as BIND 9 does, a client without EDNS keeps the answer records that fit.
import { canonicalName, DnsRcode, DnsType, emitDns, frameDnsTcp, parseDns, rcodeName, typeName, DnsTcpReader, type DnsMessage, type DnsRecord } from '../../../../src-shared/net/wire/dns';
import { ZoneIndex, type Zone } from '../../../../src-shared/lab/tables/zone';
import { answerQuery, LAB_EDNS_UDP_SIZE } from '../../../../src-shared/lab/tables/zone-answer';
import type { InboundDatagram, Micros, OutboundDatagram, ServiceStep } from '../types';

export const DNS_PORT = 53;

export interface AuthoritativeConfig {
  /** Server name for causes ("a.root-servers.net"). */
  name: string;
  /** Parsed zones (from `parseZone`), or already indexed. */
  zones: readonly (Zone | ZoneIndex)[];
  /**
   * BIND's `minimal-responses`: false (the reference captures' setting) adds the zone's NS RRset to
   * the authority section of positive answers and their addresses to the additional section.
   */
  minimalResponses?: boolean;
}

export interface AuthoritativeReply {
  message: DnsMessage;
  bytes: Uint8Array;
  cause: string;
}

export interface AuthoritativeSnapshot {
  name: string;
  zones: { origin: string; records: number; serial: number | undefined }[];
  queries: number;
  byRcode: Record<string, number>;
}

export const UDP_PLAIN_LIMIT = 512;

export class DnsAuthoritativeServer {
  private readonly zones: ZoneIndex[];
  private queries = 0;
  private readonly byRcode: Record<string, number> = {};

  constructor(readonly config: AuthoritativeConfig) {
    this.zones = config.zones.map((z) => (z instanceof ZoneIndex ? z : new ZoneIndex(z)));
  }

  /** Answers one query message (pure apart from the counters). `udp` applies the size limits. */
  answer(query: DnsMessage, udp = true): AuthoritativeReply {
    this.queries++;
    const { response, explanation } = answerQuery(this.zones, query);
    let cause = `${this.config.name}: ${explanation}`;
    if (!(this.config.minimalResponses ?? false) && response.aa && response.rcode === DnsRcode.NOERROR && response.answers.length && !this.leavesOurZones(response)) this.addZoneNs(response);
    let bytes = emitDns(response);
    if (udp) {
      // The client's EDNS buffer size (at least 512), capped by what we advertise.
      const limit = query.edns ? Math.max(UDP_PLAIN_LIMIT, Math.min(query.edns.udpSize, LAB_EDNS_UDP_SIZE)) : UDP_PLAIN_LIMIT;
      if (bytes.length > limit) {
        const full = bytes.length;
        response.additionals = [];
        bytes = emitDns(response);
        if (bytes.length > limit) {
          // BIND 9: a client without EDNS gets the answer records that fit (TC says there is more);
          // an EDNS client gets none. Either way nothing from the authority section.
          const answers = response.answers;
          response.authorities = [];
          response.answers = [];
          response.tc = true;
          bytes = emitDns(response);
          if (!query.edns) {
            for (let k = 1; k <= answers.length; k++) {
              const more = emitDns({ ...response, answers: answers.slice(0, k) });
              if (more.length > limit) break;
              response.answers = answers.slice(0, k);
              bytes = more;
            }
          }
          cause += ` — ${full} bytes do not fit in ${limit}: truncated (TC${response.answers.length ? `, ${response.answers.length} of ${answers.length} answer records kept` : ''}), retry over TCP`;
        } else cause += ` — additional section dropped to fit ${limit} bytes`;
      }
    }
    const rc = rcodeName(response.rcode);
    this.byRcode[rc] = (this.byRcode[rc] ?? 0) + 1;
    return { message: response, bytes, cause };
  }

  /** Handles a datagram to port 53; malformed queries are dropped (as BIND drops what it cannot parse). */
  receive(_now: Micros, d: InboundDatagram, udp = true): ServiceStep {
    const parsed = parseDns(d.payload);
    if (!parsed.ok || parsed.value.message.qr) return { sends: [], events: [], nextPoll: undefined };
    const r = this.answer(parsed.value.message, udp);
    const send: OutboundDatagram = { src: d.dst, srcPort: d.dstPort, dst: d.src, dstPort: d.srcPort, payload: r.bytes, cause: r.cause };
    return { sends: [send], events: [], nextPoll: undefined };
  }

  snapshot(): AuthoritativeSnapshot {
    return {
      name: this.config.name,
      zones: this.zones.map((z) => ({
        origin: z.apex === '' ? '.' : z.apex,
        records: z.zone.records.length,
        serial: z.soa?.data.kind === 'SOA' ? z.soa.data.serial : undefined,
      })),
      queries: this.queries,
      byRcode: { ...this.byRcode },
    };
  }

  /** Addresses this server answers for, for "which server is authoritative" views. */
  servesName(name: string): boolean {
    const n = canonicalName(name);
    return this.zones.some((z) => z.apex === '' || n === z.apex || n.endsWith('.' + z.apex));
  }

  private addZoneNs(response: DnsMessage): void {
    const q = response.questions[0];
    const zone = this.closestZone(q.name);
    if (!zone) return;
    const ns = zone.lookup(zone.apex, DnsType.NS);
    if (ns.kind !== 'answer') return;
    const nsRecords = ns.answers.filter((r) => r.type === DnsType.NS);
    const inAnswer = (r: DnsRecord) => response.answers.some((a) => a.type === r.type && canonicalName(a.name) === canonicalName(r.name));
    if (!nsRecords.some(inAnswer)) response.authorities = [...response.authorities, ...nsRecords];
    const seen = new Set(response.additionals.map(recordKey));
    for (const a of response.answers) seen.add(recordKey(a));
    for (const r of ns.additionals) {
      // BIND does not use glue (addresses below a delegation in this zone) for the authority NS.
      if (zone.lookup(r.name, r.type).kind === 'referral') continue;
      const k = recordKey(r);
      if (seen.has(k)) continue;
      seen.add(k);
      response.additionals.push(r);
    }
  }

  /** BIND adds no authority section when a CNAME chain leaves every zone it serves. */
  private leavesOurZones(response: DnsMessage): boolean {
    const last = response.answers[response.answers.length - 1];
    return last.data.kind === 'CNAME' && response.questions[0].type !== DnsType.CNAME && !this.servesName(last.data.target);
  }

  private closestZone(name: string): ZoneIndex | undefined {
    const n = canonicalName(name);
    let best: ZoneIndex | undefined;
    for (const z of this.zones) {
      const inside = z.apex === '' || n === z.apex || n.endsWith('.' + z.apex);
      if (inside && (!best || z.apex.length > best.apex.length)) best = z;
    }
    return best;
  }
}

const recordKey = (r: DnsRecord) => `${canonicalName(r.name)}|${r.type}|${JSON.stringify(r.data, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))}`;

/** "www.example.com A" for causes. */
export function questionText(name: string, type: number): string {
  return `${name === '' ? '.' : canonicalName(name)} ${typeName(type)}`;
}

/**
 * One TCP connection to an authoritative server (RFC 7766): bytes in, length-prefixed answers out.
 * The engine's TCP socket feeds `push` with whatever arrived; no size limit applies (no TC).
 */
export class DnsTcpConnection {
  private readonly reader = new DnsTcpReader();

  constructor(private readonly server: DnsAuthoritativeServer) {}

  push(chunk: Uint8Array): { bytes: Uint8Array; cause: string }[] {
    const out: { bytes: Uint8Array; cause: string }[] = [];
    for (const message of this.reader.push(chunk)) {
      const parsed = parseDns(message);
      if (!parsed.ok || parsed.value.message.qr) continue;
      const r = this.server.answer(parsed.value.message, false);
      out.push({ bytes: frameDnsTcp(r.bytes), cause: `${r.cause} (over TCP)` });
    }
    return out;
  }

  /** Bytes of an incomplete message still waiting for the rest. */
  get buffered(): number {
    return this.reader.buffered;
  }
}
