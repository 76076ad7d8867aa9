// A browser's page load in the shape of the `sim.journey` contract: requests with their start
// times and ms breakdown, and the rendering record with images as base64.
import type { JourneyRecord } from '../../../src-shared/ipc/contract';
import type { BrowseResult } from '../apps/browser/browser';

type PageLoad = JourneyRecord['loads'][number];

export function pageLoadRecord(r: BrowseResult): PageLoad {
  const render = r.render;
  return {
    device: r.device,
    url: r.url,
    startUs: r.startUs,
    endUs: r.endUs,
    ok: r.ok,
    error: r.error ?? null,
    requests: r.requests.map((t) => ({
      url: t.url, status: t.status, contentType: t.contentType, bytes: t.bytes, startUs: t.startUs,
      dns: t.dns, connect: t.connect, tls: t.tls, request: t.request, ttfb: t.ttfb, download: t.download, reused: t.reused, source: t.source,
    })),
    render: render
      ? {
          url: render.url,
          title: render.title ?? null,
          html: render.html,
          dom: render.dom.map((d) => ({ depth: d.depth, kind: d.kind, name: d.name, attributes: { ...d.attributes } })),
          stylesheets: render.stylesheets.map((s) => ({ url: s.url, rules: s.rules, css: s.css })),
          images: render.images.map((im) => ({ url: im.url, bytes: im.bytes, contentType: im.contentType, base64: base64(im.data) })),
          painted: [...render.painted],
        }
      : null,
  };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64 (the engine uses no Buffer). */
export function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  const left = bytes.length - i;
  if (left === 1) {
    const n = bytes[i] << 16;
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + '==';
  } else if (left === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + '=';
  }
  return out;
}
