// /etc/hosts as a Monaco language.
import type { TableLanguage } from './types';

export const hostsLanguage: TableLanguage = {
  id: 'packetlab-hosts',
  table: 'hosts',
  lineComment: '#',
  keywords: [
    { word: 'localhost' },
  ],
  monarch: {
    tokenizer: {
      root: [
        [/#.*$/, 'comment'],
        [/^\s*\d{1,3}(\.\d{1,3}){3}/, 'number.address'],
        [/^\s*[0-9a-fA-F:]+:[0-9a-fA-F:]*/, 'number.address'],
        [/[A-Za-z0-9][\w.-]*/, 'identifier.name'],
      ],
    },
  },
};
