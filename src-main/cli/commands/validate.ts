// `packetlab validate LAB`: checks a lab file and prints every problem as file:line:col: message.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatIssue, loadLabText } from '../../../src-shared/lab';
import { parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIO } from '../command';

const usage = `Usage: packetlab validate LAB...

Checks lab files: JSON syntax, the lab schema (lab.schema.json), references between devices,
interfaces, links and scenarios, and the device tables (routes in iproute2 syntax, ip neigh
entries, /etc/hosts). Prints each problem as FILE:LINE:COL: MESSAGE and exits with 1 if any.`;

/** Reads a lab file; returns its text or prints why it cannot. */
export function readLabFile(file: string, io: CliIO, command: string): string | null {
  try {
    return readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`packetlab ${command}: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}\n`);
    return null;
  }
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check lab files; errors as file:line:col: message',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, {});
    if (parsed.positionals.length === 0) throw new UsageError('missing LAB');
    let failed = false;
    for (const file of parsed.positionals) {
      const text = readLabFile(file, io, 'validate');
      if (text === null) {
        failed = true;
        continue;
      }
      const result = loadLabText(text);
      if (result.ok) {
        const note = result.migratedFrom !== undefined ? ` (version ${result.migratedFrom}, read as version ${result.lab.version})` : '';
        io.out(`${file}: ok${note}\n`);
      } else {
        failed = true;
        io.err(result.errors.map((e) => formatIssue(file, e) + '\n').join(''));
      }
    }
    return failed ? 1 : 0;
  },
};
