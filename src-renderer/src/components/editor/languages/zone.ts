// BIND zone files (RFC 1035 master format) as a Monaco language.
import type { TableLanguage } from './types';

const TYPES = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'PTR', 'SRV', 'CAA', 'DS', 'DNSKEY'];

export const zoneLanguage: TableLanguage = {
  id: 'packetlab-zone',
  table: 'zone',
  lineComment: ';',
  keywords: [
    { word: '$ORIGIN', snippet: '\\$ORIGIN ${1:example.com}.' },
    { word: '$TTL', snippet: '\\$TTL ${1:3600}' },
    { word: 'IN' },
    { word: 'SOA', snippet: '@ IN SOA ${1:ns1} ${2:hostmaster} ( ${3:1} 3600 900 604800 300 )' },
    { word: 'NS' },
    { word: 'A' },
    { word: 'AAAA' },
    { word: 'CNAME' },
    { word: 'MX' },
    { word: 'TXT' },
    { word: 'PTR' },
    { word: 'SRV' },
  ],
  monarch: {
    types: TYPES,
    tokenizer: {
      root: [
        [/;.*$/, 'comment'],
        [/\$(ORIGIN|TTL|INCLUDE|GENERATE)\b/, 'keyword.directive'],
        [/"([^"\\]|\\.)*"/, 'string'],
        [/[()]/, 'delimiter.parenthesis'],
        [/@/, 'keyword.origin'],
        [/\b\d{1,3}(\.\d{1,3}){3}\b/, 'number.address'],
        [/\b\d+[smhdwSMHDW]?\b/, 'number'],
        [/\bIN\b/, 'keyword'],
        [/[A-Za-z0-9*_][\w.-]*\.?/, { cases: { '@types': 'type', '@default': 'identifier' } }],
      ],
    },
  },
};
