// The ISC dhcpd.conf subset PacketLab reads, as a Monaco language.
import type { TableLanguage } from './types';

export const dhcpdLanguage: TableLanguage = {
  id: 'packetlab-dhcpd',
  table: 'dhcpd',
  lineComment: '#',
  keywords: [
    { word: 'subnet', doc: '**subnet** NETWORK **netmask** MASK { … } — a network this server hands out addresses on.', snippet: 'subnet ${1:192.168.1.0} netmask ${2:255.255.255.0} {\n  range ${3:192.168.1.100} ${4:192.168.1.199};\n  option routers ${5:192.168.1.1};\n}' },
    { word: 'netmask', doc: '**netmask** MASK — the subnet mask, e.g. 255.255.255.0.' },
    { word: 'range', doc: '**range** FIRST LAST; — the pool of addresses to lease.' },
    { word: 'option', doc: '**option** NAME VALUE; — a DHCP option sent to clients (routers, domain-name-servers, domain-name, …).' },
    { word: 'routers', doc: 'option **routers** ADDRESS; — the default gateway (DHCP option 3).' },
    { word: 'domain-name-servers', doc: 'option **domain-name-servers** ADDRESS[, ADDRESS]; — DNS resolvers (option 6).' },
    { word: 'domain-name', doc: 'option **domain-name** "example.com"; — the search domain (option 15).' },
    { word: 'subnet-mask', doc: 'option **subnet-mask** MASK; — sent as option 1 (defaults to the subnet’s mask).' },
    { word: 'broadcast-address', doc: 'option **broadcast-address** ADDRESS; — option 28.' },
    { word: 'default-lease-time', doc: '**default-lease-time** SECONDS; — lease length when the client asks for none.' },
    { word: 'max-lease-time', doc: '**max-lease-time** SECONDS; — the longest lease granted.' },
    { word: 'host', doc: '**host** NAME { hardware ethernet MAC; fixed-address ADDRESS; } — a static reservation.', snippet: 'host ${1:pc1} {\n  hardware ethernet ${2:02:00:00:00:00:01};\n  fixed-address ${3:192.168.1.10};\n}' },
    { word: 'hardware', doc: '**hardware ethernet** MAC; — the client’s MAC address.' },
    { word: 'ethernet', doc: 'hardware **ethernet** MAC;' },
    { word: 'fixed-address', doc: '**fixed-address** ADDRESS; — the address reserved for this host.' },
    { word: 'authoritative', doc: '**authoritative;** — answer DHCPNAK to clients asking for addresses that are wrong here.' },
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
