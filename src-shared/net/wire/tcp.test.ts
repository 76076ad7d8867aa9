import { describe, expect, it } from 'vitest';
import { ipv4 } from '../addr/ipv4';
import { TCP_ACK, TCP_DUP_ACK_SACK, TCP_HTTP_GET, TCP_SYN, TCP_SYN_ACK } from './fixtures/tcp-frames';
import { parseIpv4 } from './ipv4';
import {
  emitTcp,
  formatTcpFlags,
  parseTcp,
  tcpSequenceLength,
  TcpFlags,
  verifyTcpChecksum,
  walkTcpOptions,
  type TcpParsed,
} from './tcp';

const client = ipv4('203.0.113.170');
const server = ipv4('203.0.113.130');
const up = { src: client, dst: server };
const down = { src: server, dst: client };

function segment(frame: Uint8Array) {
  const ip = parseIpv4(frame, 14);
  if (!ip.ok) throw new Error(ip.error.message);
  const t = parseTcp(frame, ip.payloadOffset, ip.payloadLength);
  if (!t.ok) throw new Error(t.error.message);
  return { ...t, ipPayloadLength: ip.payloadLength };
}

/** The repr without parse-only fields, as an engine would build it. */
function fieldsOf(r: TcpParsed) {
  const { headerLength: _h, checksum: _c, optionBytes: _o, optionsError: _e, ...fields } = r;
  return fields;
}

describe('TCP', () => {
  it('deconstructs a real SYN (tcp-retransmissions.pcapng frame 1)', () => {
    const s = segment(TCP_SYN);
    expect(s.repr).toMatchObject({
      srcPort: 55310,
      dstPort: 8080,
      seq: 0xf5aa1cf4,
      ack: 0,
      flags: TcpFlags.SYN,
      window: 64240,
      urgentPointer: 0,
      headerLength: 40,
      checksum: 0xa0bf,
      mss: 1460,
      sackPermitted: true,
      windowScale: 10,
      timestamp: { value: 1508691700, echo: 0 },
    });
    expect(s.repr.optionsError).toBeUndefined();
    expect(s.repr.sackBlocks).toBeUndefined();
    expect(s.payloadLength).toBe(0);
    expect(verifyTcpChecksum(TCP_SYN, 34, 40, up)).toBe(true);
  });

  it('deconstructs a SACK block and a data segment', () => {
    const d = segment(TCP_DUP_ACK_SACK);
    expect(d.repr.flags).toBe(TcpFlags.ACK);
    expect(d.repr.sackBlocks).toEqual([[0x718ef97a, 0x718eff22]]);
    expect(d.repr.timestamp).toEqual({ value: 1508691700, echo: 597674860 });
    const g = segment(TCP_HTTP_GET);
    expect(g.repr.flags).toBe(TcpFlags.PSH | TcpFlags.ACK);
    expect(g.payloadLength).toBe(95);
    expect(new TextDecoder().decode(TCP_HTTP_GET.subarray(g.payloadOffset, g.payloadOffset + 4))).toBe('GET ');
    expect(verifyTcpChecksum(TCP_HTTP_GET, 34, g.ipPayloadLength, up)).toBe(true);
    // Swapping addresses keeps the sum (it commutes); a different address does not.
    expect(verifyTcpChecksum(TCP_HTTP_GET, 34, g.ipPayloadLength, down)).toBe(true);
    expect(verifyTcpChecksum(TCP_HTTP_GET, 34, g.ipPayloadLength, { src: client, dst: server + 1 })).toBe(false);
  });

  it('constructs real segments byte for byte in Linux option order', () => {
    expect(
      emitTcp(
        {
          srcPort: 55310,
          dstPort: 8080,
          seq: 0xf5aa1cf4,
          flags: TcpFlags.SYN,
          window: 64240,
          mss: 1460,
          sackPermitted: true,
          timestamp: { value: 1508691700, echo: 0 },
          windowScale: 10,
        },
        new Uint8Array(0),
        up,
      ),
    ).toEqual(TCP_SYN.subarray(34));
    for (const [frame, ip] of [
      [TCP_SYN_ACK, down],
      [TCP_ACK, up],
      [TCP_HTTP_GET, up],
      [TCP_DUP_ACK_SACK, up],
    ] as const) {
      const s = segment(frame);
      const out = emitTcp(fieldsOf(s.repr), frame.subarray(s.payloadOffset, s.payloadOffset + s.payloadLength), ip);
      expect(out).toEqual(frame.subarray(34, 34 + s.ipPayloadLength));
    }
  });

  it('emits raw options verbatim and keeps unknown options', () => {
    const raw = Uint8Array.of(0x1e, 4, 0xab, 0xcd, 1); // kind 30 (MPTCP), then NOP
    const out = emitTcp({ srcPort: 1, dstPort: 2, flags: TcpFlags.ACK, rawOptions: raw }, new Uint8Array(0), up);
    expect(out.length).toBe(28);
    const p = parseTcp(out);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.repr.unknownOptions).toEqual([{ kind: 30, data: Uint8Array.of(0xab, 0xcd) }]);
    expect(walkTcpOptions(out, 20, 28).spans.map((s) => s.kind)).toEqual([30, 1, 0]);
    expect(verifyTcpChecksum(out, 0, out.length, up)).toBe(true);
    expect(() =>
      emitTcp({ srcPort: 1, dstPort: 2, rawOptions: new Uint8Array(41) }, new Uint8Array(0), up),
    ).toThrow(RangeError);
  });

  it('reports malformed headers and options without throwing', () => {
    const seg = TCP_SYN.slice(34);
    seg[12] = 0x40; // data offset 16
    expect(parseTcp(seg)).toMatchObject({ ok: false, error: { offset: 12 } });
    seg[12] = 0xf0; // 60 > 40 available
    expect(parseTcp(seg).ok).toBe(false);
    const badOpt = TCP_SYN.slice(34);
    badOpt[21] = 9; // MSS length 9 runs over the next options
    const b = parseTcp(badOpt);
    expect(b.ok && b.repr.optionsError).toMatch(/bad length|expected 4/);
    const wrongLen = TCP_SYN.slice(34);
    wrongLen[21] = 3; // MSS claims 3 bytes
    const w = parseTcp(wrongLen);
    expect(w.ok && w.repr.optionsError).toBeTruthy();
    for (let n = 0; n < 20; n++) expect(parseTcp(TCP_SYN, 34, n).ok).toBe(false);
  });

  it('formats flags as tshark does and counts sequence space', () => {
    expect(formatTcpFlags(0x012)).toBe('SYN, ACK');
    expect(formatTcpFlags(0x019)).toBe('FIN, PSH, ACK');
    expect(formatTcpFlags(0x0c2)).toBe('SYN, ECE, CWR');
    expect(tcpSequenceLength(TcpFlags.SYN, 0)).toBe(1);
    expect(tcpSequenceLength(TcpFlags.FIN | TcpFlags.ACK, 10)).toBe(11);
    expect(tcpSequenceLength(TcpFlags.ACK, 10)).toBe(10);
  });
});
