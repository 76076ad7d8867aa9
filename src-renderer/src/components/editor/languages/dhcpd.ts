// The ISC dhcpd.conf subset PacketLab reads, as a Monaco language.
import type { TableLanguage } from './types';

export const dhcpdLanguage: TableLanguage = {
  id: 'packetlab-dhcpd',
  table: 'dhcpd',
  lineComment: '#',
  keywords: [
    { word: 'subnet', snippet: 'subnet ${1:192.168.1.0} netmask ${2:255.255.255.0} {\n  range ${3:192.168.1.100} ${4:192.168.1.199};\n  option routers ${5:192.168.1.1};\n}' },
    { word: 'netmask' },
    { word: 'range' },
    { word: 'option' },
    { word: 'routers' },
    { word: 'domain-name-servers' },
    { word: 'domain-name' },
    { word: 'subnet-mask' },
    { word: 'broadcast-address' },
    { word: 'default-lease-time' },
    { word: 'max-lease-time' },
    { word: 'host', snippet: 'host ${1:pc1} {\n  hardware ethernet ${2:02:00:00:00:00:01};\n  fixed-address ${3:192.168.1.10};\n}' },
    { word: 'hardware' },
    { word: 'ethernet' },
    { word: 'fixed-address' },
    { word: 'authoritative' },
  ],
  monarch: {
    keywords: ['subnet', 'netmask', 'range', 'option', 'host', 'hardware', 'ethernet', 'fixed-address', 'authoritative', 'default-lease-time', 'max-lease-time', 'shared-network', 'group', 'pool'],
    options: ['routers', 'domain-name-servers', 'domain-name', 'subnet-mask', 'broadcast-address', 'ntp-servers', 'host-name'],
    tokenizer: {
      root: [
        [/#.*$/, 'comment'],
        [/"([^"\\]|\\.)*"/, 'string'],
        [/[{}]/, 'delimiter.bracket'],
        [/;/, 'delimiter'],
        [/[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}/, 'number.mac'],
        [/\d{1,3}(\.\d{1,3}){3}/, 'number.address'],
        [/\b\d+\b/, 'number'],
        [/[a-zA-Z][\w-]*/, { cases: { '@keywords': 'keyword', '@options': 'type', '@default': 'identifier' } }],
      ],
    },
  },
};
