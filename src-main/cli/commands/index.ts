// Registry of CLI commands. Each command lives in its own module beside this file.
import type { CliCommand } from '../command';
import { serveCommand } from './serve';

export const commands: CliCommand[] = [serveCommand];
