// Static ARP entries (`ip neigh` syntax) as a Monaco language.
import type { TableLanguage } from './types';

export const neighboursLanguage: TableLanguage = {
  id: 'packetlab-arp',
  table: 'arp',
  lineComment: '#',
  keywords: [
    { word: 'lladdr' },
    { word: 'dev' },
    { word: 'PERMANENT' },
    { word: 'REACHABLE' },
    { word: 'STALE' },
    { word: 'FAILED' },
    { word: 'INCOMPLETE' },
    { word: 'NOARP' },
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
