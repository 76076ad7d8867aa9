// NSS key log format (what SSLKEYLOGFILE writes and Wireshark's tls.keylog_file reads), also the
// payload of a pcapng Decryption Secrets Block with secrets type 0x544c534b ("TLSK").
import { toHex } from './bytes';

export type KeyLogLabel =
  | 'CLIENT_EARLY_TRAFFIC_SECRET'
  | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
  | 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
  | 'CLIENT_TRAFFIC_SECRET_0'
  | 'SERVER_TRAFFIC_SECRET_0'
  | 'EXPORTER_SECRET';

export interface KeyLogEntry {
  label: KeyLogLabel;
  clientRandom: Uint8Array;
  secret: Uint8Array;
}

export function keyLogLine(e: KeyLogEntry): string {
  return `${e.label} ${toHex(e.clientRandom)} ${toHex(e.secret)}`;
}

/** Collects the secrets of every connection in the order they were derived. */
export class KeyLog {
  readonly entries: KeyLogEntry[] = [];

  add(label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array): void {
    this.entries.push({ label, clientRandom: clientRandom.slice(), secret: secret.slice() });
  }

  /** The whole file: one line per secret, each ending in '\n'. */
  text(): string {
    return this.entries.map((e) => keyLogLine(e) + '\n').join('');
  }

  bytes(): Uint8Array {
    return new TextEncoder().encode(this.text());
  }
}
