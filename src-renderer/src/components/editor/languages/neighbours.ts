// Static ARP entries (`ip neigh` syntax) as a Monaco language.
import type { TableLanguage } from './types';

export const neighboursLanguage: TableLanguage = {
  id: 'packetlab-arp',
  table: 'arp',
  lineComment: '#',
  keywords: [
    { word: 'lladdr', doc: '**lladdr** MAC — the link-layer (MAC) address of the neighbour.' },
    { word: 'dev', doc: '**dev** NAME — the interface the neighbour is reached on.' },
    { word: 'PERMANENT', doc: '**PERMANENT** — a static entry that never expires.' },
    { word: 'REACHABLE', doc: '**REACHABLE** — confirmed recently.' },
    { word: 'STALE', doc: '**STALE** — valid but unconfirmed; used, then re-probed.' },
    { word: 'FAILED', doc: '**FAILED** — resolution failed.' },
    { word: 'INCOMPLETE', doc: '**INCOMPLETE** — resolution in progress.' },
    { word: 'NOARP', doc: '**NOARP** — no ARP needed on this interface.' },
  ],
  monarch: {
    keywords: ['lladdr', 'dev', 'nud', 'router'],
    states: ['PERMANENT', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'INCOMPLETE', 'NOARP'],
    tokenizer: {
      root: [
        [/#.*$/, 'comment'],
        [/[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}/, 'number.mac'],
        [/\d{1,3}(\.\d{1,3}){3}/, 'number.address'],
        [/[a-zA-Z_][\w.-]*/, { cases: { '@keywords': 'keyword', '@states': 'type', '@default': 'identifier' } }],
      ],
    },
  },
};
