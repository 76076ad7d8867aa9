// iproute2 routes (`ip route` syntax) as a Monaco language.
import type { TableLanguage } from './types';

export const routesLanguage: TableLanguage = {
  id: 'packetlab-routes',
  table: 'routes',
  lineComment: '#',
  keywords: [
    { word: 'default', doc: '**default** — the route for every destination no other route matches (0.0.0.0/0).', snippet: 'default via ${1:192.168.1.1} dev ${2:eth0}' },
    { word: 'via', doc: '**via** ADDRESS — the next-hop router (gateway). It must be on a directly connected network.' },
    { word: 'dev', doc: '**dev** NAME — the interface the packets leave through, e.g. `eth0`.' },
    { word: 'metric', doc: '**metric** N — preference among routes to the same prefix: lower wins.' },
    { word: 'proto', doc: '**proto** kernel|static|boot|linkstate|dhcp|redirect — who installed the route.' },
    { word: 'scope', doc: '**scope** global|link|host — how far the destination is: `link` means directly connected.' },
    { word: 'src', doc: '**src** ADDRESS — the source address to prefer for packets sent by this host on this route.' },
    { word: 'blackhole', doc: '**blackhole** PREFIX — silently discard packets to the prefix.' },
    { word: 'unreachable', doc: '**unreachable** PREFIX — discard and answer ICMP *host unreachable*.' },
    { word: 'prohibit', doc: '**prohibit** PREFIX — discard and answer ICMP *communication administratively prohibited*.' },
    { word: 'unicast', doc: '**unicast** — an ordinary route (the default type).' },
    { word: 'kernel', doc: 'proto **kernel** — added by the kernel for a configured address.' },
    { word: 'static', doc: 'proto **static** — added by an administrator.' },
    { word: 'linkstate', doc: 'proto **linkstate** — computed by link-state routing (SPF).' },
    { word: 'dhcp', doc: 'proto **dhcp** — learned from a DHCP server (option routers).' },
    { word: 'link', doc: 'scope **link** — the destination is on the attached network.' },
    { word: 'host', doc: 'scope **host** — the destination is this host.' },
    { word: 'global', doc: 'scope **global** — the destination is reached through a gateway.' },
  ],
  monarch: {
    keywords: ['default', 'via', 'dev', 'metric', 'proto', 'scope', 'src', 'blackhole', 'unreachable', 'prohibit', 'unicast', 'kernel', 'static', 'boot', 'linkstate', 'dhcp', 'redirect', 'link', 'host', 'global'],
    tokenizer: {
      root: [
        [/#.*$/, 'comment'],
        [/\d{1,3}(\.\d{1,3}){3}\/\d{1,2}/, 'number.prefix'],
        [/\d{1,3}(\.\d{1,3}){3}/, 'number.address'],
        [/\b\d+\b/, 'number'],
        [/[a-zA-Z_][\w.-]*/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }],
      ],
    },
  },
};
