// tshark-style one-line summaries and `-T fields` rows for dissected frames.
import type { Packet } from './packet';
import { formatFieldValue } from './format';
import { lookupField } from './registry';
import type { FieldInfo } from './types';

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = '0' + s;
  return s;
}

/** Relative time with the file's precision (6 digits for µs files, 9 for ns). */
export function formatRelTime(sec: number, ns: number, digits: number): string {
  if (digits <= 0) return String(sec);
  const frac = digits >= 9 ? ns : Math.floor(ns / 10 ** (9 - digits));
  return `${sec}.${pad(frac, digits)}`;
}

function padStart(s: string, w: number): string {
  return s.length >= w ? s : ' '.repeat(w - s.length) + s;
}

function padEnd(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** `    1 0.000000000    127.0.0.1 → 127.0.0.1    DNS 99 Standard query …` like `tshark -r`. */
export function summaryLine(p: Packet, timeDigits: number): string {
  const num = padStart(String(p.number), 5);
  const time = padStart(formatRelTime(p.relSec, p.relNs, timeDigits), 10);
  const src = padStart(p.source(), 12);
  const dst = padEnd(p.destination(), 12);
  return `${num} ${time} ${src} → ${dst} ${p.protocol} ${p.length} ${p.info}`;
}

export interface FieldColumn {
  name: string;
  info: FieldInfo | undefined;
}

export function fieldColumns(names: readonly string[]): FieldColumn[] {
  return names.map((name) => ({ name, info: lookupField(name) }));
}

/** One `tshark -T fields` row: values of a field joined by ',', fields by tab. */
export function fieldsRow(p: Packet, columns: readonly FieldColumn[]): string {
  let row = '';
  for (let i = 0; i < columns.length; i++) {
    if (i) row += '\t';
    const c = columns[i];
    const values = p.values(c.name);
    for (let j = 0; j < values.length; j++) {
      if (j) row += ',';
      row += formatFieldValue(c.info, values[j]);
    }
  }
  return row;
}
