// The story's sentences in the user's language. The engine gives each entry an English summary and
// a bag of facts (name, server, address, status, url, …); a sentence variant is used when every fact
// its message needs is there, the most specific variant first, else the step's general explanation.
import type { JourneyRecord } from '../../../../src-shared/ipc/contract';
import { JOURNEY_STEP_NAMES } from '../../../../src-shared/ipc/contract';

export type StoryEntry = JourneyRecord['story'][number];
export type StepName = (typeof JOURNEY_STEP_NAMES)[number];

/** A sentence variant: its message (journey.sentences.<step>.<key>) and the facts it needs. */
export interface SentenceVariant {
  key: string;
  needs: readonly string[];
  /** Facts that must have exactly this value (e.g. a cache `result` of `hit`). */
  equals?: Readonly<Record<string, string>>;
}

/** Most specific first; the last one of each step needs no fact. */
export const SENTENCE_VARIANTS: Record<StepName, readonly SentenceVariant[]> = {
  url: [
    { key: 'hsts', needs: ['url', 'host', 'target'], equals: { hsts: 'true' } },
    { key: 'typedTarget', needs: ['url', 'target'] },
    { key: 'typed', needs: ['url'] },
    { key: 'generic', needs: [] },
  ],
  cache: [
    { key: 'dnsHit', needs: ['name', 'address'] },
    { key: 'httpHit', needs: ['url'], equals: { result: 'hit' } },
    { key: 'miss', needs: ['url'], equals: { result: 'miss' } },
    { key: 'generic', needs: [] },
  ],
  dhcp: [
    { key: 'lease', needs: ['server', 'address'] },
    { key: 'generic', needs: [] },
  ],
  arp: [
    { key: 'resolved', needs: ['address', 'mac'] },
    { key: 'ask', needs: ['address'] },
    { key: 'generic', needs: [] },
  ],
  dns: [
    { key: 'roleAnswer', needs: ['role', 'server', 'name', 'answer'] },
    { key: 'role', needs: ['role', 'server', 'name'] },
    { key: 'serverAnswer', needs: ['server', 'name', 'answer'] },
    { key: 'server', needs: ['server', 'name'] },
    { key: 'answer', needs: ['name', 'answer'] },
    { key: 'generic', needs: [] },
  ],
  routing: [
    { key: 'via', needs: ['destination', 'gateway'] },
    { key: 'to', needs: ['destination'] },
    { key: 'generic', needs: [] },
  ],
  tcp: [
    { key: 'open', needs: ['server', 'port'] },
    { key: 'server', needs: ['server'] },
    { key: 'generic', needs: [] },
  ],
  tls: [
    { key: 'full', needs: ['server', 'name', 'version', 'cipher'] },
    { key: 'named', needs: ['server', 'name'] },
    { key: 'generic', needs: [] },
  ],
  http: [
    { key: 'redirect', needs: ['url', 'status', 'location'] },
    { key: 'response', needs: ['url', 'status'] },
    { key: 'request', needs: ['url'] },
    { key: 'generic', needs: [] },
  ],
  render: [
    { key: 'titled', needs: ['title', 'count'] },
    { key: 'counted', needs: ['count'] },
    { key: 'generic', needs: [] },
  ],
};

/** DNS server roles with a localized name (journey.roles.*); other values are shown as given. */
export const DNS_ROLES = ['stub', 'forwarder', 'resolver', 'root', 'tld', 'authoritative'] as const;

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/** The variant the entry's facts allow (the general one when none fits). */
export function chooseVariant(entry: StoryEntry): SentenceVariant {
  const variants = SENTENCE_VARIANTS[entry.step];
  for (const v of variants) {
    if (!v.needs.every((k) => present(entry.facts[k]))) continue;
    if (v.equals && !Object.entries(v.equals).every(([k, want]) => entry.facts[k] === want)) continue;
    return v;
  }
  return variants[variants.length - 1];
}

export type Translate = (key: string, named?: Record<string, unknown>) => string;

/** The entry in a sentence or two, in the language `t` speaks. */
export function storySentence(entry: StoryEntry, t: Translate): string {
  const variant = chooseVariant(entry);
  const named: Record<string, string> = { ...entry.facts, device: entry.device };
  const role = entry.facts.role;
  if (role && (DNS_ROLES as readonly string[]).includes(role)) named.role = t(`journey.roles.${role}`);
  return t(`journey.sentences.${entry.step}.${variant.key}`, named);
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
