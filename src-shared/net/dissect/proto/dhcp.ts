// DHCP / BOOTP (RFC 2131/2132): fixed header and options.
import type { FieldInfo } from '../types';
import type { DatagramProtocol } from '../session';
import { field, hexField, protoField, uintField } from '../registry';
import { ascii, CaptureLimited, need, u16, u32 } from '../bytes';

const MSG_TYPES: Record<number, string> = { 1: 'Discover', 2: 'Offer', 3: 'Request', 4: 'Decline', 5: 'ACK', 6: 'NAK', 7: 'Release', 8: 'Inform' };

export const DHCP_FIELDS: FieldInfo[] = [
  protoField('dhcp', 'Dynamic Host Configuration Protocol'),
  uintField('dhcp.type', 'Message type', 8, { 1: 'Boot Request', 2: 'Boot Reply' }),
  uintField('dhcp.hw.type', 'Hardware type', 8, { 1: 'Ethernet' }),
  uintField('dhcp.hw.len', 'Hardware address length', 8),
  uintField('dhcp.hops', 'Hops', 8),
  hexField('dhcp.id', 'Transaction ID', 32),
  uintField('dhcp.secs', 'Seconds elapsed', 16),
  hexField('dhcp.flags', 'Bootp flags', 16),
  field('dhcp.flags.bc', 'Broadcast flag', 'bool'),
  field('dhcp.ip.client', 'Client IP address', 'ipv4'),
  field('dhcp.ip.your', "Your (client) IP address", 'ipv4'),
  field('dhcp.ip.server', 'Next server IP address', 'ipv4'),
  field('dhcp.ip.relay', 'Relay agent IP address', 'ipv4'),
  field('dhcp.hw.mac_addr', 'Client MAC address', 'ether'),
  field('dhcp.server', 'Server host name', 'string'),
  field('dhcp.file', 'Boot file name', 'string'),
  hexField('dhcp.cookie', 'Magic cookie', 32),
  uintField('dhcp.option.type', 'Option', 8),
  uintField('dhcp.option.length', 'Length', 8),
  uintField('dhcp.option.dhcp', 'DHCP', 8, MSG_TYPES),
  field('dhcp.option.subnet_mask', 'Subnet Mask', 'ipv4'),
  field('dhcp.option.router', 'Router', 'ipv4'),
  field('dhcp.option.domain_name_server', 'Domain Name Server', 'ipv4'),
  field('dhcp.option.hostname', 'Host Name', 'string'),
  field('dhcp.option.domain_name', 'Domain Name', 'string'),
  field('dhcp.option.broadcast_address', 'Broadcast Address', 'ipv4'),
  field('dhcp.option.requested_ip_address', 'Requested IP Address', 'ipv4'),
  uintField('dhcp.option.ip_address_lease_time', 'IP Address Lease Time', 32),
  field('dhcp.option.dhcp_server_id', 'DHCP Server Identifier', 'ipv4'),
  uintField('dhcp.option.request_list_item', 'Parameter Request List Item', 8),
  uintField('dhcp.option.dhcp_max_message_size', 'Maximum DHCP Message Size', 16),
  uintField('dhcp.option.renewal_time_value', 'Renewal Time Value', 32),
  uintField('dhcp.option.rebinding_time_value', 'Rebinding Time Value', 32),
  field('dhcp.option.vendor_class_id', 'Vendor class identifier', 'string'),
  uintField('dhcp.option.end', 'Option End', 8),
  field('dhcp.option.padding', 'Padding', 'bytes'),
];

const IP_LIST: Record<number, string> = { 1: 'dhcp.option.subnet_mask', 3: 'dhcp.option.router', 6: 'dhcp.option.domain_name_server', 28: 'dhcp.option.broadcast_address', 50: 'dhcp.option.requested_ip_address', 54: 'dhcp.option.dhcp_server_id' };
const U32_OPTS: Record<number, string> = { 51: 'dhcp.option.ip_address_lease_time', 58: 'dhcp.option.renewal_time_value', 59: 'dhcp.option.rebinding_time_value' };
const STR_OPTS: Record<number, string> = { 12: 'dhcp.option.hostname', 15: 'dhcp.option.domain_name', 60: 'dhcp.option.vendor_class_id' };

export const dhcpDatagram: DatagramProtocol = {
  name: 'dhcp',
  dissect(p, s, b, off, end) {
    if (off + 236 > b.length && off + 236 <= end) {
      // Cut by the snaplen: tshark names the layer (BOOTP) before it reads the header.
      p.proto('dhcp', off, Math.max(0, b.length - off));
      p.close();
      if (p.columns && !s.net.inError) {
        // Info as far as the captured bytes go: a reply says so at once, a request names its client.
        const mac = off + 34 <= b.length ? Array.from(b.subarray(off + 28, off + 34), (x) => x.toString(16).padStart(2, '0')).join(':') : '';
        p.setProtocol('BOOTP');
        p.setInfo(off + 4 <= b.length && b[off] === 2 ? 'Boot Reply' : mac ? `Boot Request from ${mac} (${mac})` : '');
      }
      throw new CaptureLimited();
    }
    need(b, off, 236, end);
    p.proto('dhcp', off, end - off);
    const op = b[off];
    const xid = u32(b, off + 4);
    p.add('dhcp.type', off, 1, op);
    p.add('dhcp.hw.type', off + 1, 1, b[off + 1]);
    p.add('dhcp.hw.len', off + 2, 1, b[off + 2]);
    p.add('dhcp.hops', off + 3, 1, b[off + 3]);
    p.add('dhcp.id', off + 4, 4, xid);
    p.add('dhcp.secs', off + 8, 2, u16(b, off + 8));
    const flags = u16(b, off + 10);
    p.add('dhcp.flags', off + 10, 2, flags);
    p.add('dhcp.flags.bc', off + 10, 2, (flags & 0x8000) !== 0);
    p.add('dhcp.ip.client', off + 12, 4, u32(b, off + 12));
    p.add('dhcp.ip.your', off + 16, 4, u32(b, off + 16));
    p.add('dhcp.ip.server', off + 20, 4, u32(b, off + 20));
    p.add('dhcp.ip.relay', off + 24, 4, u32(b, off + 24));
    if (b[off + 1] === 1 && b[off + 2] === 6 && p.want('dhcp.hw.mac_addr')) p.add('dhcp.hw.mac_addr', off + 28, 6, b.slice(off + 28, off + 34));
    if (p.tree) {
      p.add('dhcp.server', off + 44, 64, cstr(b, off + 44, off + 108));
      p.add('dhcp.file', off + 108, 128, cstr(b, off + 108, off + 236));
    }
    let msgType = -1;
    let o = off + 236;
    if (o + 4 <= end && u32(b, o) === 0x63825363) {
      p.add('dhcp.cookie', o, 4, 0x63825363);
      o += 4;
      let guard = 0;
      while (o < end && guard++ < 512) {
        const code = b[o];
        if (code === 0) {
          let q = o;
          while (q < end && b[q] === 0) q++;
          if (p.want('dhcp.option.padding')) p.add('dhcp.option.padding', o, q - o, b.slice(o, q));
          o = q;
          continue;
        }
        if (code === 255) {
          p.open('dhcp.option', o, 1, 'Option: (255) End');
          p.add('dhcp.option.end', o, 1, 255);
          p.close();
          o++;
          // trailing zero padding after End
          if (o < end && p.want('dhcp.option.padding')) p.add('dhcp.option.padding', o, end - o, b.slice(o, end));
          break;
        }
        need(b, o, 2, end);
        const len = b[o + 1];
        need(b, o + 2, len, end);
        const v = o + 2;
        p.open('dhcp.option', o, len + 2, `Option: (${code})`);
        p.add('dhcp.option.type', o, 1, code);
        p.add('dhcp.option.length', o + 1, 1, len);
        if (code === 53 && len >= 1) {
          msgType = b[v];
          p.add('dhcp.option.dhcp', v, 1, msgType);
        } else if (IP_LIST[code]) {
          for (let i = v; i + 4 <= v + len; i += 4) p.add(IP_LIST[code], i, 4, u32(b, i));
        } else if (U32_OPTS[code] && len === 4) {
          p.add(U32_OPTS[code], v, 4, u32(b, v));
        } else if (STR_OPTS[code]) {
          if (p.want(STR_OPTS[code])) p.add(STR_OPTS[code], v, len, ascii(b, v, v + len));
        } else if (code === 55) {
          for (let i = v; i < v + len; i++) p.add('dhcp.option.request_list_item', i, 1, b[i]);
        } else if (code === 57 && len === 2) {
          p.add('dhcp.option.dhcp_max_message_size', v, 2, u16(b, v));
        }
        p.close();
        o = v + len;
      }
    }
    p.close();
    if (p.columns && !s.net.inError) {
      p.setProtocol(msgType >= 0 ? 'DHCP' : 'BOOTP');
      if (msgType >= 0) p.setInfo(`DHCP ${(MSG_TYPES[msgType] ?? 'Unknown').padEnd(8)} - Transaction ID 0x${xid.toString(16)}`);
      else p.setInfo(`${op === 1 ? 'Boot Request' : 'Boot Reply'} from ${Array.from(b.subarray(off + 28, off + 34), (x) => x.toString(16).padStart(2, '0')).join(':')}`);
    }
  },
};

function cstr(b: Uint8Array, off: number, end: number): string {
  let e = off;
  while (e < end && b[e] !== 0) e++;
  return e === off ? '' : ascii(b, off, e);
}
