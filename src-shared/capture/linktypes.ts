// LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) that PacketLab knows by name.

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

const NAMES: Readonly<Record<number, string>> = {
  [LINKTYPE_NULL]: 'BSD loopback',
  [LINKTYPE_ETHERNET]: 'Ethernet',
  [LINKTYPE_RAW]: 'Raw IP',
  [LINKTYPE_LINUX_SLL]: 'Linux cooked-mode capture v1',
  [LINKTYPE_IPV4]: 'Raw IPv4',
  [LINKTYPE_IPV6]: 'Raw IPv6',
  [LINKTYPE_LINUX_SLL2]: 'Linux cooked-mode capture v2',
};

/** A human name for a link type, or `LINKTYPE n` for ones PacketLab does not know. */
export function linkTypeName(linkType: number): string {
  return NAMES[linkType] ?? `LINKTYPE ${linkType}`;
}

/** Whether PacketLab's dissectors understand frames of this link type. */
export function isKnownLinkType(linkType: number): boolean {
  return NAMES[linkType] !== undefined;
}
