import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsType } from '../../net/wire/dns';
import { ipv6 } from '../../net/addr';
import { ZoneIndex, formatZone, formatZoneRecord, parseTtl, parseZone } from './zone';

const dir = mkdtempSync(join(tmpdir(), 'packetlab-zone-'));
const fixture = (name: string) => readFileSync(new URL(`./zone-fixtures/${name}`, import.meta.url), 'utf8');

/** named-checkzone's verdict and, when it loads, its `-D` dump normalised to one record per line. */
function namedCheckzone(zoneName: string, text: string): { ok: boolean; records: string[]; output: string } {
  const file = join(dir, `${zoneName.replace(/\W/g, '_') || 'root'}-${Math.abs(hash(text))}.zone`);
  writeFileSync(file, text);
  // Fails (does not skip) when named-checkzone is missing: spawnSync reports ENOENT as an error.
  const r = spawnSync('named-checkzone', ['-D', zoneName, file], { encoding: 'utf8' });
  if (r.error) throw r.error;
  const records = r.stdout
    .split('\n')
    .filter((l) => /^\S+\s+\d+\s+IN\s/.test(l))
    .map(normalise)
    .sort();
  return { ok: r.status === 0, records, output: r.stdout + r.stderr };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/** "name ttl IN TYPE rdata" with single blanks between the first five fields. */
function normalise(line: string): string {
  const m = /^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line.trim());
  return m ? `${m[1].toLowerCase()} ${m[2]} ${m[3]} ${m[4]} ${m[5].trim()}` : line;
}

function ours(zoneName: string, text: string) {
  const r = parseZone(text, zoneName);
  const records = r.ok ? r.value.records.filter((x) => x.name.toLowerCase().endsWith(zoneName === '.' ? '' : zoneName)).map((x) => normalise(formatZoneRecord(x))).sort() : [];
  return { r, records };
}

const ROOT = `; a fragment of the root zone
$TTL 518400
.   86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. (
        2026112200 ; serial
        1800       ; refresh
        900        ; retry
        604800     ; expire
        86400 )    ; minimum
.           IN NS  a.root-servers.net.
.           IN NS  b.root-servers.net.
com.   172800 IN NS a.gtld-servers.net.
com.   172800 IN NS b.gtld-servers.net.
net.   172800 IN NS a.gtld-servers.net.
a.root-servers.net.  IN A    198.41.0.4
a.root-servers.net.  IN AAAA 2001:503:ba3e::2:30
b.root-servers.net.  IN A    170.247.170.2
a.gtld-servers.net.  172800 IN A 192.5.6.30
b.gtld-servers.net.  172800 IN A 192.33.14.30
`;

const COM = `$ORIGIN com.
$TTL 2d
@   IN SOA a.gtld-servers.net. nstld.verisign-grs.com. 1 30m 15m 1w 1d
    IN NS  a.gtld-servers.net.
    IN NS  b.gtld-servers.net.
; delegation with in-bailiwick name servers: glue required
example     IN NS ns1.example
            IN NS ns2.example.com.
ns1.example IN A  192.0.2.53
ns2.example IN A  192.0.2.54
ns2.example IN AAAA 2001:db8::54
; delegation to out-of-zone servers: no glue needed
cdn-example IN NS ns.cdn.example.net.
`;

const EXAMPLE = `$TTL 1h
$ORIGIN example.com.
@ IN SOA ns1 hostmaster (
      2026112201 ; serial
      2h         ; refresh
      15M        ; retry
      2w         ; expire
      1h30m )    ; negative caching TTL
  NS  ns1
  NS  ns2.example.com.
  MX  10 mail
  A   192.0.2.80
  TXT "v=spf1 -all"
  CAA 0 issue "ca.lab"
ns1         A     192.0.2.53
ns2   300   IN A  192.0.2.54
mail  IN 600 A    192.0.2.25
www   CNAME www.example.com.cdn.example.net.
info  TXT   "quote \\" and semicolon ; inside" "\\065\\066C" plain
_http._tcp  SRV 0 5 80 @
v6          AAAA 2001:DB8:0:0::0:80
$ORIGIN sub.example.com.
host        A     192.0.2.99
@           TXT   "sub-apex"
`;

describe('BIND zone files', () => {
  it('accepts the same sample zones as named-checkzone and loads the same records', () => {
    const samples: [string, string][] = [
      ['.', ROOT],
      ['com', COM],
      ['example.com', EXAMPLE],
      ['example.test', fixture('example.test.zone')],
      ['2.0.192.in-addr.arpa', fixture('192.0.2.rev.zone')],
    ];
    for (const [name, text] of samples) {
      const named = namedCheckzone(name, text);
      const { r, records } = ours(name, text);
      expect(named.ok, named.output).toBe(true);
      expect(r.ok ? [] : r.errors).toEqual([]);
      expect(records).toEqual(named.records);
    }
  });

  it('parses the details: units, inheritance, escapes, CAA, SRV at @, $ORIGIN changes', () => {
    const r = parseZone(EXAMPLE, 'example.com');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const recs = r.value.records;
    const soa = recs[0];
    expect(soa.data).toEqual({ kind: 'SOA', mname: 'ns1.example.com', rname: 'hostmaster.example.com', serial: 2026112201, refresh: 7200, retry: 900, expire: 1209600, minimum: 5400 });
    expect(soa.ttl).toBe(3600);
    expect(recs.filter((x) => x.name === 'example.com').map((x) => x.type)).toEqual([6, 2, 2, 15, 1, 16, 257]);
    expect(recs.find((x) => x.name === 'ns2.example.com')?.ttl).toBe(300);
    expect(recs.find((x) => x.name === 'mail.example.com')?.ttl).toBe(600);
    expect(recs.find((x) => x.name === 'info.example.com')?.data).toEqual({ kind: 'TXT', strings: ['quote " and semicolon ; inside', 'ABC', 'plain'] });
    expect(recs.find((x) => x.type === DnsType.SRV)?.data).toMatchObject({ port: 80, target: 'example.com' });
    expect(recs.find((x) => x.type === DnsType.AAAA)?.data).toEqual({ kind: 'AAAA', address: ipv6('2001:db8::80') });
    expect(recs.find((x) => x.name === 'host.sub.example.com')?.line).toBe(23);
    expect(formatZoneRecord(recs.find((x) => x.type === DnsType.CAA)!)).toBe('example.com.\t3600\tIN\tCAA\t0 issue "ca.lab"');
    // The printer's output is a zone file that parses back to the same records.
    const again = parseZone(formatZone(r.value), 'example.com');
    expect(again.ok && again.value.records.map(formatZoneRecord)).toEqual(recs.map(formatZoneRecord));
  });

  it('parses TTL units', () => {
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('1W2D')).toBe(777600);
    expect(parseTtl('300')).toBe(300);
    expect(parseTtl('1x')).toBeUndefined();
    expect(parseTtl('h')).toBeUndefined();
  });

  const HEAD = '$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n';
  const broken: [string, string, number, number, RegExp][] = [
    // [what, zone text, line, col, message]
    ['CNAME and other data', HEAD + 'www IN CNAME cdn.example.net.\nwww IN A 192.0.2.2\n', 5, 1, /CNAME and other data/],
    ['two CNAMEs', HEAD + 'w IN CNAME a.example.net.\nw IN CNAME b.example.net.\n', 6, 1, /multiple RRs of singleton type/],
    ['NS target is a CNAME', HEAD + 'nsx IN CNAME ns1\n@ IN NS nsx\n', 6, 1, /NS 'nsx.example.com' is a CNAME \(illegal\)/],
    ['in-zone NS without address', '$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\n@ IN NS ns1\n', 3, 1, /has no address records/],
    ['missing SOA', '$TTL 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n', 1, 1, /has 0 SOA records/],
    ['missing NS', '$TTL 300\n@ IN SOA ns1 host 1 2 3 4 5\nns1 IN A 192.0.2.1\n', 1, 1, /has no NS records/],
    ['SOA below the apex', HEAD + 'x IN SOA a b 1 2 3 4 5\n', 5, 1, /SOA record not at top of zone/],
    ['bad dotted quad', HEAD + 'www IN A 192.0.2.300\n', 5, 10, /bad IPv4 address '192.0.2.300'/],
    ['bad MX preference', HEAD + '@ MX ten mail\n', 5, 6, /bad preference 'ten'/],
    ['unknown type', HEAD + '@ FOO bar\n', 5, 3, /unknown RR type 'FOO'/],
    ['wrong class', HEAD + 'x CH A 192.0.2.1\n', 5, 3, /class 'CH' does not match zone class 'IN'/],
    ['unclosed parenthesis', '$TTL 300\n@ IN SOA ns1 host ( 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n', 2, 19, /'\(' never closed/],
    ['TXT string over 255 bytes', HEAD + `@ TXT "${'a'.repeat(300)}"\n`, 5, 7, /too long/],
    ['no TTL before the SOA', '@ IN NS ns1\n@ IN SOA ns1 host 1 2 3 4 5\nns1 IN A 192.0.2.1\n', 1, 6, /no TTL specified; zone rejected/],
    ['extra data', HEAD + 'www IN A 192.0.2.2 192.0.2.3\n', 5, 20, /extra text/],
    ['unbalanced quotes', HEAD + '@ TXT "open\n', 5, 7, /unbalanced quotes/],
    ['$INCLUDE', HEAD + '$INCLUDE other.zone\n', 5, 1, /\$INCLUDE is not supported: a lab zone must be a single file/],
  ];
  for (const [what, text, line, col, message] of broken) {
    it(`rejects like named-checkzone: ${what}`, () => {
      const named = namedCheckzone('example.com', text);
      expect(named.ok, named.output).toBe(false);
      const r = parseZone(text, 'example.com');
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.errors[0].message).toMatch(message);
      expect([r.errors[0].line, r.errors[0].col]).toEqual([line, col]);
    });
  }

  const warned: [string, string, RegExp][] = [
    ['out-of-zone data', HEAD + 'foo.org. IN A 192.0.2.9\n', /ignoring out-of-zone data \(foo.org\)/],
    ['MX target is a CNAME', HEAD + 'mail IN CNAME ns1\n@ IN MX 10 mail\n', /MX 'mail.example.com' is a CNAME/],
    ['MX target without address', HEAD + '@ IN MX 10 mail\n', /MX 'mail.example.com' has no address records/],
    ['delegation without required glue', HEAD + 'sub IN NS ns.sub\n', /has no REQUIRED GLUE/],
    ['first record without TTL (SOA)', '@ IN SOA ns1 host 1 2 3 4 5\n@ IN NS ns1\nns1 IN A 192.0.2.1\n', /no TTL specified; using SOA MINTTL instead/],
  ];
  for (const [what, text, message] of warned) {
    it(`accepts with a warning like named-checkzone: ${what}`, () => {
      const named = namedCheckzone('example.com', text);
      expect(named.ok, named.output).toBe(true);
      const r = parseZone(text, 'example.com');
      expect(r.ok ? [] : r.errors).toEqual([]);
      expect(r.warnings.map((w) => w.message).join('\n')).toMatch(message);
      expect(ours('example.com', text).records).toEqual(named.records);
    });
  }

  it('collects several errors in one pass', () => {
    const r = parseZone(HEAD + 'a IN A 1.2.3\nb IN MX x y\nc IN AAAA ::g\n', 'example.com');
    expect(!r.ok && r.errors.map((e) => e.line)).toEqual([5, 6, 7]);
  });

  it('answers queries like an authoritative server: answers, CNAMEs, referrals with glue, negatives', () => {
    const com = parseZone(COM, 'com');
    const ex = parseZone(EXAMPLE, 'example.com');
    expect(com.ok && ex.ok).toBe(true);
    if (!com.ok || !ex.ok) return;
    const tld = new ZoneIndex(com.value);
    const ref = tld.lookup('www.example.com', DnsType.A);
    expect(ref.kind).toBe('referral');
    if (ref.kind !== 'referral') return;
    expect(ref.authorities.map((r) => r.data)).toEqual([{ kind: 'NS', target: 'ns1.example.com' }, { kind: 'NS', target: 'ns2.example.com' }]);
    expect(ref.additionals.map((r) => `${r.name} ${r.type}`)).toEqual(['ns1.example.com 1', 'ns2.example.com 1', 'ns2.example.com 28']);
    expect(tld.lookup('example.org', DnsType.A).kind).toBe('notauth');

    const auth = new ZoneIndex(ex.value);
    const www = auth.lookup('WWW.example.com.', DnsType.A);
    expect(www).toMatchObject({ kind: 'answer', answers: [{ type: DnsType.CNAME, data: { target: 'www.example.com.cdn.example.net' } }] });
    const mx = auth.lookup('example.com', DnsType.MX);
    expect(mx.kind === 'answer' && mx.additionals.map((r) => r.name)).toEqual(['mail.example.com']);
    const nx = auth.lookup('nope.example.com', DnsType.A);
    expect(nx).toMatchObject({ kind: 'nxdomain', soa: { ttl: 3600 } });
    expect(auth.lookup('mail.example.com', DnsType.AAAA).kind).toBe('nodata');
    expect(auth.lookup('sub.example.com', DnsType.A).kind).toBe('nodata');
  });

  it('synthesises answers from wildcards (RFC 4592) but not below existing names', () => {
    const text = HEAD + '*.cdn IN CNAME edge.example.net.\nfixed.cdn IN A 192.0.2.9\n*.example.com. IN TXT "wild"\n';
    const named = namedCheckzone('example.com', text);
    expect(named.ok, named.output).toBe(true);
    const r = parseZone(text, 'example.com');
    expect(r.ok ? [] : r.errors).toEqual([]);
    expect(ours('example.com', text).records).toEqual(named.records);
    if (!r.ok) return;
    const z = new ZoneIndex(r.value);
    expect(z.lookup('img.cdn.example.com', DnsType.A)).toMatchObject({ kind: 'answer', answers: [{ name: 'img.cdn.example.com', type: DnsType.CNAME, data: { target: 'edge.example.net' } }] });
    expect(z.lookup('fixed.cdn.example.com', DnsType.A)).toMatchObject({ kind: 'answer', answers: [{ name: 'fixed.cdn.example.com', type: DnsType.A }] });
    expect(z.lookup('other.example.com', DnsType.TXT)).toMatchObject({ kind: 'answer', answers: [{ name: 'other.example.com', data: { strings: ['wild'] } }] });
    // The closest encloser of a.fixed.cdn is fixed.cdn, which has no wildcard child: NXDOMAIN.
    expect(z.lookup('a.fixed.cdn.example.com', DnsType.A).kind).toBe('nxdomain');
  });

  it('never throws on arbitrary text', () => {
    const junk = ['(', ')', '"', '\\', '$ORIGIN', '@', 'IN', 'A', 'SOA', '1h', ';x\n', '\n', ' ', 'ns1', '192.0.2.1', '$TTL'];
    let seed = 7;
    for (let n = 0; n < 300; n++) {
      let s = '';
      for (let i = 0; i < 40; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        s += junk[seed % junk.length] + (seed & 1 ? ' ' : '');
      }
      expect(() => parseZone(s, 'example.com')).not.toThrow();
    }
  });
});

