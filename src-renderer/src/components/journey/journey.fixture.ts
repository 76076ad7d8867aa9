// Test data: the journey record the engine made for topologies/url-journey.lab.json, scenario
// "browse again" (seeded, so the same every run): the PC's DHCP at boot, example.com typed, ARP,
// DNS through the home router and the ISP's resolver (root, TLD, authoritative, then the CDN's
// names), TCP, http → 301 → https → 301 → www, TLS 1.3, the page from the CDN edge with its
// stylesheet and image, the rendering; then the second visit from the browser's caches.
// Made by running the scenario and writing `sim.journeyRecord()` as JSON (see README.md here);
// read through the IPC contract's schema, so it stays the shape the host sends.
import { contract, type JourneyRecord } from '../../../../src-shared/ipc/contract';
import record from './fixtures/url-journey.browse-again.json';

export const JOURNEY: JourneyRecord = contract['sim.journey'].result.parse(record);

/** The first story entry of `step` whose facts include `facts`. */
export function entryWith(step: JourneyRecord['story'][number]['step'], facts: Record<string, string> = {}): JourneyRecord['story'][number] {
  const e = JOURNEY.story.find((x) => x.step === step && Object.entries(facts).every(([k, v]) => x.facts[k] === v));
  if (!e) throw new Error(`no ${step} entry with ${JSON.stringify(facts)}`);
  return e;
}

/** The logo of the page (a real PNG served by the lab's web server). */
export const PIXEL_PNG = JOURNEY.loads[0].render!.images[0].base64;
export const PAGE_CSS = JOURNEY.loads[0].render!.stylesheets[0].css;
