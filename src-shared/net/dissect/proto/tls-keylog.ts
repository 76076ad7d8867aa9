// NSS key log files (SSLKEYLOGFILE; what Wireshark's tls.keylog_file and a pcapng Decryption
// Secrets Block carry): "LABEL <client_random hex> <secret hex>" per line, '#' comments.
// Bad lines are reported with their line number and skipped; they never stop a dissection.

export type KeyLogLabel =
  | 'CLIENT_RANDOM'
  | 'CLIENT_EARLY_TRAFFIC_SECRET'
  | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
  | 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
  | 'CLIENT_TRAFFIC_SECRET_0'
  | 'SERVER_TRAFFIC_SECRET_0'
  | 'EARLY_EXPORTER_SECRET'
  | 'EXPORTER_SECRET';

const LABELS: ReadonlySet<string> = new Set<KeyLogLabel>([
  'CLIENT_RANDOM',
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EARLY_EXPORTER_SECRET',
  'EXPORTER_SECRET',
]);

/** Labels Wireshark also reads but PacketLab does not use (RSA pre-master secrets, session ids). */
const IGNORED: ReadonlySet<string> = new Set(['RSA', 'PMS_CLIENT_RANDOM', 'RSA Session-ID:', 'RSA Session-ID']);

export type ConnectionSecrets = Partial<Record<KeyLogLabel, Uint8Array>>;

export interface KeyLogError {
  /** Where the text came from (a file name, "DSB #1"), as given to add(). */
  source: string;
  /** 1-based line number. */
  line: number;
  message: string;
}

function parseHex(s: string): Uint8Array | null {
  if (s.length % 2 !== 0) return null;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(s.charCodeAt(2 * i));
    const lo = hexDigit(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Secrets by client random (lower-case hex), gathered from any number of key logs. */
export class TlsKeyLog {
  private readonly byRandom = new Map<string, ConnectionSecrets>();
  readonly errors: KeyLogError[] = [];
  /** Bumped by every add() that taught something new (decrypting sessions retry lookups). */
  version = 0;

  /** Adds the lines of one key log. Returns the number of secrets it held. */
  add(text: string, source = 'key log'): number {
    let count = 0;
    let lineNo = 0;
    for (const raw of text.split('\n')) {
      lineNo++;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const parts = line.split(/\s+/);
      const label = parts[0];
      if (IGNORED.has(label)) continue;
      const fail = (message: string): void => {
        if (this.errors.length < 1000) this.errors.push({ source, line: lineNo, message });
      };
      if (!LABELS.has(label)) {
        fail(`unknown label "${label.slice(0, 40)}"`);
        continue;
      }
      if (parts.length !== 3) {
        fail(`${label}: expected "${label} <client random> <secret>", got ${parts.length} fields`);
        continue;
      }
      const random = parseHex(parts[1]);
      if (!random || random.length !== 32) {
        fail(`${label}: the client random must be 64 hex digits`);
        continue;
      }
      const secret = parseHex(parts[2]);
      const okLength = label === 'CLIENT_RANDOM' ? secret?.length === 48 : secret !== null && (secret.length === 32 || secret.length === 48 || secret.length === 64);
      if (!secret || !okLength) {
        fail(`${label}: the secret must be ${label === 'CLIENT_RANDOM' ? '96' : '64 or 96'} hex digits`);
        continue;
      }
      const key = parts[1].toLowerCase();
      let entry = this.byRandom.get(key);
      if (!entry) this.byRandom.set(key, (entry = {}));
      entry[label as KeyLogLabel] = secret;
      count++;
    }
    if (count > 0) this.version++;
    return count;
  }

  /** Secrets of the connection whose ClientHello carried `clientRandom` (32 bytes). */
  get(clientRandom: Uint8Array): ConnectionSecrets | undefined {
    let key = '';
    for (let i = 0; i < clientRandom.length; i++) key += (clientRandom[i] < 16 ? '0' : '') + clientRandom[i].toString(16);
    return this.byRandom.get(key);
  }

  get size(): number {
    return this.byRandom.size;
  }
}
