// Registry of CLI commands. Each command lives in its own module beside this file.
import type { CliCommand } from '../command';
import { serveCommand } from './serve';
import { dissectCommand } from './dissect';
import { validateCommand } from './validate';
import { runCommand } from './run';

export const commands: CliCommand[] = [serveCommand, dissectCommand, validateCommand, runCommand];
