import { describe, it, expect } from 'vitest';
import { asciiText, hexDump, nodeText, toBase64 } from './packet-format';

describe('packet text helpers', () => {
  it('dumps bytes like Wireshark Follow Stream hex mode', () => {
    const bytes = new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n');
    expect(hexDump(bytes).split('\n')[0]).toBe('00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1..');
    expect(hexDump(bytes).split('\n')[1]).toBe('00000010  48 6f 73 74 3a 20 78 0d  0a                       Host: x..');
  });

  it('keeps line breaks in ASCII mode and dots other control bytes', () => {
    expect(asciiText(new Uint8Array([0x41, 0x0d, 0x0a, 0x00, 0xff, 0x42]))).toBe('A\r\n..B');
  });

  it('brackets generated items', () => {
    expect(nodeText({ field: 'tcp.stream', label: 'Stream index: 0', offset: 0, length: 0, generated: true })).toBe('[Stream index: 0]');
    expect(nodeText({ field: 'tcp.srcport', label: 'Source Port: 80', offset: 34, length: 2 })).toBe('Source Port: 80');
  });

  it('encodes base64 in chunks', () => {
    const big = new Uint8Array(70_000).map((_, i) => i & 255);
    expect(Buffer.from(toBase64(big), 'base64').equals(Buffer.from(big))).toBe(true);
  });
});
