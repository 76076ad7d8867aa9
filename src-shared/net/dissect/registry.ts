// The field registry: every field any dissector can add, declared as data (Wireshark's
// header_field_info). Display filters and `-e` formatting look fields up here.
import type { DisplayBase, FieldInfo, FieldType, FieldValue } from './types';
import { displayValue } from './format';

const fields = new Map<string, FieldInfo>();

export function registerFields(list: readonly FieldInfo[]): void {
  for (const f of list) fields.set(f.name, f);
}

export function lookupField(name: string): FieldInfo | undefined {
  return fields.get(name);
}

export function allFields(): IterableIterator<FieldInfo> {
  return fields.values();
}

export function fieldLabel(name: string, value: FieldValue | undefined): string {
  const info = fields.get(name);
  if (!info) return name;
  if (value === undefined || info.type === 'protocol' || info.type === 'none') return info.label;
  return `${info.label}: ${displayValue(info, value)}`;
}

/** Compact declaration helper: field('udp.srcport', 'Source Port', 'uint', { bits: 16 }). */
export function field(
  name: string,
  label: string,
  type: FieldType,
  extra?: { base?: DisplayBase; bits?: number; bitmask?: number; valueNames?: Readonly<Record<number, string>> },
): FieldInfo {
  const info: FieldInfo = { name, label, type };
  if (extra) Object.assign(info, extra);
  if ((type === 'uint' || type === 'int') && info.base === undefined) info.base = 'dec';
  return info;
}

/** Unsigned integer shown in hex, e.g. eth.type 0x0800 (bits sets the zero padding). */
export function hexField(name: string, label: string, bits: number, valueNames?: Readonly<Record<number, string>>, bitmask?: number): FieldInfo {
  return field(name, label, 'uint', { base: 'hex', bits, valueNames, bitmask });
}

export function uintField(name: string, label: string, bits: number, valueNames?: Readonly<Record<number, string>>): FieldInfo {
  return field(name, label, 'uint', { bits, valueNames });
}

export function protoField(name: string, label: string): FieldInfo {
  return field(name, label, 'protocol');
}
