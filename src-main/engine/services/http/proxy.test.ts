// The CDN edge's shared cache honours Vary (RFC 9111 §4.1) on the wire: an origin that negotiates
// on Accept-Language (RFC 9110 §12.5.5's example field) gets the client's field passed on, and the
// edge serves each language's variant from its cache only to requests with the same value.
import { describe, it, expect } from 'vitest';
import { loadLabText } from '../../../../src-shared/lab';
import { parseIpv4 } from '../../../../src-shared/net/addr';
import { emitHttpResponse, HttpStreamParser } from '../../../../src-shared/net/wire/http';
import { fieldValue, formatHttpDate, parseUrl, type HeaderField } from '../../../../src-shared/web';
import { Simulation } from '../../simulation';
import { HttpClient, type HttpResponse } from './client';
import { epochMicros } from './lab-pki';

const LAB = JSON.stringify({
  version: 2,
  devices: [
    { name: 'pc', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.10/24' }] },
    { name: 'sw', type: 'switch', position: { x: 0, y: 0 }, interfaces: [{ name: 'p1' }, { name: 'p2' }, { name: 'p3' }] },
    { name: 'edge', type: 'proxy-cache', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.80/24' }], proxy: { origin: '10.0.0.90', sites: ['www.example.com'], tls: false, originTls: false } },
    { name: 'origin', type: 'host', position: { x: 0, y: 0 }, interfaces: [{ name: 'eth0', ipv4: '10.0.0.90/24' }] },
  ],
  links: [
    { a: { device: 'pc', interface: 'eth0' }, b: { device: 'sw', interface: 'p1' } },
    { a: { device: 'edge', interface: 'eth0' }, b: { device: 'sw', interface: 'p2' } },
    { a: { device: 'origin', interface: 'eth0' }, b: { device: 'sw', interface: 'p3' } },
  ],
});

function setup(vary: string) {
  const loaded = loadLabText(LAB);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
  const sim = new Simulation(loaded.lab);
  const seenByOrigin: HeaderField[][] = [];
  // The origin: a page in the language asked for, cacheable for 60 s, varying on `vary`.
  sim.tcp('origin').listen(80, () => {
    const parser = new HttpStreamParser('request');
    return {
      onData: (c, data) => {
        for (const m of parser.push(data).messages) {
          const headers = m.headers.map((h) => ({ name: h.name, value: h.value }));
          seenByOrigin.push(headers);
          const lang = fieldValue(headers, 'accept-language')?.split(',')[0].trim().toLowerCase() ?? 'en';
          const body = lang.startsWith('fr') ? 'Bonjour\n' : 'Hello\n';
          c.send(emitHttpResponse({ status: 200, headers: [{ name: 'Date', value: formatHttpDate(epochMicros(sim.net.now)) }, { name: 'Cache-Control', value: 'max-age=60' }, { name: 'Vary', value: vary }, { name: 'Content-Language', value: lang.startsWith('fr') ? 'fr' : 'en' }, { name: 'Content-Type', value: 'text/plain' }], body, framing: 'length' }));
        }
      },
    };
  });
  const client = new HttpClient(sim.ipDevice('pc'), sim.tcp('pc'), sim.pki, () => {});
  const url = parseUrl('http://www.example.com/');
  if (!url.ok) throw new Error('url');
  const edge = parseIpv4('10.0.0.80');
  if (!edge.ok) throw new Error('address');
  /** GET through the edge at virtual second `at`; returns "status body Cache-Status". */
  const get = (at: number, fields: [string, string][]): string => {
    let got: HttpResponse | string | undefined;
    sim.net.scheduler.at(at * 1_000_000, 'test GET', () => client.request(url.value, edge.value, fields.map(([name, value]) => ({ name, value })), { connect: 0, tls: 0, ttfb: 0, download: 0, reused: false }, (r) => (got = r)));
    sim.run({ until: at * 1_000_000 + 900_000 });
    if (got === undefined || typeof got === 'string') return `failed: ${got}`;
    return `${got.status} ${new TextDecoder().decode(got.body).trim()} ${fieldValue(got.headers, 'cache-status')}`;
  };
  return { sim, get, seenByOrigin };
}

describe('CDN edge and Vary (RFC 9111 §4.1)', () => {
  it('keeps one variant per Accept-Language value and passes the field to the origin', () => {
    const { sim, get, seenByOrigin } = setup('Accept-Language');
    expect(get(1, [['Accept-Language', 'en']])).toBe('200 Hello edge; fwd=miss');
    expect(get(2, [['Accept-Language', 'fr']])).toBe('200 Bonjour edge; fwd=miss');
    expect(get(3, [['Accept-Language', 'EN']])).toBe('200 Hello edge; hit; ttl=58'); // language tags are case-insensitive
    expect(get(4, [['Accept-Language', 'fr']])).toBe('200 Bonjour edge; hit; ttl=58');
    expect(get(5, [['Accept-Language', 'fr, en']])).toBe('200 Bonjour edge; fwd=miss'); // another value: another variant
    expect(get(6, [])).toBe('200 Hello edge; fwd=miss'); // absent matches only absent
    expect(get(7, [])).toBe('200 Hello edge; hit; ttl=59');
    expect(seenByOrigin.map((h) => fieldValue(h, 'accept-language') ?? '(none)')).toEqual(['en', 'fr', 'fr, en', '(none)']);
    // The edge keeps its own User-Agent and the client's Accept.
    expect(seenByOrigin.every((h) => fieldValue(h, 'user-agent')?.startsWith('PacketLab-edge/') && fieldValue(h, 'accept') === '*/*')).toBe(true);
    expect(sim.proxies.get('edge')!.stats).toEqual({ hits: 3, misses: 4, revalidated: 0 });
  });

  it('never serves a Vary: * response from the cache', () => {
    const { sim, get, seenByOrigin } = setup('*');
    expect(get(1, [['Accept-Language', 'en']])).toBe('200 Hello edge; fwd=miss');
    expect(get(2, [['Accept-Language', 'en']])).toBe('200 Hello edge; fwd=miss');
    expect(seenByOrigin).toHaveLength(2);
    expect(sim.proxies.get('edge')!.stats).toEqual({ hits: 0, misses: 2, revalidated: 0 });
  });
});
