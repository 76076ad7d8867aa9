// The Echo protocol (RFC 862) on UDP and TCP port 7, as Wireshark's packet-echo shows it: ECHO in
// the Protocol column, "Request" toward port 7 and "Response" from it, the data as bytes.
import type { FieldInfo } from '../types';
import type { DatagramProtocol, DissectSession, StreamProtocol } from '../session';
import type { Packet } from '../packet';
import { field, protoField } from '../registry';

export const ECHO_PORT = 7;

export const ECHO_FIELDS: FieldInfo[] = [
  protoField('echo', 'Echo'),
  field('echo.data', 'Echo data', 'bytes'),
  field('echo.request', 'Echo request', 'bool'),
  field('echo.response', 'Echo response', 'bool'),
];

function dissectEcho(p: Packet, s: DissectSession, b: Uint8Array, off: number, end: number): void {
  end = Math.min(end, b.length);
  const request = s.net.dstPort === ECHO_PORT;
  p.proto('echo', off, end - off);
  // tshark keeps the direction as a hidden item at the start of the data.
  p.add(request ? 'echo.request' : 'echo.response', off, 0, true);
  if (end > off && p.want('echo.data')) p.add('echo.data', off, end - off, b.slice(off, end));
  p.close();
  if (p.columns && !s.net.inError) {
    p.setProtocol('ECHO');
    p.setInfo(request ? 'Request' : 'Response');
  }
}

export const echoDatagram: DatagramProtocol = { name: 'echo', dissect: dissectEcho };

export const echoStream: StreamProtocol = {
  name: 'echo',
  dissect(p, s, b, off, end) {
    dissectEcho(p, s, b, off, end);
    return end - off;
  },
};
