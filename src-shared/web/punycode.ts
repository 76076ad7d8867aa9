// Internationalised domain names: RFC 3492 Punycode and the basic UTS #46 processing a browser
// applies to a host before it asks DNS (map: NFKC + lower case, ideographic full stops become dots;
// then each non-ASCII label becomes "xn--" + Punycode). Pure TypeScript.
import { fail, type ParseResult } from '../net/addr/result';

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAXINT = 0x7fffffff;

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  delta = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  delta += Math.floor(delta / numPoints);
  let k = 0;
  while (delta > ((BASE - TMIN) * TMAX) >> 1) {
    delta = Math.floor(delta / (BASE - TMIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

const digit = (d: number): string => String.fromCharCode(d < 26 ? 97 + d : 22 + d);

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 22;
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 97;
  return -1;
}

/** RFC 3492 §6.3: Unicode string -> Punycode (basic code points keep their case). */
export function punycodeEncode(input: string): string {
  const cps = Array.from(input, (ch) => ch.codePointAt(0)!);
  let out = '';
  for (const c of cps) if (c < 0x80) out += String.fromCharCode(c);
  const b = out.length;
  let h = b;
  if (b > 0) out += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (h < cps.length) {
    let m = MAXINT;
    for (const c of cps) if (c >= n && c < m) m = c;
    delta += (m - n) * (h + 1);
    n = m;
    for (const c of cps) {
      if (c < n) delta++;
      if (c === n) {
        let q = delta;
        for (let k = BASE; ; k += BASE) {
          const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
          if (q < t) break;
          out += digit(t + ((q - t) % (BASE - t)));
          q = Math.floor((q - t) / (BASE - t));
        }
        out += digit(q);
        bias = adapt(delta, h + 1, h === b);
        delta = 0;
        h++;
      }
    }
    delta++;
    n++;
  }
  return out;
}

/** RFC 3492 §6.2: Punycode -> Unicode; bad input gives an error with its offset. */
export function punycodeDecode(input: string): ParseResult<string> {
  const out: number[] = [];
  const lastDash = input.lastIndexOf('-');
  const b = lastDash < 0 ? 0 : lastDash;
  for (let j = 0; j < b; j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return fail('non-ASCII character in Punycode', j);
    out.push(c);
  }
  let n = INITIAL_N;
  let i = 0;
  let bias = INITIAL_BIAS;
  for (let pos = b > 0 ? b + 1 : 0; pos < input.length; ) {
    const oldi = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (pos >= input.length) return fail('Punycode ends in the middle of a number', pos);
      const d = digitValue(input.charCodeAt(pos++));
      if (d < 0) return fail(`'${input[pos - 1]}' is not a Punycode digit`, pos - 1);
      if (d > Math.floor((MAXINT - i) / w)) return fail('Punycode overflow', pos - 1);
      i += d * w;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (d < t) break;
      if (w > Math.floor(MAXINT / (BASE - t))) return fail('Punycode overflow', pos - 1);
      w *= BASE - t;
    }
    bias = adapt(i - oldi, out.length + 1, oldi === 0);
    if (Math.floor(i / (out.length + 1)) > MAXINT - n) return fail('Punycode overflow', pos);
    n += Math.floor(i / (out.length + 1));
    i %= out.length + 1;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return fail('Punycode decodes to an invalid code point', pos);
    out.splice(i, 0, n);
    i++;
  }
  return { ok: true, value: String.fromCodePoint(...out) };
}

// Characters a host may never contain (WHATWG forbidden host code points) and that DNS labels
// in a lab never need.
const FORBIDDEN = /[\u0000-\u0020#%/:<>?@[\\\]^|\u007f]/;

/**
 * UTS #46 ToASCII, the basics a browser applies: NFKC + lower case, U+3002/U+FF0E/U+FF61 as dots,
 * non-ASCII labels to "xn--…", labels 1–63 octets, name ≤ 253, no leading/trailing hyphen,
 * existing "xn--" labels must decode. One trailing dot (a fully qualified name) is kept.
 */
export function domainToAscii(domain: string): ParseResult<string> {
  const mapped = domain.normalize('NFKC').replace(/[\u3002\uff0e\uff61]/g, '.').toLowerCase();
  if (mapped === '') return fail('empty host name', 0);
  const fqdn = mapped.endsWith('.') && mapped.length > 1;
  const labels = (fqdn ? mapped.slice(0, -1) : mapped).split('.');
  const out: string[] = [];
  let offset = 0;
  for (const label of labels) {
    if (label === '') return fail('empty label in host name', offset);
    const bad = FORBIDDEN.exec(label);
    if (bad) return fail(`character '${bad[0] === ' ' ? 'space' : bad[0]}' is not allowed in a host name`, offset + bad.index);
    let ascii = label;
    if (/[^\x00-\x7f]/.test(label)) {
      ascii = 'xn--' + punycodeEncode(label);
    } else if (label.startsWith('xn--')) {
      const d = punycodeDecode(label.slice(4));
      if (!d.ok) return fail(`bad IDN label '${label}': ${d.error.message}`, offset);
      if (/[\u0000-\u0020\u007f-\u009f]/.test(d.value)) return fail(`bad IDN label '${label}': decodes to a control character`, offset);
      if (d.value.normalize('NFKC').toLowerCase() !== d.value || !/[^\x00-\x7f]/.test(d.value)) return fail(`bad IDN label '${label}': not in normalised form`, offset);
    }
    if (ascii.length > 63) return fail(`label '${label}' is longer than 63 octets once encoded`, offset);
    if (ascii.startsWith('-') || ascii.endsWith('-')) return fail(`label '${label}' starts or ends with a hyphen`, offset);
    if (ascii.slice(2, 4) === '--' && !ascii.startsWith('xn--')) return fail(`label '${label}' has '--' in the third and fourth positions`, offset + 2);
    out.push(ascii);
    offset += label.length + 1;
  }
  const result = out.join('.');
  if (result.length > 253) return fail('host name longer than 253 octets', 0);
  return { ok: true, value: fqdn ? result + '.' : result };
}

/** The display form of an ASCII host: "xn--" labels decoded (undecodable ones left as they are). */
export function domainToUnicode(host: string): string {
  return host
    .split('.')
    .map((l) => {
      if (!l.toLowerCase().startsWith('xn--')) return l;
      const d = punycodeDecode(l.slice(4));
      return d.ok ? d.value : l;
    })
    .join('.');
}
