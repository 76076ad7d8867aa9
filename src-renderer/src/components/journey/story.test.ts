// The story's sentences from contract-shaped data (the URL-journey fixture), in English and Korean.
import { describe, it, expect, afterEach } from 'vitest';
import { contract } from '../../../../src-shared/ipc/contract';
import { i18n } from '../../i18n';
import { JOURNEY } from './journey.fixture';
import { chooseVariant, entryOfFrame, isGeneric, storySentence, SENTENCE_VARIANTS, type StoryEntry } from './story';

const t = (key: string, named?: Record<string, unknown>) => i18n.global.t(key, named ?? {});
const entry = (step: StoryEntry['step'], facts: Record<string, string>, device = 'pc'): StoryEntry => ({
  step, device, startUs: 0, endUs: 0, firstFrame: null, lastFrame: null, frameCount: 0, summary: 'engine words', causes: [], facts,
});

afterEach(() => {
  i18n.global.locale.value = 'en';
});

describe('journey story sentences', () => {
  it('uses a fixture the IPC contract accepts', () => {
    expect(() => contract['sim.journey'].result.parse(JOURNEY)).not.toThrow();
    expect(JOURNEY.story.map((e) => e.step)).toEqual(['dhcp', 'url', 'cache', 'arp', 'dns', 'dns', 'routing', 'dns', 'dns', 'dns', 'dns', 'tcp', 'http', 'dns', 'tcp', 'tls', 'http', 'render', 'url', 'cache', 'http', 'render']);
  });

  it('tells each step of the URL journey in English from its facts', () => {
    i18n.global.locale.value = 'en';
    const s = JOURNEY.story.map((e) => storySentence(e, t));
    expect(s[0]).toBe('pc has no address yet, so it broadcasts for one: the DHCP server 192.168.1.1 offers 192.168.1.100, and the Request and Ack make it pc’s address.');
    expect(s[1]).toBe('On pc, the user types “example.com” in the address bar; the browser makes it the URL http://example.com/.');
    expect(s[3]).toContain('the owner answers with 02:00:00:00:01:01');
    expect(s[7]).toBe('isp asks the root server 198.41.0.4 about example.com; it answers a referral to the com servers.');
    expect(s[8]).toBe('isp asks the TLD server 192.5.6.30 about example.com; it answers a referral to ns.example.com.');
    expect(s[9]).toBe('isp asks the authoritative server 203.0.113.53 about example.com; it answers 203.0.113.80.');
    expect(s[12]).toBe('The browser asks for http://example.com/; the server answers 301 and sends it to https://www.example.com/.');
    expect(s[15]).toContain('they agree on TLS 1.3 with TLS_AES_128_GCM_SHA256');
    expect(s[17]).toBe('The browser parses the HTML of “Example Domain”, fetches its stylesheets and images, and paints 4 items.');
    expect(s[18]).toContain('HSTS for www.example.com sends the browser straight to https://www.example.com/');
    // No sentence is left with an unfilled placeholder.
    for (const x of s) expect(x).not.toMatch(/[{}]/);
  });

  it('tells the same steps in Korean, with roles translated', () => {
    i18n.global.locale.value = 'ko';
    const s = JOURNEY.story.map((e) => storySentence(e, t));
    expect(s[7]).toBe('isp이(가) 루트 서버 198.41.0.4에 example.com을(를) 묻고, a referral to the com servers(이)라는 답을 받습니다.');
    expect(s[8]).toContain('TLD 서버 192.5.6.30');
    expect(s[9]).toContain('권한 있는 서버 203.0.113.53');
    expect(s[12]).toBe('브라우저가 http://example.com/을(를) 요청하자 서버는 301(으)로 답하며 https://www.example.com/(으)로 보냅니다.');
    for (const x of s) {
      expect(x).not.toMatch(/[{}]/);
      expect(x).toMatch(/[가-힣]/);
    }
  });

  it('picks the most specific variant the facts allow, else the general explanation', () => {
    expect(chooseVariant(entry('dns', { server: '192.168.1.1', name: 'a.test' })).key).toBe('server');
    expect(chooseVariant(entry('dns', { name: 'a.test', answer: '192.0.2.1' })).key).toBe('answer');
    expect(chooseVariant(entry('dns', { role: 'root', server: '198.41.0.4' })).key).toBe('generic');
    expect(chooseVariant(entry('cache', { url: 'http://a.test/', result: 'hit' })).key).toBe('httpHit');
    expect(chooseVariant(entry('cache', { url: 'http://a.test/', result: 'miss' })).key).toBe('miss');
    expect(chooseVariant(entry('cache', { url: 'http://a.test/' })).key).toBe('generic');
    expect(chooseVariant(entry('url', { url: 'a.test', host: 'a.test', target: 'https://a.test/', hsts: 'false' })).key).toBe('typedTarget');
    expect(chooseVariant(entry('tcp', { server: ' ' })).key).toBe('generic');
    expect(isGeneric(entry('routing', {}))).toBe(true);
    expect(isGeneric(entry('routing', { destination: '10.0.0.1' }))).toBe(false);
  });

  it('shows an unknown DNS role as given', () => {
    i18n.global.locale.value = 'en';
    expect(storySentence(entry('dns', { role: 'secondary', server: '192.0.2.53', name: 'a.test' }, 'r1'), t)).toBe('r1 asks the secondary 192.0.2.53 about a.test.');
  });

  it('has a general variant needing no fact for every step', () => {
    for (const variants of Object.values(SENTENCE_VARIANTS)) expect(variants[variants.length - 1].needs).toEqual([]);
  });

  it('finds the step a frame belongs to, the latest started when steps interleave', () => {
    expect(entryOfFrame(JOURNEY.story, 1)).toBe(0);
    expect(entryOfFrame(JOURNEY.story, 18)).toBe(7); // routing 17–18 and the root query 17–22
    expect(entryOfFrame(JOURNEY.story, 95)).toBe(16);
    expect(entryOfFrame(JOURNEY.story, 999)).toBe(-1);
    expect(entryOfFrame(JOURNEY.story, null)).toBe(-1);
  });
});
