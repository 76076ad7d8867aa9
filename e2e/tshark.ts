// The real tshark (and editcap) as the judge of the captures the app exports. A missing tool is a
// failure, never a skip: CI installs Wireshark's command-line tools.
import { execFileSync } from 'node:child_process';

/** Checksums verified, as Wireshark does when asked to (off by default). */
export const CHECK_CHECKSUMS = ['-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE'];

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new Error(`${tool} is not installed (apt-get install tshark): the end-to-end test needs it`);
    throw new Error(`${tool} ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

/** Throws (failing the test) when tshark cannot run. */
export function requireTshark(): string {
  return run('tshark', ['-v']).split('\n')[0];
}

/** `tshark -r file -Y filter -T fields -e …`: one array of values per displayed frame. */
export function fields(file: string, filter: string, names: readonly string[], options: readonly string[] = []): string[][] {
  const args = ['-r', file, ...options, '-Y', filter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const n of names) args.push('-e', n);
  return run('tshark', args)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** Like `fields`, each frame as a record by field name (several occurrences joined by commas). */
export function table(file: string, filter: string, names: readonly string[], options: readonly string[] = []): Record<string, string>[] {
  return fields(file, filter, names, options).map((values) => Object.fromEntries(names.map((n, i) => [n, values[i] ?? ''])));
}

/** Frame numbers tshark displays for `filter`, in order. */
export function frameNumbers(file: string, filter: string, options: readonly string[] = []): number[] {
  return fields(file, filter, ['frame.number'], options).map(([n]) => Number(n));
}

/** `tshark -T json -x` of one frame: its layers with every field's raw bytes and offset. */
export function frameJson(file: string, frame: number): Record<string, unknown> {
  const out = JSON.parse(run('tshark', ['-r', file, '-Y', `frame.number == ${frame}`, '-T', 'json', '-x'])) as { _source: { layers: Record<string, unknown> } }[];
  if (out.length !== 1) throw new Error(`tshark shows ${out.length} frames numbered ${frame} in ${file}`);
  return out[0]._source.layers;
}

/** A field's `[hex, offset, length, …]` from `-T json -x`, searched anywhere in a layer tree. */
export function rawField(tree: unknown, name: string): { hex: string; offset: number; length: number } | null {
  if (!tree || typeof tree !== 'object') return null;
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    if (key === `${name}_raw` && Array.isArray(value)) return { hex: String(value[0]), offset: Number(value[1]), length: Number(value[2]) };
    const inner = rawField(value, name);
    if (inner) return inner;
  }
  return null;
}

/** A copy of a pcapng without its decryption secrets (editcap --discard-all-secrets). */
export function withoutSecrets(file: string, out: string): void {
  run('editcap', ['--discard-all-secrets', file, out]);
}

/** A DNS name in wire format (RFC 1035 §3.1: length-prefixed labels, then the root's zero), as hex. */
export function dnsWireName(name: string): string {
  const labels = name.replace(/\.$/, '').split('.').filter(Boolean);
  let hex = '';
  for (const label of labels) {
    const bytes = new TextEncoder().encode(label);
    if (bytes.length > 63) throw new Error(`DNS label longer than 63 bytes: ${label}`);
    hex += bytes.length.toString(16).padStart(2, '0');
    for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  }
  return hex + '00';
}
