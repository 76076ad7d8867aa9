// Entry of the `packetlab` command-line tool (bundled to out/cli/packetlab.cjs, run by bin/packetlab).
import { commands } from './commands';
import { UsageError, type CliIO } from './command';
import { APP_NAME, APP_VERSION } from '../../src-shared/app-info';

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [
    `${APP_NAME} ${APP_VERSION} — a packet lab: build a network, run it, inspect every frame.`,
    '',
    'Usage: packetlab <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help (or `packetlab <command> --help`)',
    '  -V, --version  print the version',
  ];
  return lines.join('\n') + '\n';
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.out(helpText());
    return first === undefined ? 2 : 0;
  }
  if (first === '-V' || first === '--version') {
    io.out(`${APP_VERSION}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    io.err(`packetlab: unknown command '${first}'. Run 'packetlab --help' for the list.\n`);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    io.out(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`packetlab ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}
