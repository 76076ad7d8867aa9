// Well-known transport port names (IANA service names, as tshark shows them in Info lines).
export const WELL_KNOWN_PORTS: Readonly<Record<number, string>> = {
  7: 'echo',
  20: 'ftp-data',
  21: 'ftp',
  22: 'ssh',
  23: 'telnet',
  25: 'smtp',
  53: 'domain',
  67: 'bootps',
  68: 'bootpc',
  69: 'tftp',
  80: 'http',
  110: 'pop3',
  123: 'ntp',
  143: 'imap',
  161: 'snmp',
  179: 'bgp',
  443: 'https',
  514: 'syslog',
  520: 'router',
  546: 'dhcpv6-client',
  547: 'dhcpv6-server',
  853: 'domain-s',
  3128: 'squid-http',
  5353: 'mdns',
  8080: 'http-alt',
};

export function portName(port: number): string | undefined {
  return WELL_KNOWN_PORTS[port];
}

/** Ports below 1024 need privilege on Unix; 49152–65535 is the IANA dynamic range. */
export function isEphemeralPort(port: number): boolean {
  return port >= 49152 && port <= 65535;
}
