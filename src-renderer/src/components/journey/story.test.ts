// The story's sentences from the engine's record of the URL-journey lab, in English and Korean.
import { describe, it, expect, afterEach } from 'vitest';
import { i18n } from '../../i18n';
import { JOURNEY, entryWith } from './journey.fixture';
import { chooseVariant, entryOfFrame, isGeneric, storySentence, SENTENCE_VARIANTS, type StoryEntry } from './story';

const t = (key: string, named?: Record<string, unknown>) => i18n.global.t(key, named ?? {});
const entry = (step: StoryEntry['step'], facts: Record<string, string>, device = 'pc'): StoryEntry => ({
  step, device, startUs: 0, endUs: 0, firstFrame: null, lastFrame: null, frameCount: 0, summary: 'engine words', causes: [], facts,
});

afterEach(() => {
  i18n.global.locale.value = 'en';
});

describe('journey story sentences', () => {
  it('has the steps of a URL journey in order', () => {
    const steps = JOURNEY.story.map((e) => e.step);
    expect(steps[0]).toBe('dhcp');
    expect(steps.indexOf('url')).toBeLessThan(steps.indexOf('dns'));
    expect(steps.indexOf('dns')).toBeLessThan(steps.indexOf('tcp'));
    expect(steps.indexOf('tcp')).toBeLessThan(steps.indexOf('tls'));
    expect(steps.lastIndexOf('render')).toBeGreaterThan(steps.indexOf('http'));
    expect(new Set(steps)).toEqual(new Set(['dhcp', 'url', 'cache', 'arp', 'dns', 'tcp', 'http', 'tls', 'render']));
  });

  it('tells every step the engine recorded with its facts, never the general sentence, in both languages', () => {
    for (const locale of ['en', 'ko'] as const) {
      i18n.global.locale.value = locale;
      for (const e of JOURNEY.story) {
        expect(isGeneric(e), `${e.step} ${JSON.stringify(e.facts)}`).toBe(false);
        const s = storySentence(e, t);
        expect(s, e.summary).not.toMatch(/[{}]/);
        if (locale === 'ko') expect(s).toMatch(/[가-힣]/);
      }
    }
  });

  it("tells the engine's cut of a very long story as a notice, in both languages", () => {
    const cut = entry('story', { kind: 'truncated', omittedEntries: '5001', omittedFrames: '12000', totalEntries: '25000' });
    expect(isGeneric(cut)).toBe(false);
    i18n.global.locale.value = 'en';
    expect(storySentence(cut, t)).toBe('The story stops here: 5001 more steps (12000 frames) of this run are left out, 25000 in all. Step through the packet list to see them.');
    i18n.global.locale.value = 'ko';
    expect(storySentence(cut, t)).toMatch(/^이야기는 여기까지입니다\. 이 실행의 나머지 5001개 단계\(프레임 12000개\)/);
  });

  it('tells the DNS walk from the root down in English', () => {
    i18n.global.locale.value = 'en';
    expect(storySentence(entryWith('dns', { tier: 'root', name: 'example.com' }), t)).toBe('isp asks the root server 198.41.0.4 about example.com. It does not hold the answer and refers to the servers of “com”, one level down.');
    expect(storySentence(entryWith('dns', { tier: 'TLD', name: 'example.com' }), t)).toBe('isp asks the TLD server 192.5.6.30 about example.com. It does not hold the answer and refers to the servers of “example.com”, one level down.');
    expect(storySentence(entryWith('dns', { tier: 'authoritative', name: 'example.com' }), t)).toBe('isp asks the authoritative server 203.0.113.53 for the A record of example.com: the answer is 203.0.113.80.');
    expect(storySentence(entryWith('dns', { tier: 'resolver', clientDevice: 'pc', name: 'www.example.com' }), t)).toBe('pc asks the resolver 192.168.1.1 for the A record of www.example.com: the answer is 198.51.100.80.');
  });

  it('tells DHCP, ARP, TCP, TLS, HTTP and the rendering in English', () => {
    i18n.global.locale.value = 'en';
    expect(storySentence(entryWith('dhcp'), t)).toBe('pc has no address yet, so it broadcasts for one: 192.168.1.1 offers 192.168.1.100, and after Request and Ack it is pc’s for 3600 s.');
    expect(storySentence(entryWith('url', { kind: 'navigate' }), t)).toBe('On pc, “example.com” is typed in the address bar; the browser reads it as the address http://example.com/.');
    expect(storySentence(entryWith('arp', { asker: 'pc' }), t)).toBe('pc needs the MAC address of 192.168.1.1 on its own network: it broadcasts “who has 192.168.1.1?”, and home-router answers that it is at 02:00:00:00:01:01.');
    expect(storySentence(entryWith('tcp', { server: '203.0.113.80:80' }), t)).toBe('pc opens a TCP connection from 192.168.1.100:39586 to 203.0.113.80:80 with the three-way handshake (SYN, SYN-ACK, ACK) before any data is sent.');
    expect(storySentence(entryWith('http', { url: 'http://example.com/' }), t)).toBe('pc sends GET http://example.com/ to 203.0.113.80:80; the answer, 301, redirects the browser to another address. It travels in plain text: anyone on the path could read it.');
    expect(storySentence(entryWith('tls', { sni: 'www.example.com' }), t)).toBe('pc and 198.51.100.80:443 run the TLS 1.3 handshake for www.example.com: they agree on TLS_AES_128_GCM_SHA256, the certificate is checked (valid, signed by the lab CA), and from then on everything is encrypted.');
    expect(storySentence(entryWith('http', { url: 'https://www.example.com/' }), t)).toBe('pc sends GET https://www.example.com/ to 198.51.100.80:443; the answer is 200. It travels inside TLS: only the browser and the server can read it. The Cache-Status header says “cdn-edge; fwd=miss”.');
    expect(storySentence(entryWith('cache', { kind: 'cdn-miss' }), t)).toBe('The CDN edge cdn-edge does not have https://www.example.com/ yet (MISS): it fetches it from the origin, answers, and keeps a copy.');
    expect(storySentence(entryWith('cache', { kind: 'http-cache-fresh' }), t)).toBe('The browser’s HTTP cache has https://www.example.com/, still fresh at 3 s old: it is used, and nothing is sent.');
    expect(storySentence(entryWith('render', { kind: 'painted' }), t)).toBe('The browser paints 4 items of “Example Domain”.');
  });

  it('tells the same steps in Korean, with the DNS tiers translated', () => {
    i18n.global.locale.value = 'ko';
    expect(storySentence(entryWith('dns', { tier: 'root', name: 'example.com' }), t)).toBe('isp이(가) 루트 서버 198.41.0.4에 example.com을(를) 묻습니다. 이 서버는 답을 갖고 있지 않아 한 단계 아래인 “com”의 서버들을 알려 줍니다.');
    expect(storySentence(entryWith('dns', { tier: 'TLD', name: 'example.com' }), t)).toContain('TLD 서버 192.5.6.30');
    expect(storySentence(entryWith('dns', { tier: 'authoritative', name: 'example.com' }), t)).toBe('isp이(가) 권한 있는 서버 203.0.113.53에 example.com의 A 레코드를 묻고, 답은 203.0.113.80입니다.');
    expect(storySentence(entryWith('http', { url: 'http://example.com/' }), t)).toBe('pc이(가) 203.0.113.80:80에 GET http://example.com/을(를) 보내고, 응답 301은(는) 브라우저를 다른 주소로 보냅니다. 평문으로 오가므로 경로 위의 누구든 읽을 수 있습니다.');
    expect(storySentence(entryWith('render', { kind: 'painted' }), t)).toBe('브라우저가 “Example Domain”의 항목 4개를 그립니다.');
  });

  it('picks the most specific variant the facts allow, else the general explanation', () => {
    expect(chooseVariant(entry('dns', { tier: 'resolver', server: '192.0.2.53', name: 'a.test', rcode: 'NXDOMAIN' })).key).toBe('failed');
    expect(chooseVariant(entry('dns', { tier: 'resolver', server: '192.0.2.53', name: 'a.test', qtype: 'MX', rcode: 'NOERROR' })).key).toBe('nodata');
    expect(chooseVariant(entry('dns', { tier: 'root', server: '198.41.0.4', name: 'a.test' })).key).toBe('unanswered');
    expect(chooseVariant(entry('dns', { server: '198.41.0.4' })).key).toBe('generic');
    expect(chooseVariant(entry('cache', { kind: 'cdn-hit', cache: 'edge', url: 'https://a.test/', age: '' })).key).toBe('cdnHit');
    expect(chooseVariant(entry('cache', { kind: 'cdn-hit', cache: 'edge', url: 'https://a.test/', age: '3' })).key).toBe('cdnHitAge');
    expect(chooseVariant(entry('url', { kind: 'navigate', input: 'a.test', url: 'https://a.test/', host: 'a.test', hstsUpgrade: 'yes' })).key).toBe('hstsUpgrade');
    expect(chooseVariant(entry('url', { kind: 'navigate', input: 'a.test', url: 'http://a.test/', host: 'a.test', hstsUpgrade: 'no' })).key).toBe('navigate');
    expect(chooseVariant(entry('tls', { server: 'x', sni: 'a.test', certificate: 'expired', certificateOk: 'false', cipher: 'c' })).key).toBe('rejected');
    expect(chooseVariant(entry('http', { method: 'GET', url: 'https://a.test/', server: 'x', status: '304', source: 'revalidated' })).key).toBe('revalidated');
    expect(chooseVariant(entry('tcp', { client: ' ', server: 'x', kind: 'open' })).key).toBe('generic');
    expect(chooseVariant(entry('render', { kind: 'painted', url: 'https://a.test/x.txt', contentType: 'text/plain', items: '1' })).key).toBe('raw');
    expect(isGeneric(entry('routing', {}))).toBe(true);
    expect(isGeneric(entry('routing', { between: '10.0.0.1 and 10.0.0.2' }))).toBe(false);
  });

  it('shows an unknown DNS tier as given', () => {
    i18n.global.locale.value = 'en';
    expect(storySentence(entry('dns', { tier: 'secondary', server: '192.0.2.53', name: 'a.test' }, 'r1'), t)).toBe('r1 asks the secondary 192.0.2.53 about a.test, but no answer comes back.');
  });

  it('has a general variant needing no fact for every step', () => {
    for (const variants of Object.values(SENTENCE_VARIANTS)) {
      const last = variants[variants.length - 1];
      expect(last.needs).toEqual([]);
      expect(last.when).toBeUndefined();
    }
  });

  it('finds the step a frame belongs to, the latest started when steps interleave', () => {
    const dhcp = entryWith('dhcp');
    expect(entryOfFrame(JOURNEY.story, dhcp.firstFrame)).toBe(JOURNEY.story.indexOf(dhcp));
    // The PC's DNS query spans frames 13–49, and the ARP of the home router (15–16) happens inside it.
    const pcDns = entryWith('dns', { clientDevice: 'pc', name: 'example.com' });
    const routerArp = entryWith('arp', { asker: 'home-router' });
    expect([pcDns.firstFrame, pcDns.lastFrame, routerArp.firstFrame, routerArp.lastFrame]).toEqual([13, 49, 15, 16]);
    expect(entryOfFrame(JOURNEY.story, 15)).toBe(JOURNEY.story.indexOf(routerArp));
    expect(entryOfFrame(JOURNEY.story, 14)).toBe(JOURNEY.story.indexOf(pcDns));
    expect(entryOfFrame(JOURNEY.story, 99_999)).toBe(-1);
    expect(entryOfFrame(JOURNEY.story, null)).toBe(-1);
  });
});
