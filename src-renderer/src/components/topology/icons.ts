// Device icons as SVG: one drawing per kind on a coloured tile, used by the palette and (as data
// URIs, allowed by the CSP's img-src) by the canvas.
import type { DeviceKind } from '../../lab/types';

export const KIND_COLORS: Record<DeviceKind | 'unknown', string> = {
  host: '#2f6fde',
  switch: '#0f8a7e',
  router: '#d9622b',
  'dhcp-server': '#7a4fd6',
  'dns-server': '#b8407a',
  'web-server': '#2e8b3d',
  'proxy-cache': '#9a6b12',
  unknown: '#6b7280',
};

const W = 'stroke="#fff" stroke-width="2.6" fill="none" stroke-linecap="round" stroke-linejoin="round"';

const GLYPHS: Record<DeviceKind | 'unknown', string> = {
  host: `<rect x="11" y="12" width="26" height="18" rx="2" ${W}/><path d="M20 36h8M24 30v6" ${W}/>`,
  switch: `<rect x="9" y="16" width="30" height="16" rx="3" ${W}/><path d="M15 21h13l-3-3M33 27H20l3 3" ${W}/>`,
  router: `<circle cx="24" cy="24" r="13" ${W}/><path d="M24 13v7m-3-3 3 3 3-3M24 35v-7m-3 3 3-3 3 3M13 24h7m-3-3 3 3-3 3M35 24h-7m3-3-3 3 3 3" ${W}/>`,
  'dhcp-server': `<rect x="13" y="9" width="22" height="30" rx="2" ${W}/><path d="M17 16h14M17 21h14" ${W}/><text x="24" y="34" font-family="sans-serif" font-size="8" font-weight="700" fill="#fff" text-anchor="middle">IP</text>`,
  'dns-server': `<rect x="13" y="9" width="22" height="30" rx="2" ${W}/><path d="M17 16h14M17 21h14" ${W}/><text x="24" y="34" font-family="sans-serif" font-size="7.5" font-weight="700" fill="#fff" text-anchor="middle">DNS</text>`,
  'web-server': `<circle cx="24" cy="24" r="13" ${W}/><path d="M11 24h26M24 11c-5 5-5 21 0 26M24 11c5 5 5 21 0 26" ${W}/>`,
  'proxy-cache': `<ellipse cx="24" cy="15" rx="11" ry="4" ${W}/><path d="M13 15v18c0 2.2 4.9 4 11 4s11-1.8 11-4V15M13 24c0 2.2 4.9 4 11 4s11-1.8 11-4" ${W}/>`,
  unknown: `<rect x="12" y="12" width="24" height="24" rx="3" ${W}/><text x="24" y="29" font-family="sans-serif" font-size="12" font-weight="700" fill="#fff" text-anchor="middle">?</text>`,
};

export function kindKey(type: string): DeviceKind | 'unknown' {
  return type in GLYPHS ? (type as DeviceKind) : 'unknown';
}

export function deviceSvg(type: string, options: { down?: boolean } = {}): string {
  const k = kindKey(type);
  const fill = options.down ? '#8b8f98' : KIND_COLORS[k];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48"><rect x="1" y="1" width="46" height="46" rx="11" fill="${fill}"/>${GLYPHS[k]}</svg>`;
}

const cache = new Map<string, string>();
export function deviceIconUri(type: string): string {
  let uri = cache.get(type);
  if (!uri) {
    uri = 'data:image/svg+xml;utf8,' + encodeURIComponent(deviceSvg(type));
    cache.set(type, uri);
  }
  return uri;
}
