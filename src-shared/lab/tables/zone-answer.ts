// An authoritative DNS server's answer to a query, from the zones it serves (RFC 1034 §4.3.2,
// RFC 2308 negative answers): the closest enclosing zone answers with AA set; names below a
// delegation get a referral (NS in authority, glue in additional, AA clear); names outside every
// zone are REFUSED. Pure: the lab's DNS server service wraps it with UDP/TCP and timing.
import { DnsOpcode, DnsRcode, canonicalName, typeName, type DnsMessage } from '../../net/wire/dns';
import { isInZone, type ZoneIndex } from './zone';

export interface AuthoritativeAnswer {
  response: DnsMessage;
  /** For the journey view: "authoritative answer from example.com: www.example.com CNAME …". */
  explanation: string;
}

/** EDNS(0) UDP payload size the lab's servers advertise (the DNS Flag Day 2020 value). */
export const LAB_EDNS_UDP_SIZE = 1232;

export function answerQuery(zones: readonly ZoneIndex[], query: DnsMessage): AuthoritativeAnswer {
  const response: DnsMessage = {
    id: query.id, qr: true, opcode: query.opcode, aa: false, tc: false, rd: query.rd, ra: false, z: false, ad: false, cd: query.cd,
    rcode: DnsRcode.NOERROR, questions: query.questions.slice(0, 1), answers: [], authorities: [], additionals: [],
  };
  if (query.edns) response.edns = { udpSize: LAB_EDNS_UDP_SIZE, extendedRcode: 0, version: 0, dnssecOk: false, z: 0, options: [] };
  const reply = (rcode: number, explanation: string): AuthoritativeAnswer => {
    response.rcode = rcode;
    return { response, explanation };
  };
  if (query.qr) return reply(DnsRcode.FORMERR, 'FORMERR: the message is a response, not a query');
  if (query.opcode !== DnsOpcode.QUERY) return reply(DnsRcode.NOTIMP, `NOTIMP: opcode ${query.opcode} is not supported`);
  if (query.questions.length !== 1) return reply(DnsRcode.FORMERR, `FORMERR: ${query.questions.length} questions (exactly one expected)`);
  const q = query.questions[0];
  const qname = canonicalName(q.name);
  const what = `${qname === '' ? '.' : qname} ${typeName(q.type)}`;
  let zone: ZoneIndex | undefined;
  for (const z of zones) if (isInZone(qname, z.apex) && (!zone || z.apex.length > zone.apex.length || zone.apex === '')) zone = z;
  if (!zone) return reply(DnsRcode.REFUSED, `REFUSED: not authoritative for ${what}`);
  const zname = zone.apex === '' ? '.' : zone.apex;
  const a = zone.lookup(qname, q.type);
  switch (a.kind) {
    case 'answer':
      response.aa = true;
      response.answers = a.answers;
      response.additionals = a.additionals;
      return reply(DnsRcode.NOERROR, `authoritative answer from zone ${zname} for ${what}: ${a.answers.length} record(s)`);
    case 'referral': {
      response.answers = a.answers;
      response.authorities = a.authorities;
      response.additionals = a.additionals;
      const child = a.authorities[0]?.name ?? '';
      return reply(DnsRcode.NOERROR, `referral from zone ${zname}: ${child} is delegated to ${a.authorities.map((r) => (r.data.kind === 'NS' ? r.data.target : '')).join(', ')}${a.additionals.length ? ` (${a.additionals.length} glue record(s))` : ''}`);
    }
    case 'nxdomain':
    case 'nodata':
      response.aa = true;
      response.answers = a.answers;
      if (a.soa) response.authorities = [a.soa];
      return reply(a.kind === 'nxdomain' ? DnsRcode.NXDOMAIN : DnsRcode.NOERROR, `${a.kind === 'nxdomain' ? 'NXDOMAIN' : 'NODATA'} from zone ${zname} for ${what}${a.soa ? ` (negative TTL ${a.soa.ttl} s from the SOA)` : ''}`);
    case 'notauth':
      return reply(DnsRcode.REFUSED, `REFUSED: not authoritative for ${what}`);
  }
}
