// Text helpers of the packet panes: hex dump lines, tree labels, byte counts, file saving.
import { formatFieldValue, lookupField, type ProtoNode } from '../../../../src-shared/net/dissect';

const HEX = '0123456789abcdef';

export function hex2(b: number): string {
  return HEX[b >> 4] + HEX[b & 15];
}

export function offsetLabel(n: number, digits = 4): string {
  return n.toString(16).padStart(digits, '0');
}

/** Printable ASCII as Wireshark shows it: other bytes as '.'. */
export function asciiChar(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
}

/** Wireshark's tree text: generated items in [brackets]. */
export function nodeText(n: ProtoNode): string {
  if (n.generated && !n.label.startsWith('[')) return `[${n.label}]`;
  return n.label;
}

/** The `xxd`-like dump of Follow Stream's Hex Dump mode. */
export function hexDump(data: Uint8Array, base = 0): string {
  let out = '';
  for (let o = 0; o < data.length; o += 16) {
    let h = '';
    let a = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) h += ' ';
      if (o + i < data.length) {
        h += hex2(data[o + i]) + ' ';
        a += asciiChar(data[o + i]);
      } else h += '   ';
    }
    out += `${offsetLabel(base + o, 8)}  ${h} ${a}\n`;
  }
  return out;
}

/** Follow Stream's ASCII mode: printable text and line breaks, other bytes as '.'. */
export function asciiText(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    s += b === 0x0a || b === 0x0d || b === 0x09 ? String.fromCharCode(b) : asciiChar(b);
  }
  return s;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Offers bytes as a file download (serve mode: the browser saves it). */
export function downloadBytes(bytes: Uint8Array, name: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Key of a tree node for remembering what is expanded: its field path from the root. */
export function nodeKey(path: readonly ProtoNode[]): string {
  return path.map((n) => n.field).join('>');
}

/** Wireshark's "Apply as Filter → Selected": `field == value` for a tree item (or just the field). */
export function filterFor(n: ProtoNode): string | null {
  const info = lookupField(n.field);
  if (!info) return null;
  const v = n.value;
  if (v === undefined || info.type === 'protocol' || info.type === 'none' || info.type === 'time' || n.expert) return n.field;
  if (info.type === 'string') return `${n.field} == ${JSON.stringify(String(v))}`;
  if (info.type === 'bool') return `${n.field} == ${v ? 1 : 0}`;
  // Byte fields as Wireshark's Apply as Filter writes them: colon-separated (01:01:06).
  if (info.type === 'bytes' && v instanceof Uint8Array) return v.length ? `${n.field} == ${colonHex(v)}` : n.field;
  return `${n.field} == ${formatFieldValue(info, v)}`;
}

function colonHex(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i++) out += (i ? ':' : '') + (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return out;
}
