// The story's sentences in the user's language. The engine gives each entry an English summary and
// a bag of facts (name, server, address, status, url, …); a sentence variant is used when every fact
// its message needs is there, the most specific variant first, else the step's general explanation.
import type { JourneyRecord } from '../../../../src-shared/ipc/contract';
import { JOURNEY_STEP_NAMES } from '../../../../src-shared/ipc/contract';

export type StoryEntry = JourneyRecord['story'][number];
export type StepName = (typeof JOURNEY_STEP_NAMES)[number];

/** A sentence variant: its message (journey.sentences.<step>.<key>), the facts it needs, and when it applies. */
export interface SentenceVariant {
  key: string;
  needs: readonly string[];
  when?: (facts: Readonly<Record<string, string>>) => boolean;
}

const kind = (...kinds: string[]) => (f: Readonly<Record<string, string>>) => kinds.includes(f.kind);

/**
 * Most specific first; the last one of each step needs no fact. The facts are those the engine's
 * story builder and browser record (src-main/engine/journey/story.ts, apps/browser/browser.ts).
 */
export const SENTENCE_VARIANTS: Record<StepName, readonly SentenceVariant[]> = {
  url: [
    { key: 'invalid', needs: ['input', 'error'], when: kind('invalid') },
    { key: 'hstsUpgrade', needs: ['input', 'url', 'host'], when: (f) => f.kind === 'navigate' && f.hstsUpgrade === 'yes' },
    { key: 'search', needs: ['input', 'url'], when: kind('search') },
    { key: 'navigate', needs: ['input', 'url'], when: kind('navigate') },
    { key: 'redirectUpgrade', needs: ['from', 'url', 'host'], when: kind('hsts-upgrade') },
    { key: 'hstsLearned', needs: ['host', 'header'], when: kind('hsts-learned') },
    { key: 'hstsIgnored', needs: ['host', 'header'], when: kind('hsts-ignored') },
    { key: 'generic', needs: [] },
  ],
  cache: [
    { key: 'httpMiss', needs: ['url'], when: kind('http-cache-miss') },
    { key: 'httpFresh', needs: ['url', 'age'], when: kind('http-cache-fresh') },
    { key: 'httpStale', needs: ['url', 'age'], when: kind('http-cache-stale') },
    { key: 'httpRevalidated', needs: ['url'], when: kind('http-cache-revalidated') },
    { key: 'httpStored', needs: ['url', 'status'], when: kind('http-cache-stored') },
    { key: 'httpNotStored', needs: ['url', 'status'], when: kind('http-cache-not-stored') },
    { key: 'browserDnsHit', needs: ['name', 'address', 'ttlLeft'], when: kind('browser-dns-hit') },
    { key: 'browserDnsMiss', needs: ['name'], when: kind('browser-dns-miss') },
    { key: 'osDnsHit', needs: ['name', 'address', 'ttl'], when: kind('os-dns-hit') },
    { key: 'osDnsMiss', needs: ['name', 'address', 'ttl'], when: kind('os-dns-miss') },
    { key: 'hostsHit', needs: ['name', 'address'], when: kind('hosts-hit') },
    { key: 'dnsFailed', needs: ['name'], when: kind('dns-failed') },
    { key: 'cdnHitAge', needs: ['cache', 'url', 'age'], when: kind('cdn-hit') },
    { key: 'cdnHit', needs: ['cache', 'url'], when: kind('cdn-hit') },
    { key: 'cdnMiss', needs: ['cache', 'url'], when: kind('cdn-miss') },
    { key: 'generic', needs: [] },
  ],
  dhcp: [
    { key: 'boundLease', needs: ['client', 'address', 'server', 'leaseTime'], when: kind('bound') },
    { key: 'bound', needs: ['client', 'address', 'server'], when: kind('bound') },
    { key: 'renewed', needs: ['client', 'address', 'server'], when: kind('renewed') },
    { key: 'refused', needs: ['client', 'server'], when: kind('refused') },
    { key: 'released', needs: ['client', 'address', 'server'], when: kind('released') },
    { key: 'pending', needs: ['client', 'messages'], when: kind('pending') },
    { key: 'generic', needs: [] },
  ],
  arp: [
    { key: 'answered', needs: ['asker', 'target', 'answeredBy', 'mac'] },
    { key: 'answeredMac', needs: ['asker', 'target', 'mac'] },
    { key: 'unanswered', needs: ['asker', 'target'] },
    { key: 'generic', needs: [] },
  ],
  dns: [
    { key: 'referral', needs: ['tier', 'server', 'name', 'referral'] },
    { key: 'address', needs: ['tier', 'server', 'name', 'qtype', 'address'] },
    { key: 'answer', needs: ['tier', 'server', 'name', 'qtype', 'answer'] },
    { key: 'failed', needs: ['tier', 'server', 'name', 'rcode'], when: (f) => f.rcode !== 'NOERROR' },
    { key: 'nodata', needs: ['tier', 'server', 'name', 'qtype', 'rcode'] },
    { key: 'unanswered', needs: ['tier', 'server', 'name'] },
    { key: 'generic', needs: [] },
  ],
  routing: [
    { key: 'between', needs: ['between'] },
    { key: 'generic', needs: [] },
  ],
  tcp: [
    { key: 'open', needs: ['client', 'server'], when: kind('open') },
    { key: 'close', needs: ['client', 'server', 'flags'], when: kind('close') },
    { key: 'reset', needs: ['client', 'server', 'flags'], when: kind('reset') },
    { key: 'data', needs: ['client', 'server'] },
    { key: 'generic', needs: [] },
  ],
  tls: [
    { key: 'rejected', needs: ['server', 'sni', 'certificate'], when: (f) => f.certificateOk === 'false' },
    { key: 'full', needs: ['server', 'sni', 'cipher', 'certificate'] },
    { key: 'agreed', needs: ['server', 'sni', 'cipher'] },
    { key: 'hello', needs: ['server', 'sni'] },
    { key: 'records', needs: ['client', 'server'] },
    { key: 'generic', needs: [] },
  ],
  http: [
    { key: 'revalidated', needs: ['method', 'url', 'server'], when: (f) => f.source === 'revalidated' },
    { key: 'redirect', needs: ['method', 'url', 'server', 'status'], when: (f) => /^3\d\d$/.test(f.status) },
    { key: 'response', needs: ['method', 'url', 'server', 'status'] },
    { key: 'pending', needs: ['method', 'url', 'server'] },
    { key: 'generic', needs: [] },
  ],
  render: [
    { key: 'parsed', needs: ['url', 'title', 'elements', 'subresources'], when: kind('parsed') },
    { key: 'parsedUntitled', needs: ['url', 'elements', 'subresources'], when: kind('parsed') },
    { key: 'styled', needs: ['rules', 'stylesheets', 'elements'], when: kind('styled') },
    { key: 'raw', needs: ['url', 'contentType'], when: kind('painted') },
    { key: 'painted', needs: ['title', 'items'], when: kind('painted') },
    { key: 'paintedUntitled', needs: ['url', 'items'], when: kind('painted') },
    { key: 'generic', needs: [] },
  ],
  // The engine cuts very long stories and says so in a last entry of its own.
  story: [
    { key: 'truncated', needs: ['omittedEntries', 'omittedFrames', 'totalEntries'], when: kind('truncated') },
    { key: 'generic', needs: [] },
  ],
};

/** Second sentences (journey.notes.<step>.<key>) added whenever their facts are there. */
export const NOTE_VARIANTS: Partial<Record<StepName, readonly SentenceVariant[]>> = {
  http: [
    { key: 'encrypted', needs: [], when: (f) => f.encrypted === 'true' },
    { key: 'plain', needs: [], when: (f) => f.encrypted === 'false' },
    { key: 'cacheStatus', needs: ['cacheStatus'] },
  ],
};

/** DNS tiers with a localized name (journey.tiers.*); the engine writes them as root, TLD, … */
export const DNS_TIERS = ['root', 'tld', 'authoritative', 'resolver', 'unknown'] as const;

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
const applies = (v: SentenceVariant, facts: Readonly<Record<string, string>>) => v.needs.every((k) => present(facts[k])) && (!v.when || v.when(facts));

/** The variant the entry's facts allow (the general one when none fits). */
export function chooseVariant(entry: StoryEntry): SentenceVariant {
  const variants = SENTENCE_VARIANTS[entry.step];
  return variants.find((v) => applies(v, entry.facts)) ?? variants[variants.length - 1];
}

export type Translate = (key: string, named?: Record<string, unknown>) => string;

/** The entry in a sentence or two, in the language `t` speaks. */
export function storySentence(entry: StoryEntry, t: Translate): string {
  const named: Record<string, string> = { ...entry.facts, device: entry.device };
  const tier = entry.facts.tier?.toLowerCase();
  if (tier && (DNS_TIERS as readonly string[]).includes(tier)) named.tier = t(`journey.tiers.${tier}`);
  const sentences = [t(`journey.sentences.${entry.step}.${chooseVariant(entry).key}`, named)];
  for (const note of NOTE_VARIANTS[entry.step] ?? []) if (applies(note, entry.facts)) sentences.push(t(`journey.notes.${entry.step}.${note.key}`, named));
  return sentences.join(' ');
}

/** Whether the sentence could only say what the step is in general (the engine's summary then says more). */
export function isGeneric(entry: StoryEntry): boolean {
  const variants = SENTENCE_VARIANTS[entry.step];
  return chooseVariant(entry) === variants[variants.length - 1] && variants[variants.length - 1].needs.length === 0;
}

/** The index of the entry whose frames hold frame `no` (1-based), else -1. */
export function entryOfFrame(story: readonly StoryEntry[], no: number | null | undefined): number {
  if (no === null || no === undefined) return -1;
  // Entries may interleave (DNS answers while ARP waits): the one that started last wins.
  for (let i = story.length - 1; i >= 0; i--) {
    const e = story[i];
    if (e.firstFrame !== null && e.lastFrame !== null && no >= e.firstFrame && no <= e.lastFrame) return i;
  }
  return -1;
}
