// BIND zone files (RFC 1035 master format) as a Monaco language.
import type { TableLanguage } from './types';

const TYPES = ['SOA', 'NS', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'PTR', 'SRV', 'CAA', 'DS', 'DNSKEY'];

export const zoneLanguage: TableLanguage = {
  id: 'packetlab-zone',
  table: 'zone',
  lineComment: ';',
  keywords: [
    { word: '$ORIGIN', doc: '**$ORIGIN** NAME. — the domain appended to names that do not end with a dot.', snippet: '\\$ORIGIN ${1:example.com}.' },
    { word: '$TTL', doc: '**$TTL** SECONDS — the default time to live of the records that follow.', snippet: '\\$TTL ${1:3600}' },
    { word: 'IN', doc: '**IN** — the Internet class (the only one in use).' },
    { word: 'SOA', doc: '**SOA** — start of authority: primary server, contact mailbox, serial, refresh, retry, expire, negative-caching TTL.', snippet: '@ IN SOA ${1:ns1} ${2:hostmaster} ( ${3:1} 3600 900 604800 300 )' },
    { word: 'NS', doc: '**NS** NAME — a name server for this zone (or, below the apex, a delegation).' },
    { word: 'A', doc: '**A** ADDRESS — an IPv4 address of the name.' },
    { word: 'AAAA', doc: '**AAAA** ADDRESS — an IPv6 address of the name.' },
    { word: 'CNAME', doc: '**CNAME** NAME — this name is an alias of another; resolvers follow it.' },
    { word: 'MX', doc: '**MX** PREFERENCE NAME — a mail exchanger; lower preference is tried first.' },
    { word: 'TXT', doc: '**TXT** "text" — free text (SPF, verification tokens, …).' },
    { word: 'PTR', doc: '**PTR** NAME — reverse mapping from an address (in in-addr.arpa) to a name.' },
    { word: 'SRV', doc: '**SRV** PRIORITY WEIGHT PORT TARGET — where a service runs.' },
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
