// The filter engine judged by tshark 4.0.17 itself, independently of our dissectors:
// - field declarations come from tshark's own registry (`tshark -G fields` / `-G values`);
// - frame field values come from `tshark -T fields` on a capture merged from the reference set;
// - for each filter, the frames we select must be exactly those `tshark -Y` selects;
// - for each bad filter, our error message and underlined span must be tshark's.
import { describe, it, expect, beforeAll } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldInfo, FieldType, FieldValue } from '../dissect/types';
import { compileFilter, checkFilter, type FilterFrame } from './compile';
import { readCapture } from '../../capture/reader';

const CAPTURE = join(__dirname, 'fixtures', 'filter-mix.pcapng');
const DECODE = ['-d', 'udp.port==15353,dns', '-d', 'udp.port==15354,dns'];

// ---- tshark's field registry as FieldInfo ----

function fieldType(ft: string): { type: FieldType; bits?: number } | undefined {
  const m = /^FT_(U?INT)(8|16|24|32|40|48|56|64)$/.exec(ft);
  if (m) return { type: m[1] === 'UINT' ? 'uint' : 'int', bits: Number(m[2]) };
  const map: Record<string, FieldType> = {
    FT_PROTOCOL: 'protocol',
    FT_NONE: 'none',
    FT_BOOLEAN: 'bool',
    FT_CHAR: 'uint',
    FT_FRAMENUM: 'framenum',
    FT_FLOAT: 'float',
    FT_DOUBLE: 'float',
    FT_STRING: 'string',
    FT_STRINGZ: 'string',
    FT_UINT_STRING: 'string',
    FT_STRINGZPAD: 'string',
    FT_STRINGZTRUNC: 'string',
    FT_BYTES: 'bytes',
    FT_UINT_BYTES: 'bytes',
    FT_IPv4: 'ipv4',
    FT_IPv6: 'ipv6',
    FT_ETHER: 'ether',
    FT_ABSOLUTE_TIME: 'time',
    FT_RELATIVE_TIME: 'reltime',
  };
  return map[ft] ? { type: map[ft], bits: ft === 'FT_CHAR' ? 8 : undefined } : undefined;
}

const registry = new Map<string, FieldInfo>();
function lookupField(name: string): FieldInfo | undefined {
  return registry.get(name);
}

function loadRegistry(): void {
  const fields = execFileSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  for (const line of fields.split('\n')) {
    const c = line.split('\t');
    if (c[0] === 'P') registry.set(c[2], { name: c[2], label: c[1], type: 'protocol' });
    else if (c[0] === 'F') {
      const t = fieldType(c[3]);
      if (t && !registry.has(c[2])) registry.set(c[2], { name: c[2], label: c[1], type: t.type, bits: t.bits });
    }
  }
  const values = execFileSync('tshark', ['-G', 'values'], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  for (const line of values.split('\n')) {
    const c = line.split('\t');
    if (c[0] !== 'V') continue;
    const f = registry.get(c[1]);
    if (f && (f.type === 'uint' || f.type === 'int')) ((f.valueNames ??= {}) as Record<number, string>)[Number(c[2])] = c[3];
  }
}

// ---- frames as tshark dissects them ----

const FRAME_FIELDS = [
  'frame.number', 'frame.len', 'frame.time_relative', 'eth.src', 'eth.dst', 'eth.addr', 'eth.type',
  'arp.opcode', 'arp.src.proto_ipv4', 'ip.src', 'ip.dst', 'ip.addr', 'ip.ttl', 'ip.proto', 'ip.len', 'ip.id', 'ip.flags.df',
  'ipv6.src', 'ipv6.dst', 'ipv6.addr', 'ipv6.hlim', 'icmp.type', 'icmp.code', 'udp.port', 'udp.srcport', 'udp.dstport', 'udp.length',
  'tcp.port', 'tcp.srcport', 'tcp.dstport', 'tcp.flags', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'tcp.len', 'tcp.seq',
  'tcp.stream', 'tcp.window_size_value', 'dns.id', 'dns.qry.name', 'dns.qry.type', 'dns.a', 'dns.aaaa', 'dns.flags.response',
  'dns.flags.rcode', 'dns.count.answers', 'dns.resp.ttl', 'dns.cname', 'http.request.method', 'http.request.uri', 'http.host',
  'http.response.code', 'http.location', 'dhcp.option.dhcp', 'dhcp.ip.your', 'tls.handshake.type', 'tls.handshake.extensions_server_name',
  'tls.record.content_type',
];
const AGG = '\x1f';

function toValue(field: FieldInfo, text: string): FieldValue {
  switch (field.type) {
    case 'uint':
    case 'int':
    case 'framenum':
      return text.startsWith('0x') ? parseInt(text.slice(2), 16) : Number(text);
    case 'float':
    case 'reltime':
    case 'time':
      return Number(text);
    case 'bool':
      return text === '1' || text === 'True';
    case 'ipv4':
      return text.split('.').reduce((a, b) => a * 256 + Number(b), 0);
    case 'ether':
      return Uint8Array.from(text.split(':'), (h) => parseInt(h, 16));
    case 'ipv6': {
      const out = new Uint8Array(16);
      const [head, tail] = text.split('::');
      const hs = head ? head.split(':') : [];
      const ts = tail !== undefined && tail !== '' ? tail.split(':') : [];
      const groups = [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
      groups.forEach((g, i) => {
        const v = parseInt(g, 16);
        out[i * 2] = v >> 8;
        out[i * 2 + 1] = v & 0xff;
      });
      return out;
    }
    default:
      return text;
  }
}

class TsharkFrame implements FilterFrame {
  constructor(
    private readonly map: Map<string, readonly FieldValue[]>,
    readonly reads: Set<string>,
  ) {}
  values(name: string): readonly FieldValue[] {
    this.reads.add(name);
    const v = this.map.get(name);
    if (v === undefined) throw new Error(`test frame has no column for ${name}: add it to FRAME_FIELDS`);
    return v;
  }
}

let frames: TsharkFrame[] = [];

function loadFrames(): void {
  const bytes = readCapture(new Uint8Array(readFileSync(CAPTURE))).packets.map((p) => p.data);
  const out = execFileSync('tshark', ['-r', CAPTURE, ...DECODE, '-T', 'fields', '-E', `aggregator=${AGG}`, '-e', 'frame.protocols', ...FRAME_FIELDS.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const protocols = [...registry.values()].filter((f) => f.type === 'protocol').map((f) => f.name);
  frames = out
    .split('\n')
    .filter((l) => l !== '')
    .map((line, i) => {
      const cols = line.split('\t');
      const map = new Map<string, readonly FieldValue[]>();
      const present = new Set(cols[0].split(':'));
      // A protocol's value is its bytes; only `frame` (the whole packet) is used with contains here.
      for (const p of protocols) map.set(p, present.has(p) ? [bytes[i]] : []);
      map.set('frame', [bytes[i]]);
      FRAME_FIELDS.forEach((name, k) => {
        const text = cols[k + 1];
        const field = registry.get(name)!;
        map.set(name, text === '' ? [] : text.split(AGG).map((t) => toValue(field, t)));
      });
      return new TsharkFrame(map, new Set());
    });
}

function tsharkSelect(filter: string): number[] {
  const out = execFileSync('tshark', ['-r', CAPTURE, ...DECODE, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.split('\n').filter((l) => l !== '').map(Number);
}

/**
 * Frames selected by each filter, from ONE tshark pass: a Lua tap per filter (tap filters are
 * display filters, evaluated by the same engine as -Y; a few are cross-checked with -Y below).
 */
function tsharkSelectAll(filters: string[]): Map<string, number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'packetlab-filter-'));
  try {
    const script = join(dir, 'taps.lua');
    const list = filters.map((f) => `[==[${f}]==]`).join(',\n');
    writeFileSync(
      script,
      `local filters = {\n${list}\n}\n` +
        'for i, f in ipairs(filters) do\n' +
        '  local ok, l = pcall(Listener.new, nil, f)\n' +
        '  if ok then function l.packet(pinfo) io.write(i, "\\t", pinfo.number, "\\n") end\n' +
        '  else io.write(i, "\\tERR\\n") end\n' +
        'end\n',
    );
    const out = execFileSync('tshark', ['-r', CAPTURE, ...DECODE, '-q', '-X', `lua_script:${script}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const result = new Map<string, number[]>(filters.map((f) => [f, []]));
    for (const line of out.split('\n')) {
      const [i, frame] = line.split('\t');
      if (frame === undefined) continue;
      const f = filters[Number(i) - 1];
      if (frame === 'ERR') throw new Error(`tshark rejects ${f}`);
      result.get(f)!.push(Number(frame));
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface TsharkComplaint {
  message: string;
  start?: number;
  end?: number;
}

/** tshark's complaint about a bad filter: message and, when it draws one, the underlined span. */
function tsharkError(filter: string): Promise<TsharkComplaint> {
  return new Promise((resolve, reject) => {
    execFile('tshark', ['-r', CAPTURE, '-Y', filter, '-c', '1'], { encoding: 'utf8' }, (_err, _stdout, stderr) => {
      const lines = stderr.split('\n');
      const k = lines.findIndex((l) => l.startsWith('tshark: '));
      if (k < 0) return reject(new Error(`tshark accepted ${filter}`));
      const message = lines[k].slice('tshark: '.length);
      const m = /\^~*/.exec(lines[k + 2] ?? '');
      if (!m || lines[k + 1] !== `    ${filter}`) return resolve({ message });
      resolve({ message, start: m.index - 4, end: m.index - 4 + m[0].length });
    });
  });
}

/** Runs `fn` over `items`, `limit` at a time (tshark start-up is CPU-bound; this machine has 2 cores). */
async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

let selections = new Map<string, number[]>();
let complaints = new Map<string, TsharkComplaint>();

beforeAll(async () => {
  loadRegistry();
  loadFrames();
  selections = tsharkSelectAll(FILTERS.filter((f) => f.trim() !== ''));
  const errs = await pool(BAD, 3, tsharkError);
  complaints = new Map(BAD.map((f, i) => [f, errs[i]]));
}, 300_000);

// ---- semantics ----

const FILTERS = [
  'dns', 'tcp', 'udp', 'arp', 'icmp', 'ipv6', 'dhcp', 'http', 'tls', '!tcp', 'not ip',
  'tcp.flags.syn', 'tcp.flags.syn == 1', 'tcp.flags.syn == 0', 'tcp.flags.syn == True', 'tcp.flags.syn != 0', 'tcp.flags.syn == 1 && tcp.flags.ack == 0',
  'ip.addr == 127.0.0.1', 'ip.addr != 127.0.0.1', 'ip.addr ~= 127.0.0.1', 'ip.addr === 192.0.2.1', 'ip.src == 192.0.2.0/24', 'ip.addr == 203.0.113.0/26',
  'ip.dst == 203.0.113.64/26', 'ip.src != 203.0.113.1', 'ip.src > 192.0.2.50', 'ip.src <= 127.255.255.255',
  'ip.addr eq 203.0.113.70', 'ip.src == ip.dst', 'ip.src != ip.dst', 'ip.ttl < 5', 'ip.ttl >= 64', 'ip.ttl le 1', 'ip.proto == 1', 'ip.proto == 17',
  'ip.proto == UDP', 'ip.flags.df == 1',
  'ipv6.addr == ::1', 'ipv6.src == ::1/128', 'ipv6.addr == ::/0', 'ipv6.hlim == 64',
  'eth.addr == 02:00:5e:a0:00:01', 'eth.src == 02-00-5e-a0-00-01', 'eth.dst == 0200.5ea0.0001', 'eth.src[0:3] == 02:00:5e', 'eth.src[0] == 02',
  'eth.src[-1] == 01', 'eth.src[3:] == a0:00:99', 'eth.dst[0:2,4] == 02:00:00', 'eth.dst == ff:ff:ff:ff:ff:ff', 'eth.type == 0x0806', 'eth.type == 0x86dd',
  'eth.addr != 00:00:00:00:00:00', 'eth.src contains a0:00',
  'tcp.port == 18080', 'tcp.port in {80, 443, 18080}', 'tcp.port in {18000..18100}', 'tcp.port in {18000 .. 18100}', 'udp.port in {53, 67..68, 15353}',
  'udp.port in {33434..33440}', 'tcp.port not in {18080}', 'udp.srcport == 68 || udp.dstport == 68', 'udp.length > 100', 'udp.port == 0x3bf9',
  'udp.port == 035771', 'tcp.srcport eq 18080 and not tcp.flags.syn == 1', 'tcp.len > 0', 'tcp.len gt 0 and tcp.stream == 1', 'tcp.seq == 1',
  'tcp.flags == 0x018', 'tcp.flags & 0x02', 'tcp.flags & 0x01 and tcp.srcport == 18080', 'tcp.window_size_value >= 65535', 'tcp.srcport == tcp.dstport',
  'dns.flags.response == 0', 'dns.flags.response == 1 and dns.count.answers > 5', 'dns.qry.name == "www.example.test"', 'dns.qry.name == www.example.test',
  'dns.qry.name contains "example"', 'dns.qry.name matches "^MAIL"', 'dns.qry.name matches "(?-i)^MAIL"', 'dns.qry.name matches "\\\\.test$"',
  'dns.qry.name > "www"', 'dns.qry.name[0:3] == "www"', 'dns.qry.type == 28', 'dns.qry.type in {1, 28}', 'dns.a == 192.0.2.0/24', 'dns.a', 'dns.aaaa',
  'dns.resp.ttl > 1 and dns.resp.ttl < 100000', 'dns.flags.rcode == 3', 'dns.flags.rcode != 0', 'dns.cname', 'dns.id == 0',
  'http.request.method == GET', 'http.request.method == "POST"', 'http.request.method in {"GET", "HEAD"}', 'http.request.uri contains "b.txt"',
  'http.request.uri matches "[ac]\\\\.TXT$"', 'http.host contains "example"', 'http.response.code >= 200 and http.response.code < 300',
  'http.response.code == 201', 'http.location', 'http.request.uri == "/a.txt" || http.request.uri == "/c.txt"',
  'frame contains "GET"', 'frame contains 47:45:54', 'frame matches "http/1\\\\.1"', 'frame.len > 1000', 'frame.len in {42, 60..70}',
  'frame.number in {1..3, 33}', 'frame.number == 100', 'frame.time_relative > 10', 'frame.time_relative < 0.5',
  'icmp.type == 11', 'icmp.type == 3 && icmp.code == 3', 'icmp.type in {0, 8}', 'arp.opcode == 2', 'arp.src.proto_ipv4 == 192.0.2.1',
  'dhcp.option.dhcp == 5', 'dhcp.option.dhcp in {1, 3}', 'dhcp.ip.your == 192.0.2.0/24', 'tls.handshake.type == 1',
  'tls.handshake.extensions_server_name == "secure.example.test"', 'tls.record.content_type == 23',
  'ipv6 || ip.src == 127.0.0.1 && ip.ttl == 0', 'ipv6 or ip and ip.ttl == 0', 'not tcp or tcp.len > 0 and tcp.srcport == 18080',
  '!(udp || tcp) && ip', '(udp || tcp) && !ip', 'not not arp', 'tcp.port == 18080 and (tcp.flags.fin == 1 or tcp.flags.syn == 1)',
  '', '   ',
];

describe('filters select the same frames as tshark -Y', () => {
  it('has frames to test on', () => {
    expect(frames.length).toBe(179);
  });
  for (const filter of FILTERS) {
    it(`${filter === '' ? '(empty)' : filter}`, () => {
      const compiled = compileFilter(filter, lookupField);
      if (!compiled.ok) throw new Error(`${compiled.error.message} at ${compiled.error.start}-${compiled.error.end}`);
      const ours: number[] = [];
      const reads = new Set<string>();
      frames.forEach((f, i) => {
        f.reads.clear();
        if (compiled.filter.matches(f)) ours.push(i + 1);
        for (const r of f.reads) reads.add(r);
      });
      const expected = filter.trim() === '' ? frames.map((_, i) => i + 1) : selections.get(filter);
      expect(ours).toEqual(expected);
      // The declared fields cover every field the predicate read.
      for (const r of reads) expect(compiled.filter.fields.has(r)).toBe(true);
    });
  }
});

// ---- errors ----

const BAD = [
  'foo', 'foo.bar == 1', 'tcp.port == abc', 'tcp.port == 99999999999', 'tcp.port == "18080"', 'tcp.port > "a"', 'tcp.port == 1.5',
  'tcp.port contains 5', 'ip.src contains 7f', 'ip.src == abc', 'ip.src == 1.2.3', 'ip.src == "abc"', 'ip.src == 1.2.3.4/33', 'ipv6.addr == foo',
  'ipv6.addr == ::1/129', 'eth.src == zz', 'eth.src == 00:00:00:00:00', 'eth.src == 00:00:00:00:00:00:00', 'tcp.flags.syn == maybe',
  'tcp.analysis == 1', 'ip.proto == tcp', 'udp.srcport[0:2] == 3b:e9', 'tcp.port == 18080)', '()', 'tcp.port = 80', 'tcp.port @ 1',
  'tcp.port == 18080 xor 1', 'ipv6 AND udp', 'tcp.port in {}', 'tcp.port in {1..}', 'tcp.port == 1 == 2', 'http.host == "abc', 'tcp.port in {"a"}',
  'tcp.port in {18000-18100}', 'frame.time_relative > 1ms', 'tcp.port ==', 'not', 'tcp.port == 80 &&', '(tcp.port == 18080', 'tcp.port in {1, 2',
  'ip.proto == NOPE', 'ip.proto == icmp', 'foo.bar', '1 == tcp.port', '"abc" == tcp.port', 'tcp.port == foo.bar', 'foo.bar in {1}',
  'tcp.port[0] == 1', 'http.host contains "\\d"', 'tcp.analysis contains 00',
];

/**
 * Where we deliberately differ from tshark's underline: it points one past the end of the text
 * for an unterminated string; we underline the string from its opening quote.
 */
const OUR_SPAN: Readonly<Record<string, [number, number]>> = {
  'http.host == "abc': [13, 17],
};

describe('the one-pass Lua taps agree with tshark -Y', () => {
  for (const filter of ['dns.qry.name contains "example"', 'ip.addr != 127.0.0.1', 'tcp.port in {18000..18100}', 'eth.src[0:3] == 02:00:5e']) {
    it(filter, () => {
      expect(selections.get(filter)).toEqual(tsharkSelect(filter));
    });
  }
});

describe('bad filters are rejected with tshark’s message, at tshark’s position', () => {
  for (const filter of BAD) {
    it(filter, () => {
      const expected = complaints.get(filter)!;
      const ours = compileFilter(filter, lookupField);
      expect(ours.ok).toBe(false);
      if (ours.ok) return;
      expect(ours.error.message).toBe(expected.message);
      if (OUR_SPAN[filter]) {
        expect([expected.start, expected.end]).toEqual([filter.length, filter.length + 1]);
        expect([ours.error.start, ours.error.end]).toEqual(OUR_SPAN[filter]);
      } else if (expected.start !== undefined) expect([ours.error.start, ours.error.end]).toEqual([expected.start, expected.end]);
      else expect(ours.error.end).toBe(filter.length);
      expect(checkFilter(filter, lookupField)).toEqual({ ok: false, error: ours.error });
    });
  }
});

describe('extensions beyond tshark 4.0', () => {
  it('accepts set elements separated by spaces (Wireshark 3.x syntax), same selection as with commas', () => {
    const spaced = compileFilter('tcp.port in {80 443 18443} or udp.port in {53 67..68}', lookupField);
    const commas = compileFilter('tcp.port in {80, 443, 18443} or udp.port in {53, 67..68}', lookupField);
    if (!spaced.ok || !commas.ok) throw new Error('did not compile');
    const pick = (m: (f: FilterFrame) => boolean) => frames.flatMap((f, i) => (m(f) ? [i + 1] : []));
    expect(pick((f) => spaced.filter.matches(f))).toEqual(pick((f) => commas.filter.matches(f)));
    expect(pick((f) => spaced.filter.matches(f))).toEqual(tsharkSelect('tcp.port in {80, 443, 18443} or udp.port in {53, 67..68}'));
  });
});

describe('API', () => {
  it('lists the fields a filter needs', () => {
    const r = compileFilter('dns.qry.name contains "x" or ip.addr == 10.0.0.0/8 and not tcp.port in {80, 443} or eth.src[0:3] == 00:00:00', lookupField);
    expect(r.ok && [...r.filter.fields].sort()).toEqual(['dns.qry.name', 'eth.src', 'ip.addr', 'tcp.port']);
  });
  it('tells the fields whose values it reads from those it only tests for presence', () => {
    const r = compileFilter('http || tcp.port == 80 || (dns && dns contains "x") || tls[0:1] == 16 || !udp || ip.ttl > 20', lookupField);
    if (!r.ok) throw new Error(r.error.message);
    expect([...r.filter.fields].sort()).toEqual(['dns', 'http', 'ip.ttl', 'tcp.port', 'tls', 'udp']);
    // read for their values: compared, searched, sliced; `http` and `udp` only tested for presence
    expect([...r.filter.valueFields!].sort()).toEqual(['dns', 'ip.ttl', 'tcp.port', 'tls']);
  });
  it('checkFilter accepts good filters', () => {
    expect(checkFilter('tcp.port == 80', lookupField)).toEqual({ ok: true });
    expect(checkFilter('', lookupField)).toEqual({ ok: true });
  });
});
