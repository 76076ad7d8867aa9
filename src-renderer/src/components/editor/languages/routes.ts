// iproute2 routes (`ip route` syntax) as a Monaco language.
import type { TableLanguage } from './types';

export const routesLanguage: TableLanguage = {
  id: 'packetlab-routes',
  table: 'routes',
  lineComment: '#',
  keywords: [
    { word: 'default', snippet: 'default via ${1:192.168.1.1} dev ${2:eth0}' },
    { word: 'via' },
    { word: 'dev' },
    { word: 'metric' },
    { word: 'proto' },
    { word: 'scope' },
    { word: 'src' },
    { word: 'blackhole' },
    { word: 'unreachable' },
    { word: 'prohibit' },
    { word: 'unicast' },
    { word: 'kernel' },
    { word: 'static' },
    { word: 'linkstate' },
    { word: 'dhcp' },
    { word: 'link' },
    { word: 'host' },
    { word: 'global' },
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
