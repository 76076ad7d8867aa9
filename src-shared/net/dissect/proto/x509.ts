// X.509 certificates inside TLS Certificate messages (x509af/x509sat/x509ce as tshark shows them).
import type { FieldInfo } from '../types';
import type { DissectSession } from '../session';
import type { Packet } from '../packet';

export const X509_FIELDS: FieldInfo[] = [];

export function dissectCertificate(_p: Packet, _s: DissectSession, _b: Uint8Array, _off: number, _end: number): void {}
