// Test data shaped like the URL-journey lab's record (topologies/url-journey.lab.json, "browse
// again"): the PC's DHCP at boot, example.com typed, ARP for the gateway, DNS through the home
// router's forwarder and the ISP's resolver (root, TLD, authoritative), TCP, http → 301 → https,
// TLS 1.3, the page with its stylesheet and image, the rendering; then a second visit from caches.
// Tests check it against the IPC contract's schema, so it stays the shape the host sends.
import type { JourneyRecord } from '../../../../src-shared/ipc/contract';

/** A 1×1 PNG (the smallest valid image: IHDR, one IDAT, IEND). */
export const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example Domain</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<div class="page">
<h1>Example Domain</h1>
<p>This domain is for use in illustrative examples in documents.</p>
<img src="/logo.png" alt="logo" width="1" height="1">
<p><a href="https://www.iana.org/domains/example">More information...</a></p>
</div>
</body>
</html>
`;

export const PAGE_CSS = 'body { background: #f0f0f2; margin: 0; }\n.page { max-width: 600px; margin: 5em auto; }\nh1 { font-size: 2em; }\n';

const STORY: JourneyRecord['story'] = [
  { step: 'dhcp', device: 'pc', startUs: 1_000, endUs: 6_300, firstFrame: 1, lastFrame: 8, frameCount: 8, summary: 'pc got 192.168.1.100 from 192.168.1.1 (DHCP DORA)', causes: ['DHCP DISCOVER: eth0 has no address', 'DHCP OFFER 192.168.1.100', 'DHCP REQUEST 192.168.1.100', 'DHCP ACK 192.168.1.100'], facts: { server: '192.168.1.1', address: '192.168.1.100' } },
  { step: 'url', device: 'pc', startUs: 2_000_000, endUs: 2_000_000, firstFrame: null, lastFrame: null, frameCount: 0, summary: "pc: 'example.com' typed, loading http://example.com/", causes: [], facts: { url: 'example.com', target: 'http://example.com/' } },
  { step: 'cache', device: 'pc', startUs: 2_000_000, endUs: 2_000_000, firstFrame: null, lastFrame: null, frameCount: 0, summary: 'pc: no cached copy of http://example.com/', causes: [], facts: { url: 'http://example.com/', result: 'miss' } },
  { step: 'arp', device: 'pc', startUs: 2_000_050, endUs: 2_000_410, firstFrame: 9, lastFrame: 12, frameCount: 4, summary: 'pc learned 192.168.1.1 is at 02:00:00:00:01:01', causes: ['ARP who-has 192.168.1.1 (DNS server 192.168.1.1)', 'ARP reply 192.168.1.1 is-at 02:00:00:00:01:01'], facts: { address: '192.168.1.1', mac: '02:00:00:00:01:01' } },
  { step: 'dns', device: 'pc', startUs: 2_000_420, endUs: 2_000_900, firstFrame: 13, lastFrame: 14, frameCount: 2, summary: 'pc asked its DNS server 192.168.1.1 for example.com A', causes: ['DNS stub query for example.com A'], facts: { role: 'forwarder', server: '192.168.1.1', name: 'example.com' } },
  { step: 'dns', device: 'home-router', startUs: 2_000_900, endUs: 2_001_500, firstFrame: 15, lastFrame: 16, frameCount: 2, summary: 'home-router forwarded example.com A to 100.64.0.1', causes: ['DNS forwarder: example.com A not cached'], facts: { role: 'resolver', server: '100.64.0.1', name: 'example.com' } },
  { step: 'routing', device: 'isp', startUs: 2_001_500, endUs: 2_001_700, firstFrame: 17, lastFrame: 18, frameCount: 2, summary: 'isp routes 198.41.0.4 via 10.0.0.2 (OSPF)', causes: ['route 198.41.0.0/24 via 10.0.0.2 dev core'], facts: { destination: '198.41.0.4', gateway: '10.0.0.2' } },
  { step: 'dns', device: 'isp', startUs: 2_001_500, endUs: 2_003_100, firstFrame: 17, lastFrame: 22, frameCount: 6, summary: 'isp asked the root server 198.41.0.4 for example.com: referral to com (a.gtld-servers.net)', causes: ['DNS resolver: iterate from the root hints'], facts: { role: 'root', server: '198.41.0.4', name: 'example.com', answer: 'a referral to the com servers' } },
  { step: 'dns', device: 'isp', startUs: 2_003_100, endUs: 2_004_700, firstFrame: 23, lastFrame: 28, frameCount: 6, summary: 'isp asked the TLD server 192.5.6.30 for example.com: referral to ns.example.com', causes: ['DNS resolver: follow the referral to com'], facts: { role: 'tld', server: '192.5.6.30', name: 'example.com', answer: 'a referral to ns.example.com' } },
  { step: 'dns', device: 'isp', startUs: 2_004_700, endUs: 2_006_300, firstFrame: 29, lastFrame: 34, frameCount: 6, summary: 'isp asked the authoritative server 203.0.113.53 for example.com: 203.0.113.80', causes: ['DNS resolver: follow the referral to example.com'], facts: { role: 'authoritative', server: '203.0.113.53', name: 'example.com', answer: '203.0.113.80' } },
  { step: 'dns', device: 'pc', startUs: 2_006_300, endUs: 2_007_500, firstFrame: 35, lastFrame: 38, frameCount: 4, summary: 'pc learned example.com is 203.0.113.80', causes: ['DNS answer example.com A 203.0.113.80'], facts: { name: 'example.com', answer: '203.0.113.80' } },
  { step: 'tcp', device: 'pc', startUs: 2_007_500, endUs: 2_010_600, firstFrame: 39, lastFrame: 44, frameCount: 6, summary: 'pc connected to 203.0.113.80:80', causes: ['TCP connect to 203.0.113.80:80 for http://example.com/'], facts: { server: '203.0.113.80', port: '80' } },
  { step: 'http', device: 'pc', startUs: 2_010_600, endUs: 2_013_900, firstFrame: 45, lastFrame: 50, frameCount: 6, summary: 'GET http://example.com/ → 301 Moved Permanently, Location https://www.example.com/', causes: ['HTTP GET / Host example.com', 'HTTP 301 Moved Permanently'], facts: { url: 'http://example.com/', status: '301', location: 'https://www.example.com/' } },
  { step: 'dns', device: 'pc', startUs: 2_013_900, endUs: 2_022_100, firstFrame: 51, lastFrame: 74, frameCount: 24, summary: 'pc learned www.example.com is 198.51.100.80 (CNAME www.example.com.cdn.net)', causes: ['DNS stub query for www.example.com A'], facts: { role: 'forwarder', server: '192.168.1.1', name: 'www.example.com', answer: '198.51.100.80' } },
  { step: 'tcp', device: 'pc', startUs: 2_022_100, endUs: 2_025_000, firstFrame: 75, lastFrame: 80, frameCount: 6, summary: 'pc connected to 198.51.100.80:443', causes: ['TCP connect to 198.51.100.80:443 for https://www.example.com/'], facts: { server: '198.51.100.80', port: '443' } },
  { step: 'tls', device: 'pc', startUs: 2_025_000, endUs: 2_031_100, firstFrame: 81, lastFrame: 90, frameCount: 10, summary: 'pc and 198.51.100.80 agreed on TLS 1.3 (TLS_AES_128_GCM_SHA256) for www.example.com', causes: ['TLS ClientHello SNI www.example.com', 'TLS ServerHello, Certificate, Finished'], facts: { server: '198.51.100.80', name: 'www.example.com', version: 'TLS 1.3', cipher: 'TLS_AES_128_GCM_SHA256' } },
  { step: 'http', device: 'pc', startUs: 2_031_100, endUs: 2_041_800, firstFrame: 91, lastFrame: 110, frameCount: 20, summary: 'GET https://www.example.com/ → 200 OK (1256 B), then style.css and logo.png', causes: ['HTTP GET / Host www.example.com', 'HTTP 200 OK', 'HTTP GET /style.css', 'HTTP GET /logo.png'], facts: { url: 'https://www.example.com/', status: '200' } },
  { step: 'render', device: 'pc', startUs: 2_041_800, endUs: 2_041_800, firstFrame: null, lastFrame: null, frameCount: 0, summary: "pc painted 4 item(s) of 'Example Domain'", causes: [], facts: { title: 'Example Domain', count: '4' } },
  { step: 'url', device: 'pc', startUs: 5_000_000, endUs: 5_000_000, firstFrame: null, lastFrame: null, frameCount: 0, summary: "pc: 'example.com' typed, HSTS: loading https://www.example.com/", causes: [], facts: { url: 'example.com', host: 'www.example.com', target: 'https://www.example.com/', hsts: 'true' } },
  { step: 'cache', device: 'pc', startUs: 5_000_000, endUs: 5_000_000, firstFrame: null, lastFrame: null, frameCount: 0, summary: 'pc: www.example.com is 198.51.100.80 in the browser DNS cache', causes: [], facts: { name: 'www.example.com', address: '198.51.100.80' } },
  { step: 'http', device: 'pc', startUs: 5_000_100, endUs: 5_003_400, firstFrame: 111, lastFrame: 114, frameCount: 4, summary: 'GET https://www.example.com/ → 304 Not Modified (revalidated)', causes: ['HTTP GET / If-None-Match'], facts: { url: 'https://www.example.com/', status: '304' } },
  { step: 'render', device: 'pc', startUs: 5_003_400, endUs: 5_003_400, firstFrame: null, lastFrame: null, frameCount: 0, summary: "pc painted 4 item(s) of 'Example Domain'", causes: [], facts: { title: 'Example Domain', count: '4' } },
];

const DOM: NonNullable<JourneyRecord['loads'][number]['render']>['dom'] = [
  { depth: 0, kind: 'element', name: 'html', attributes: { lang: 'en' } },
  { depth: 1, kind: 'element', name: 'head', attributes: {} },
  { depth: 2, kind: 'element', name: 'meta', attributes: { charset: 'utf-8' } },
  { depth: 2, kind: 'element', name: 'meta', attributes: { name: 'viewport', content: 'width=device-width, initial-scale=1' } },
  { depth: 2, kind: 'element', name: 'title', attributes: {} },
  { depth: 3, kind: 'text', name: 'Example Domain', attributes: {} },
  { depth: 2, kind: 'element', name: 'link', attributes: { rel: 'stylesheet', href: '/style.css' } },
  { depth: 1, kind: 'element', name: 'body', attributes: {} },
  { depth: 2, kind: 'element', name: 'div', attributes: { class: 'page' } },
  { depth: 3, kind: 'element', name: 'h1', attributes: {} },
  { depth: 4, kind: 'text', name: 'Example Domain', attributes: {} },
  { depth: 3, kind: 'element', name: 'p', attributes: {} },
  { depth: 4, kind: 'text', name: 'This domain is for use in illustrative examples in documents.', attributes: {} },
  { depth: 3, kind: 'element', name: 'img', attributes: { src: '/logo.png', alt: 'logo', width: '1', height: '1' } },
  { depth: 3, kind: 'element', name: 'p', attributes: {} },
  { depth: 4, kind: 'element', name: 'a', attributes: { href: 'https://www.iana.org/domains/example' } },
  { depth: 5, kind: 'text', name: 'More information...', attributes: {} },
  { depth: 3, kind: 'comment', name: ' end of page ', attributes: {} },
];

const RENDER = {
  url: 'https://www.example.com/',
  title: 'Example Domain',
  html: PAGE_HTML,
  dom: DOM,
  stylesheets: [{ url: 'https://www.example.com/style.css', rules: 3, css: PAGE_CSS }],
  images: [{ url: 'https://www.example.com/logo.png', bytes: 68, contentType: 'image/png', base64: PIXEL_PNG }],
  painted: ["heading 'Example Domain'", "paragraph 'This domain is for use in illustrative examples in documents.'", 'image /logo.png', 'styled by 3 CSS rule(s) from 1 stylesheet(s)'],
};

export const JOURNEY: JourneyRecord = {
  story: STORY,
  loads: [
    {
      device: 'pc',
      url: 'http://example.com/',
      startUs: 2_000_000,
      endUs: 2_041_800,
      ok: true,
      error: null,
      requests: [
        { url: 'http://example.com/', status: 301, contentType: 'text/html', bytes: 162, startUs: 2_000_000, dns: 7.5, connect: 3.1, tls: 0, request: 0.2, ttfb: 3.0, download: 0.1, reused: false, source: 'network' },
        { url: 'https://www.example.com/', status: 200, contentType: 'text/html; charset=utf-8', bytes: 1256, startUs: 2_013_900, dns: 8.2, connect: 2.9, tls: 6.1, request: 0.1, ttfb: 2.9, download: 0.4, reused: false, source: 'network' },
        { url: 'https://www.example.com/style.css', status: 200, contentType: 'text/css', bytes: 412, startUs: 2_034_600, dns: 0, connect: 0, tls: 0, request: 0.1, ttfb: 2.8, download: 0.1, reused: true, source: 'network' },
        { url: 'https://www.example.com/logo.png', status: 200, contentType: 'image/png', bytes: 68, startUs: 2_037_700, dns: 0, connect: 0, tls: 0, request: 0.1, ttfb: 3.8, download: 0.2, reused: true, source: 'network' },
      ],
      render: RENDER,
    },
    {
      device: 'pc',
      url: 'https://www.example.com/',
      startUs: 5_000_000,
      endUs: 5_003_400,
      ok: true,
      error: null,
      requests: [
        { url: 'https://www.example.com/', status: 200, contentType: 'text/html; charset=utf-8', bytes: 1256, startUs: 5_000_100, dns: 0, connect: 0, tls: 0, request: 0.1, ttfb: 3.0, download: 0.1, reused: true, source: 'revalidated' },
        { url: 'https://www.example.com/style.css', status: 200, contentType: 'text/css', bytes: 412, startUs: 5_003_300, dns: 0, connect: 0, tls: 0, request: 0, ttfb: 0, download: 0, reused: false, source: 'cache' },
        { url: 'https://www.example.com/logo.png', status: 200, contentType: 'image/png', bytes: 68, startUs: 5_003_300, dns: 0, connect: 0, tls: 0, request: 0, ttfb: 0, download: 0, reused: false, source: 'cache' },
      ],
      render: RENDER,
    },
  ],
};
